"""``sopbot monev --sop ID --period 2026-S2 -o FILE``: the SOP compliance (monev) report.

PermenPANRB 35/2012 asks for an evaluation of every SOP each semester; this
writes it from what the runs recorded, as XLSX (to work on), PDF (to sign) or
HTML. As with ``sop render``, every failure is one plain sentence and exit
status 1: the people running this are not programmers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, NoReturn, cast

import click

from bot.cli.clock import resolve_now
from bot.cli.db import friendly_db_errors, resolve_org, unit_of_work
from bot.cli.engine_support import NOW_OPTION, ORG_OPTION
from bot.cli.sop import display_path, output_format
from bot.domain.calendar import load_zone
from bot.domain.periods import Period, PeriodError
from bot.domain.sop import SopDefinition
from bot.reports.monev import MonevReport

Format = Literal["xlsx", "pdf", "html"]
_FORMATS = ("xlsx", "pdf", "html")


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    raise click.exceptions.Exit(1)


@click.command("monev")
@click.option(
    "--sop",
    "sop_ids",
    multiple=True,
    metavar="ID",
    help="SOP yang dinilai (id atau awalannya, mis. kesbangpol); boleh diulang. "
    "Bawaan: semua SOP organisasi.",
)
@click.option(
    "--period",
    required=True,
    metavar="PERIODE",
    help="Semester atau triwulan yang dinilai, mis. 2026-S2 atau 2026-TW3.",
)
@ORG_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "pdf", "html"], case_sensitive=False),
    default=None,
    help="Bentuk hasil; bawaan menurut akhiran berkas (.xlsx, .pdf, .html).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Berkas hasil.",
)
@NOW_OPTION
def monev(
    sop_ids: tuple[str, ...],
    period: str,
    org_slug: str | None,
    fmt: str | None,
    output: Path,
    now_text: str | None,
) -> None:
    """Monev penerapan SOP: waktu nyata tiap langkah terhadap Waktu standar,
    keterlambatan, pengembalian, dan tabel penilaian PermenPANRB 35/2012."""
    kind = cast(Format, output_format(output, fmt, _FORMATS, "xlsx", {".htm": "html"}))
    try:
        evaluated = Period.parse(period)
    except PeriodError as exc:
        _fail(f"Periode {period!r} tidak dapat dipakai ({exc}); contoh: 2026-S2 atau 2026-TW3.")
    try:
        report = _collect(org_slug, tuple(sop_ids), evaluated, now_text)
    except click.BadParameter as exc:
        _fail(f"--now tidak sah: {exc.message}")
    except click.ClickException as exc:
        _fail(exc.format_message())

    try:
        data = _draw(report, kind)
    except Exception as exc:  # the promise is "no traceback"; say what failed instead
        _fail(f"Gagal membuat {kind.upper()} monev: {exc}")
    try:
        output.write_bytes(data)
    except OSError as exc:
        _fail(f"Tidak dapat menulis {display_path(output)}: {exc.strerror or exc}")
    good = sum(1 for p in report.procedures if p.good)
    click.echo(
        f"Monev SOP {report.period_label} ({kind.upper()}) ditulis ke {display_path(output)}: "
        f"{len(report.procedures)} prosedur, {good} berjalan dengan baik."
    )


@friendly_db_errors
def _collect(
    org_slug: str | None, wanted: Sequence[str], period: Period, now_text: str | None
) -> MonevReport:
    from bot.definitions import load_catalog
    from bot.reports.monev_collect import collect_monev

    catalog = {key: loaded.definition for key, loaded in load_catalog().definitions.items()}
    with unit_of_work() as uow:
        org = resolve_org(uow, org_slug)
        as_of = resolve_now(now_text, load_zone(org.timezone))
        known = _known_sops(catalog, uow.orgs.sop_ids(org.id), uow.runs.sop_ids_with_runs(org.id))
        if wanted:
            chosen = list(dict.fromkeys(_resolve_sop(sop_id, known) for sop_id in wanted))
        else:
            chosen = sorted(set(uow.orgs.sop_ids(org.id)) | set(uow.runs.sop_ids_with_runs(org.id)))
            if not chosen:
                raise click.ClickException(
                    f"{org.name} belum menjalankan SOP apa pun; sebutkan SOP dengan --sop."
                )
        return collect_monev(uow, org, period, chosen, as_of=as_of, definitions=catalog)


def _known_sops(catalog: dict[str, SopDefinition], *more: Iterable[str]) -> list[str]:
    known = set(catalog)
    for ids in more:
        known.update(ids)
    return sorted(known)


def _resolve_sop(sop_id: str, known: Sequence[str]) -> str:
    """The SOP id itself or the one id it begins (``kesbangpol``); never a guess."""
    text = sop_id.strip()
    if text in known:
        return text
    matches = [key for key in known if text and key.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise click.ClickException(f"SOP {text!r} tidak jelas; yang cocok: {', '.join(matches)}.")
    raise click.ClickException(
        f"SOP {text!r} tidak dikenal; yang ada: {', '.join(known) or '(tidak ada)'}."
    )


def _draw(report: MonevReport, kind: Format) -> bytes:
    from bot.reports.monev_render import render_monev_html, render_monev_pdf, render_monev_xlsx

    if kind == "pdf":
        return render_monev_pdf(report)
    if kind == "xlsx":
        return render_monev_xlsx(report)
    return render_monev_html(report).encode("utf-8")
