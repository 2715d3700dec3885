"""``sopbot report``: the Laporan Kinerja of one SOP and period, as XLSX, PDF, HTML or PNG.

The same files the bot sends in chat (``/laporan``), for the Kasubag
Perencanaan who works at a desk. Every failure is one sentence and exit 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from bot.cli.clock import resolve_now
from bot.cli.engine_support import (
    NOW_OPTION,
    ORG_OPTION,
    engine_errors,
    open_database,
    organisation,
)
from bot.cli.sop import display_path, output_format
from bot.definitions import DefinitionNotFound
from bot.domain.periods import Period, PeriodError
from bot.reports.collect import ReportError
from bot.reports.files import FORMATS, Format, produce, render_report


@click.command()
@click.option("--sop", "sop_id", required=True, metavar="ID", help="Id SOP atau awalannya.")
@click.option(
    "--period",
    required=True,
    metavar="PERIODE",
    help="2026-10 (bulan), 2026-TW3 (triwulan), 2026-S1 (semester) atau 2026-TAHUNAN.",
)
@click.option("--unit", "unit_code", metavar="UNIT", help="Hanya satu unit (kode unit).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    default=None,
    help="Bentuk berkas; bawaan menurut akhiran -o (.xlsx, .pdf, .html, .png).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Berkas hasil.",
)
@ORG_OPTION
@NOW_OPTION
@engine_errors
def report(
    sop_id: str,
    period: str,
    unit_code: str | None,
    fmt: str | None,
    output: Path,
    org_slug: str | None,
    now_text: str | None,
) -> None:
    """Buat Laporan Kinerja (bulanan, triwulan, semester, tahunan) dari data yang tercatat."""
    kind = cast(Format, output_format(output, fmt, FORMATS, "pdf"))
    try:
        wanted = Period.parse(period)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from exc
    org = organisation(org_slug)
    now = resolve_now(now_text, org.zone)
    with open_database() as db:
        try:
            made = produce(
                db.uow_factory,
                db.catalog,
                organisation_id=org.id,
                sop_id=sop_id,
                period=wanted,
                unit_code=unit_code,
                now=now,
            )
        except DefinitionNotFound as exc:
            raise click.ClickException(str(exc).strip("'\"")) from exc
        except ReportError as exc:
            raise click.ClickException(f"Laporan tidak dapat dibuat: {exc}.") from exc
    try:
        output.write_bytes(render_report(made, kind).data)
    except OSError as exc:
        raise click.ClickException(
            f"Tidak dapat menulis {display_path(output)}: {exc.strerror or exc}"
        ) from exc
    click.echo(
        f"{made.heading} ({kind.upper()}, {made.summary.indicators} indikator, "
        f"{made.status_note}) ditulis ke {display_path(output)}"
    )
