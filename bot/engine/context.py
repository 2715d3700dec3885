"""What every engine call needs about a run: its frozen definition, period and calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.domain.acceptance import AcceptancePlan, acceptance_plan
from bot.domain.calendar import WorkingCalendar, build_calendar
from bot.domain.durations import DurationError, WorkDuration, parse_duration
from bot.domain.periods import Due, Period, ReportType
from bot.domain.sop import SopDefinition
from bot.engine.roles import UnitTree
from bot.persistence.models import Organisation, Run
from bot.persistence.records import Record
from bot.persistence.uow import SqlAlchemyUnitOfWork


@lru_cache(maxsize=64)
def _calendar(
    timezone: str,
    work_start: object,
    work_end: object,
    include_cuti_bersama: bool,
    extra_days: tuple[tuple[str, str], ...],
) -> WorkingCalendar:
    return build_calendar(
        timezone=timezone,
        work_start=work_start,  # type: ignore[arg-type]
        work_end=work_end,  # type: ignore[arg-type]
        include_cuti_bersama=include_cuti_bersama,
        extra_non_working_days={date.fromisoformat(day): name for day, name in extra_days},
    )


def calendar_of(org: Organisation) -> WorkingCalendar:
    """The organisation's working calendar (its zone, hours, holidays and extra days)."""
    return _calendar(
        org.timezone,
        org.work_start,
        org.work_end,
        org.include_cuti_bersama,
        tuple(sorted((org.extra_non_working_days or {}).items())),
    )


DEFAULT_DURATION = "1 Hari"


def default_duration_of(org: Organisation) -> WorkDuration:
    try:
        return parse_duration(org.default_duration or DEFAULT_DURATION)
    except DurationError:
        return parse_duration(DEFAULT_DURATION)


@dataclass(frozen=True)
class RunContext:
    run: Run | Record
    """The ORM row, or a plain copy for a check that changes nothing (``authorised``)."""
    definition: SopDefinition
    period: Period
    calendar: WorkingCalendar
    tree: UnitTree

    @property
    def report_types(self) -> frozenset[ReportType]:
        return self.period.report_types()

    @property
    def due(self) -> Due:
        """What the run's period makes due: which steps run (``bot.domain.workflow.runs_in``)."""
        return self.period.due()

    @property
    def acceptance(self) -> AcceptancePlan:
        """Which step accepts the figures in this run, which verify (``bot.domain.acceptance``)."""
        return acceptance_plan(self.definition, self.due)

    @property
    def default_duration(self) -> WorkDuration:
        """``organisasi.durasi_bawaan``: the Waktu of a step whose document gives none."""
        return default_duration_of(self.run.organisation)

    @property
    def home_unit_id(self) -> int:
        """Where run-level roles are looked for: the run's root unit or the organisation's top."""
        if self.run.root_unit_id is not None:
            return self.run.root_unit_id
        return self.tree.roots()[0].id


_DEFINITIONS: dict[str, SopDefinition] = {}
"""Frozen definitions by the sha256 of their stored text (``content_hash``): the same text
is the same definition in any database, so it is parsed once per process, not once per
update, and a database whose ids were reused cannot confuse it."""
_KEPT_DEFINITIONS = 256


def definition_of(uow: SqlAlchemyUnitOfWork, run: Run | Record) -> SopDefinition:
    """The run's frozen definition; its stored text is read and parsed only the first time
    (the hot path loads the version's id and hash with the task: ``task_with_run``)."""
    version = run.definition_version
    found = _DEFINITIONS.get(version.content_hash)
    if found is None:
        if len(_DEFINITIONS) >= _KEPT_DEFINITIONS:
            _DEFINITIONS.clear()
        found = SopDefinition.model_validate_json(uow.runs.definition_text(version.id))
        _DEFINITIONS[version.content_hash] = found
    return found


def run_context(uow: SqlAlchemyUnitOfWork, run: Run | Record) -> RunContext:
    """What the engine needs about ``run``, read once per transaction (an update's several
    engine calls share it; ``uow.remembered``). A context on a plain ``Record`` of the run
    (a check that changes nothing) is kept apart from one on the ORM row, which writers
    change through ``ctx.run``."""
    key = ("run_context", run.id, isinstance(run, Record))
    return uow.remembered(key, lambda: _read_context(uow, run))  # type: ignore[no-any-return]


def organisation_of(uow: SqlAlchemyUnitOfWork, organisation_id: int) -> Record | None:
    """The organisation's settings as a plain record, kept by the process until reference
    data changes (an organisation's flush bumps the counter)."""
    return uow.shared(  # type: ignore[no-any-return]
        ("organisation", organisation_id),
        lambda: uow.orgs.organisation_record(organisation_id),
    )


def unit_tree(uow: SqlAlchemyUnitOfWork, organisation_id: int) -> UnitTree:
    """The organisation's units, kept by the process until reference data changes."""
    return uow.shared(  # type: ignore[no-any-return]
        ("unit_tree", organisation_id),
        lambda: UnitTree.of(uow.orgs.unit_outline(organisation_id)),
    )


def _read_context(uow: SqlAlchemyUnitOfWork, run: Run | Record) -> RunContext:
    return RunContext(
        run=run,
        definition=definition_of(uow, run),
        period=Period.parse(run.period),
        calendar=calendar_of(run.organisation),
        tree=unit_tree(uow, run.organisation_id),
    )
