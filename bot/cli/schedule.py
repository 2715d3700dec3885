"""``sopbot schedule``: when each SOP's start triggers fire.

``show`` answers "when does the next run start, and for which period?" from
the definitions and the working calendar alone, so it can be checked before
deployment. The plan (what the definitions say) is computed apart from its
rendering, so a later section listing the live scheduler's jobs can sit
beside it and be compared with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from bot.calendar_config import calendar_from_settings
from bot.domain.calendar import WorkingCalendar
from bot.domain.locale_id import format_date_id, format_datetime_id, format_time_id, zone_label
from bot.domain.schedules import Firing, firing_note, next_firings
from bot.domain.sop import SopDefinition, Trigger
from bot.domain.triggers import NonWorkingDayPolicy
from bot.settings import Settings, get_settings

_POLICY_TEXT = {
    NonWorkingDayPolicy.KEEP: "tetap pada tanggalnya",
    NonWorkingDayPolicy.NEXT_WORKING_DAY: "digeser ke hari kerja berikutnya",
}


@dataclass(frozen=True)
class TriggerPlan:
    """The next firings of one trigger of one SOP."""

    sop_id: str
    trigger: Trigger
    at_time: time
    firings: tuple[Firing, ...]


@dataclass(frozen=True)
class SopPlan:
    """One SOP's triggers; none means it is started by hand."""

    sop_id: str
    triggers: tuple[TriggerPlan, ...]


@click.group()
def schedule() -> None:
    """Jadwal pemicu SOP (kapan sebuah SOP dimulai otomatis)."""


@schedule.command("show")
@click.option(
    "--from",
    "from_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Tampilkan jadwal mulai tanggal ini (YYYY-MM-DD, termasuk). Bawaan: sekarang.",
)
@click.option(
    "--count",
    type=click.IntRange(min=1, max=100),
    default=4,
    show_default=True,
    help="Jumlah jadwal berikutnya per pemicu.",
)
@click.option("--sop", "sop_id", default=None, help="Hanya SOP dengan id ini.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def show(
    ctx: click.Context,
    from_date: datetime | None,
    count: int,
    sop_id: str | None,
    paths: tuple[Path, ...],
) -> None:
    """Tampilkan jadwal pemicu berikutnya untuk setiap SOP (waktu setempat).

    PATH: berkas atau folder definisi; bawaan folder definisi dari pengaturan.
    """
    settings = ctx.find_object(Settings) or get_settings()
    definitions = _load_definitions(ctx, paths)
    if sop_id is not None:
        if sop_id not in definitions:
            known = ", ".join(sorted(definitions)) or "(tidak ada)"
            raise click.ClickException(f"SOP {sop_id!r} tidak ditemukan; tersedia: {known}")
        definitions = {sop_id: definitions[sop_id]}
    if not definitions:
        click.echo("Tidak ada definisi SOP yang ditemukan.")
        return

    try:
        calendar = calendar_from_settings(settings)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if from_date is None:
        after = datetime.now(tz=calendar.zone)
    else:
        # Firings are "strictly after"; step back a tick so --from is inclusive.
        after = datetime.combine(from_date.date(), time.min, tzinfo=calendar.zone)
        after -= timedelta(microseconds=1)
    plans = [
        plan_sop(
            definitions[key], calendar, after=after, count=count, default_time=settings.trigger_hour
        )
        for key in sorted(definitions)
    ]
    for line in render_plans(plans, calendar, after=after, count=count):
        click.echo(line)
    _echo_live_jobs(settings, calendar.zone)


def _echo_live_jobs(settings: Settings, zone: ZoneInfo) -> None:
    """What the running bot's scheduler holds in the database (``sopbot run`` writes it)."""
    from bot.scheduling.live import JobsUnavailable, live_jobs

    click.echo("")
    try:
        jobs = live_jobs(settings.database_url)
    except JobsUnavailable as exc:
        click.echo(f"Pekerjaan terjadwal: basis data tidak dapat dibaca ({exc}).")
        return
    if not jobs:
        click.echo("Pekerjaan terjadwal: belum ada (dibuat saat `sopbot run` berjalan).")
        return
    click.echo("Pekerjaan terjadwal di basis data:")
    for job in jobs:
        when = format_datetime_id(job.next_run_time.astimezone(zone)) if job.next_run_time else "-"
        click.echo(f"  {when}  {job.name}  [{job.job_id}]")


def _load_definitions(ctx: click.Context, paths: Sequence[Path]) -> dict[str, SopDefinition]:
    """Definitions by id; prints every problem and exits 1 if there is any."""
    # Imported late: loading definitions pulls in the YAML reader and checks.
    from bot.definitions import load_catalog

    catalog = load_catalog(list(paths) or None)
    if catalog.problems:
        for problem in catalog.problems:
            click.echo(str(problem), err=True)
        click.echo(
            f"{len(catalog.problems)} masalah pada definisi SOP; jadwal tidak ditampilkan.",
            err=True,
        )
        ctx.exit(1)
    return {key: loaded.definition for key, loaded in catalog.definitions.items()}


def plan_sop(
    definition: SopDefinition,
    calendar: WorkingCalendar,
    *,
    after: datetime,
    count: int,
    default_time: time,
) -> SopPlan:
    """The next ``count`` firings of each of ``definition``'s triggers."""
    triggers = tuple(
        TriggerPlan(
            sop_id=definition.id,
            trigger=trigger,
            at_time=trigger.jam or default_time,
            firings=tuple(
                next_firings(
                    trigger,
                    calendar,
                    after=after,
                    count=count,
                    default_time=default_time,
                    frequency=definition.frequency,
                )
            ),
        )
        for trigger in definition.triggers
    )
    return SopPlan(definition.id, triggers)


def render_plans(
    plans: Sequence[SopPlan], calendar: WorkingCalendar, *, after: datetime, count: int
) -> Iterator[str]:
    """Lines of text: a heading, then per SOP its triggers and their firings."""
    local_after = calendar.localize(after) + timedelta(microseconds=1)
    yield (
        f"Jadwal pemicu SOP mulai {format_date_id(local_after)}, zona {zone_label(calendar.zone)}; "
        f"jam kerja {format_time_id(calendar.work_start)}-{format_time_id(calendar.work_end)}; "
        f"{count} jadwal berikutnya per pemicu."
    )
    width = max(len(plan.sop_id) for plan in plans)
    for plan in plans:
        yield ""
        name = plan.sop_id.ljust(width)
        if not plan.triggers:
            yield f"{name}  tanpa pemicu terjadwal; dimulai manual dengan `sopbot start`"
            continue
        for trigger_plan in plan.triggers:
            trigger = trigger_plan.trigger
            if trigger.rule.counts_working_days:
                policy = "selalu hari kerja (libur nasional dan cuti bersama dilewati)"
            else:
                policy = f"bila bukan hari kerja: {_POLICY_TEXT[trigger.non_working_day]}"
            yield (
                f"{name}  pemicu: {trigger.teks!r}, jam {format_time_id(trigger_plan.at_time)}, "
                f"{policy}"
            )
            for firing in trigger_plan.firings:
                yield f"{name}  {_firing_line(firing, calendar)}"


def _firing_line(firing: Firing, calendar: WorkingCalendar) -> str:
    line = f"{format_datetime_id(firing.at)} ({calendar.zone.key})  laporan {firing.period}"
    note = firing_note(firing, calendar)
    return f"{line}  [{note}]" if note else line
