"""``sopbot schedule``: when each SOP's start triggers fire.

``show`` answers "when does the next run start, and for which period?" from
the definitions and the working calendar alone, so it can be checked before
deployment. The calendar (zone, working hours, holidays) is the
organisation's: ``--org``, or the only organisation in the database; with
none (or no database yet) the deployment settings'. Like every read-only
command it never creates a database file. The plan (what the definitions
say) is computed apart from its rendering, so a later section listing the
live scheduler's jobs can sit beside it and be compared with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy.exc import ArgumentError

from bot.calendar_config import calendar_from_settings
from bot.cli.clock import resolve_now
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
@click.option(
    "--sop", "sop_id", default=None, metavar="ID", help="Hanya SOP ini (id atau awalannya)."
)
@click.option(
    "--org",
    "org_slug",
    metavar="SLUG",
    help="Organisasi yang kalender dan zonanya dipakai (bawaan: satu-satunya organisasi).",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def show(
    ctx: click.Context,
    from_date: datetime | None,
    count: int,
    sop_id: str | None,
    org_slug: str | None,
    paths: tuple[Path, ...],
) -> None:
    """Tampilkan jadwal pemicu berikutnya untuk setiap SOP (waktu setempat organisasi).

    JALUR: berkas atau folder definisi; bawaan folder definisi dari pengaturan.
    """
    settings = ctx.find_object(Settings) or get_settings()
    definitions = _load_definitions(ctx, paths, sop_id)
    if not definitions:
        click.echo("Tidak ada definisi SOP yang ditemukan.")
        return

    source = calendar_source(settings, org_slug)
    calendar = source.calendar
    if from_date is None:
        after = resolve_now(None, calendar.zone)
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
    click.echo(source.note)
    for line in render_plans(plans, calendar, after=after, count=count):
        click.echo(line)
    _echo_live_jobs(settings, calendar.zone, set(definitions) if sop_id is not None else None)


@dataclass(frozen=True)
class CalendarSource:
    """The calendar ``show`` uses and one line saying whose it is."""

    calendar: WorkingCalendar
    note: str


def calendar_source(settings: Settings, org_slug: str | None) -> CalendarSource:
    """The organisation's calendar (``--org`` or the only one), else the settings'.

    Never creates a database: a SQLite file that is not there means "no
    organisation yet", and ``--org`` then cannot be honoured.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli.db import no_database_message
    from bot.persistence.db import missing_sqlite_file

    try:
        missing = missing_sqlite_file(settings.database_url)
    except ArgumentError as exc:
        raise click.ClickException(f"DATABASE_URL tidak sah: {exc}") from exc
    if missing is not None:
        if org_slug:
            raise click.ClickException(no_database_message(missing))
        return _settings_source(
            settings, f"Basis data belum ada (berkas {missing} tidak ditemukan)"
        )
    try:
        found = _organisation_calendars(settings.database_url)
    except SQLAlchemyError as exc:
        if org_slug:
            raise click.ClickException(
                f"Basis data tidak dapat dibaca; --org {org_slug} tidak dapat dipakai. "
                "Sudahkah menjalankan 'sopbot db upgrade'?"
            ) from exc
        return _settings_source(settings, "Basis data tidak dapat dibaca")
    if org_slug:
        if org_slug not in found:
            known = ", ".join(sorted(found)) or "(belum ada)"
            raise click.ClickException(f"Organisasi '{org_slug}' tidak ada; yang ada: {known}.")
        chosen = org_slug
    elif len(found) == 1:
        (chosen,) = found
    elif not found:
        return _settings_source(settings, "Belum ada organisasi di basis data")
    else:
        raise click.ClickException(
            "Ada beberapa organisasi; pilih dengan --org: " + ", ".join(sorted(found))
        )
    name, calendar = found[chosen]
    return CalendarSource(
        calendar, f"Organisasi {name} ({chosen}): kalender kerja dan zona organisasi."
    )


def _settings_source(settings: Settings, why: str) -> CalendarSource:
    try:
        calendar = calendar_from_settings(settings)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    return CalendarSource(
        calendar, f"{why}; zona dan jam kerja dari pengaturan (SOPBOT_TIMEZONE dan lainnya)."
    )


def _organisation_calendars(url: str) -> dict[str, tuple[str, WorkingCalendar]]:
    """Every organisation's name and working calendar, by slug (read only)."""
    from bot.engine.context import calendar_of
    from bot.persistence.db import make_engine
    from bot.persistence.uow import make_uow_factory

    engine = make_engine(url)
    try:
        with make_uow_factory(engine)() as uow:
            return {org.slug: (org.name, calendar_of(org)) for org in uow.orgs.organisations()}
    finally:
        engine.dispose()


def _echo_live_jobs(settings: Settings, zone: ZoneInfo, only: set[str] | None) -> None:
    """What the running bot's scheduler holds in the database (``sopbot run`` writes it).

    With ``--sop``, only that SOP's trigger jobs (``only``: its id).
    """
    from bot.persistence.db import missing_sqlite_file
    from bot.scheduling.live import JobsUnavailable, live_jobs

    click.echo("")
    missing = missing_sqlite_file(settings.database_url)
    if missing is not None:
        click.echo(
            f"Pekerjaan terjadwal: basis data belum ada (berkas {missing} tidak ditemukan; "
            "buat dengan 'sopbot db upgrade')."
        )
        return
    if not _migrated(settings.database_url):
        click.echo(
            "Pekerjaan terjadwal: basis data belum disiapkan (belum ada tabelnya); "
            "jalankan 'sopbot db upgrade'."
        )
        return
    try:
        jobs = live_jobs(settings.database_url)
    except JobsUnavailable as exc:
        click.echo(f"Pekerjaan terjadwal: basis data tidak dapat dibaca ({exc}).")
        return
    if only is not None:
        jobs = [job for job in jobs if job.sop_id in only]
    if not jobs:
        click.echo("Pekerjaan terjadwal: belum ada (dibuat saat `sopbot run` berjalan).")
        return
    click.echo("Pekerjaan terjadwal di basis data:")
    for job in jobs:
        when = format_datetime_id(job.next_run_time.astimezone(zone)) if job.next_run_time else "-"
        click.echo(f"  {when}  {job.name}  [{job.job_id}]")


def _migrated(url: str) -> bool:
    """Whether the database has had its migrations (reads only; creates nothing)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.persistence.migrate import current_revision

    try:
        return current_revision(url) is not None
    except SQLAlchemyError:
        return True  # unreachable or odd: live_jobs says what is wrong


def _load_definitions(
    ctx: click.Context, paths: Sequence[Path], sop_id: str | None
) -> dict[str, SopDefinition]:
    """Definitions by id (only ``sop_id``'s, by id or unique prefix, when given).

    Prints every problem and exits 1 if there is any.
    """
    # Imported late: loading definitions pulls in the YAML reader and checks.
    from bot.definitions import DefinitionNotFound, load_catalog

    catalog = load_catalog(list(paths) or None)
    if catalog.problems:
        for problem in catalog.problems:
            click.echo(str(problem), err=True)
        click.echo(
            f"{len(catalog.problems)} masalah pada definisi SOP; jadwal tidak ditampilkan.",
            err=True,
        )
        ctx.exit(1)
    if sop_id is not None:
        try:
            loaded = catalog.get(sop_id.strip())
        except DefinitionNotFound as exc:
            raise click.ClickException(str(exc)) from exc
        return {loaded.definition.id: loaded.definition}
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
