"""``sopbot verify FILE``: does a Laporan Kinerja file still match the database?

The file (XLSX, PDF or HTML made by ``sopbot report`` or the bot) carries a
stamp: the organisation, SOP, period and unit it was made for, and the
SHA-256 of its data (see :mod:`bot.reports.provenance`). The report is made
again from the database and the digests compared.

Exit codes: 0 "COCOK"; 1 "TIDAK COCOK" (the data changed since the file was
made; the changed figures are named when the file lists its rows' digests);
2 when the file cannot be checked (unreadable, no stamp, or a report the
database cannot make: unknown organisation, SOP or unit).
"""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.clock import resolve_now
from bot.cli.engine_support import engine_errors, open_database
from bot.cli.sop import display_path
from bot.definitions import DefinitionNotFound
from bot.domain.calendar import load_zone
from bot.domain.periods import Period, PeriodError
from bot.reports.collect import ReportError
from bot.reports.files import produce
from bot.reports.model import PerformanceReport
from bot.reports.verify import FileStamp, UnreadableReport, compare, read_report_stamp


class CannotVerify(click.ClickException):
    """The file cannot be checked at all: exit 2, not the 1 of a mismatch."""

    exit_code = 2


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@engine_errors
def verify(file: Path) -> None:
    """Periksa apakah berkas laporan (XLSX, PDF, HTML) masih cocok dengan basis data."""
    shown = display_path(file)
    try:
        data = file.read_bytes()
    except FileNotFoundError as exc:
        raise CannotVerify(f"Berkas {shown} tidak ada.") from exc
    except IsADirectoryError as exc:
        raise CannotVerify(f"{shown} adalah folder, bukan berkas laporan.") from exc
    except OSError as exc:
        raise CannotVerify(f"Berkas {shown} tidak dapat dibaca ({exc.errno}).") from exc
    try:
        recorded = read_report_stamp(data)
    except UnreadableReport as exc:
        raise CannotVerify(f"{shown} tidak dapat diperiksa: {exc}.") from exc
    report = _rebuild(recorded)
    verdict = compare(recorded, report)
    subject = f"{report.heading}, {report.organisation}"
    if report.unit_code:
        subject += f", unit {report.unit_code}"
    if verdict.matches:
        click.echo(
            f"COCOK: {shown} ({recorded.kind.upper()}) sesuai dengan data di basis data: "
            f"{subject}; sidik data {verdict.current}."
        )
        return
    click.echo(f"TIDAK COCOK: data berubah sejak laporan dibuat ({subject}).")
    click.echo(f"  sidik data di berkas:      {verdict.recorded}")
    click.echo(f"  sidik data basis data kini: {verdict.current}")
    # A file made before the last review's YES was a DRAFT; say where the data stands now.
    click.echo(f"  Status data kini: {report.status_note}")
    names = {f"{u.code}/{r.code}": r.name for u in report.units for r in u.rows}
    if verdict.changed:
        click.echo("  Angka yang berubah (atau siapa/kapan mengisi dan menyetujuinya):")
        for key in verdict.changed:
            click.echo(f"  - {key} {names.get(key, '(tidak ada lagi di laporan)')}")
    elif verdict.rows_known:
        click.echo(
            "  Angka per indikator sama; yang berubah: status persetujuan, tanda tangan "
            "atau identitas laporan."
        )
    else:
        click.echo("  Berkas ini tidak memuat sidik per baris; angka yang berubah tidak diketahui.")
    raise click.exceptions.Exit(1)


def _rebuild(recorded: FileStamp) -> PerformanceReport:
    """The report the stamp names, made now from the database."""
    stamp = recorded.stamp
    try:
        period = Period.parse(stamp.period)
    except PeriodError as exc:
        raise CannotVerify(f"Periode {stamp.period!r} di berkas tidak sah: {exc}") from exc
    with open_database() as db:
        with db.uow_factory() as uow:
            org = uow.orgs.organisation(stamp.org) if stamp.org else None
            if org is None:
                raise CannotVerify(
                    f"Organisasi {stamp.org or '(tanpa slug)'} dari berkas tidak ada di basis data."
                )
            org_id = org.id
            now = resolve_now(None, load_zone(org.timezone))
        try:
            return produce(
                db.uow_factory,
                db.catalog,
                organisation_id=org_id,
                sop_id=stamp.sop,
                period=period,
                unit_code=stamp.unit,
                now=now,
            )
        except DefinitionNotFound as exc:
            raise CannotVerify(f"SOP {stamp.sop} dari berkas tidak dikenal.") from exc
        except ReportError as exc:
            raise CannotVerify(f"Laporan tidak dapat dibuat ulang: {exc}.") from exc
