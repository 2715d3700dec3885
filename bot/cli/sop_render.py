"""``sopbot sop render ID -o FILE``: the official SOP sheet, as HTML or PDF.

Units print and sign this sheet, so it is drawn from the same definition the
bot runs. Every failure ends in one plain sentence and exit status 1: the
people running this are not programmers and must never see a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, cast

import click

from bot.cli.sop import PATHS_OPTION, display_path, output_format, sop
from bot.definitions import DefinitionNotFound, load_catalog
from bot.domain.sop import SopDefinition
from bot.render.sop_sheet import SheetLayoutError, render_sop_html, render_sop_pdf

Format = Literal["html", "pdf"]


@sop.command("render")
@click.argument("sop_id")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Berkas hasil (.html atau .pdf).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf"], case_sensitive=False),
    default=None,
    help="Bentuk hasil; bawaan menurut akhiran berkas (.html, .pdf).",
)
@PATHS_OPTION
@click.pass_context
def render(
    ctx: click.Context, sop_id: str, output: Path, fmt: str | None, paths: tuple[Path, ...]
) -> None:
    """Gambar SOP_ID sebagai lembar SOP resmi (PermenPANRB 35/2012)."""
    kind = cast(Format, output_format(output, fmt, ("html", "pdf"), "html"))
    catalog = load_catalog(list(paths) or None)
    try:
        loaded = catalog.get(sop_id)
    except DefinitionNotFound as exc:
        click.echo(str(exc), err=True)
        if catalog.problems:
            click.echo("Sebagian berkas tidak dimuat; lihat `sopbot sop validate`.", err=True)
        ctx.exit(1)

    try:
        data = _draw(loaded.definition, kind)
    except SheetLayoutError as exc:
        click.echo(f"Lembar SOP {sop_id!r} tidak dapat digambar: {exc}", err=True)
        ctx.exit(1)
    except Exception as exc:  # the promise is "no traceback"; say what failed instead
        click.echo(f"Gagal membuat {kind.upper()} untuk {sop_id!r}: {exc}", err=True)
        ctx.exit(1)

    try:
        output.write_bytes(data)
    except OSError as exc:
        click.echo(f"Tidak dapat menulis {display_path(output)}: {exc.strerror or exc}", err=True)
        ctx.exit(1)
    click.echo(f"Lembar SOP {sop_id} ({kind.upper()}) ditulis ke {display_path(output)}")


def _draw(defn: SopDefinition, kind: Format) -> bytes:
    if kind == "pdf":
        return render_sop_pdf(defn)
    return render_sop_html(defn).encode("utf-8")
