"""``sopbot start``, ``sopbot status``, ``sopbot deadlines``: runs from the terminal.

With ``sopbot task`` (:mod:`bot.cli.tasks`) a newcomer can move a whole run
without Telegram: start it, see who holds each current step and whether it is
late, act as each person in turn, and let the deadline check fire.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click

from bot.cli.clock import resolve_now
from bot.cli.db import unit_of_work
from bot.cli.engine_support import (
    NOW_OPTION,
    ORG_OPTION,
    OrgRef,
    engine_errors,
    local,
    open_engine,
    organisation,
)
from bot.cli.status_view import render_status, statuses, timeliness_lines, work_lines
from bot.cli.tasks import task
from bot.engine.deadlines import Overdue
from bot.engine.holders import MissingHolder


@click.command()
@click.argument("sop_id")
@click.option(
    "--period",
    required=True,
    metavar="PERIODE",
    help="Periode sesuai frekuensi SOP, mis. 2026-TW4 (triwulan) atau 2026-10 (bulanan).",
)
@click.option("--unit", "unit_code", metavar="UNIT", help="Hanya untuk satu unit (kode unit).")
@click.option(
    "--izinkan-tumpang-tindih",
    "allow_overlap",
    is_flag=True,
    help="Mulai walaupun pelaksanaan SOP lain sedang mengumpulkan data indikator yang sama.",
)
@ORG_OPTION
@NOW_OPTION
@engine_errors
def start(
    sop_id: str,
    period: str,
    unit_code: str | None,
    allow_overlap: bool,
    org_slug: str | None,
    now_text: str | None,
) -> None:
    """Mulai SOP_ID (id atau awalannya, mis. kesbangpol) untuk satu periode."""
    org = organisation(org_slug)
    now = resolve_now(now_text, org.zone)
    with open_engine() as engine:
        run_id = engine.start_run(
            sop_id, org.slug, period, now=now, unit=unit_code, allow_overlap=allow_overlap
        )
        missing = engine.missing_holders(run_id, now=now)
    [started] = [s for s in statuses(org.id, period, None, now) if s.run_id == run_id]
    click.echo(
        f"Pelaksanaan {run_id} dimulai: {started.sop_name}, {started.period_label}, "
        f"{started.scope_name}; tugas pertama:"
    )
    for line in work_lines(started, org.zone):
        click.echo(line)
    for line in missing_lines(missing):
        click.echo(line)


def missing_lines(missing: list[MissingHolder]) -> list[str]:
    """Units whose branch waits for nobody, and the organisation-file line that fixes each."""
    if not missing:
        return []
    units = len({gap.unit_code for gap in missing})
    lines = [
        "",
        f"PERHATIAN: {units} unit belum punya pemegang untuk {len(missing)} peran yang "
        "dibutuhkan; tugasnya menunggu tanpa penerima (admin diberi tahu):",
    ]
    for gap in missing:
        steps = ", ".join(map(str, gap.steps))
        lines.append(
            f"  - {gap.unit_code} ({gap.unit_name}): {gap.role_name} ({gap.role_key}), "
            f"langkah {steps}"
        )
    lines.append(
        "Tambahkan pemegangnya di berkas organisasi (bagian peran:), isi NIP, lalu "
        "sopbot org import BERKAS; tugas unit itu akan sampai kepadanya:"
    )
    lines += [f"    {gap.org_file_line}" for gap in missing]
    lines.append(
        "  (Unit tanpa jabatan itu, mis. Sekretariat tanpa Kepala Bidang: tulis siapa yang "
        "bertindak, mis. Sekretaris, dengan peran tersebut.)"
    )
    return lines


@click.command()
@click.option(
    "--period",
    metavar="PERIODE",
    help="Semua pelaksanaan periode ini (bawaan: yang sedang berjalan).",
)
@click.option("--unit", "unit_code", metavar="UNIT", help="Hanya yang menyangkut unit ini.")
@ORG_OPTION
@NOW_OPTION
@engine_errors
def status(
    period: str | None, unit_code: str | None, org_slug: str | None, now_text: str | None
) -> None:
    """Posisi setiap pelaksanaan SOP: langkah, pemegang peran, batas waktu, keterlambatan."""
    org = organisation(org_slug)
    now = resolve_now(now_text, org.zone)
    unit_id = _unit_id(org, unit_code) if unit_code else None
    found = statuses(org.id, period, unit_id, now)
    if not found:
        where = f" periode {period}" if period else " yang sedang berjalan"
        click.echo(f"Tidak ada pelaksanaan SOP{where} di {org.name}.")
        return
    click.echo(f"Keadaan pada {local(now, org.zone)}.")
    for line in render_status(found, org.zone):
        click.echo(line)
    for line in timeliness_lines(org.id, found):
        click.echo(line)


@click.command()
@ORG_OPTION
@NOW_OPTION
@engine_errors
def deadlines(org_slug: str | None, now_text: str | None) -> None:
    """Periksa batas waktu semua pelaksanaan: catat tugas terlambat (sekali per tugas).

    --org hanya menentukan zona waktu untuk --now dan keluaran.
    """
    org = organisation(org_slug)
    now = resolve_now(now_text, org.zone)
    with open_engine() as engine:
        reported = engine.report_deadlines(now=now)
    when = local(now, org.zone)
    if not reported:
        click.echo(f"Tidak ada tugas yang terlambat (baru) pada {when}; tidak ada yang dicatat.")
        return
    click.echo(f"{len(reported)} keterlambatan dicatat pada {when}; pemegang perannya diberi tahu:")
    for item in reported:
        click.echo("  " + overdue_line(item, org.zone))


def overdue_line(item: Overdue, zone: ZoneInfo) -> str:
    """One reported deadline: which task, whose, due when; for a join, the units missing."""
    where = f"pelaksanaan {item.run_id}, langkah {item.step_no} ({item.role_name}"
    if item.missing_units:
        return (
            f"Tugas {item.task_id}, {where}) masih menunggu unit "
            f"{', '.join(item.missing_units)}; batas {local(item.due_at, zone)}"
        )
    return f"Tugas {item.task_id}, {where}, {item.unit_name}); batas {local(item.due_at, zone)}"


def register(cli: click.Group) -> None:
    """Add the run and task commands to the root ``sopbot`` group, in help order."""
    for command in (start, status, task, deadlines):
        cli.add_command(command)


def _unit_id(org: OrgRef, code: str) -> int:
    with unit_of_work() as uow:
        unit = uow.orgs.unit(org.id, code)
        if unit is None:
            raise click.ClickException(f"Unit {code!r} tidak ada di {org.name}.")
        return unit.id
