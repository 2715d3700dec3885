"""Reading the monev facts of one organisation from the database.

Everything a run did is already stored: its tasks with their open, due and
finish times, who finished them, the reviewers' decisions, and the frozen
definition the run started with (so the Waktu of a step is the one that
applied then, not today's YAML). This module only reads them into the plain
facts of :mod:`bot.reports.monev`, which does the judging.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from bot.domain.acceptance import Effect, acceptance_plan
from bot.domain.durations import DurationError, WorkDuration
from bot.domain.periods import Period, PeriodKind
from bot.domain.sop import SopDefinition, Step
from bot.domain.workflow import WorkflowError, fan_out_join
from bot.engine.context import calendar_of, default_duration_of
from bot.engine.progress import ACTIVITY_FAN_OUT, task_activity
from bot.engine.roles import UnitTree, holders_near
from bot.persistence.models import (
    Decision,
    DecisionOutcome,
    Organisation,
    RoleAssignment,
    Run,
    RunState,
    Task,
    TaskState,
)
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.reports.collect import head_of_office, letterhead
from bot.reports.monev import (
    DEFAULT_RULE,
    DecisionFacts,
    MonevHeader,
    MonevReport,
    MonevRule,
    ProcedureFacts,
    RunFacts,
    RunOutcome,
    TaskFacts,
    TaskStatus,
    build_monev,
)

_TASK_STATUS = {
    TaskState.DONE: TaskStatus.DONE,
    TaskState.OPEN: TaskStatus.OPEN,
    TaskState.CANCELLED: TaskStatus.CANCELLED,
}
_RUN_OUTCOME = {
    RunState.OPEN: RunOutcome.OPEN,
    RunState.COMPLETED: RunOutcome.COMPLETED,
    RunState.CANCELLED: RunOutcome.CANCELLED,
}


def covered_periods(period: Period) -> tuple[str, ...]:
    """The run periods a monev over ``period`` looks at.

    A quarter is itself; a semester is its two quarters (and a run made for the
    semester itself); a year is its quarters and semesters as well.
    """
    found = [str(period), *(str(q) for q in period.quarters())]
    if period.kind is PeriodKind.TAHUNAN:
        found += [str(Period(period.year, PeriodKind.SEMESTER, i)) for i in (1, 2)]
    return tuple(dict.fromkeys(found))


def collect_monev(
    uow: SqlAlchemyUnitOfWork,
    organisation: Organisation,
    period: Period,
    sop_ids: Sequence[str],
    *,
    as_of: datetime,
    generated_at: datetime | None = None,
    rule: MonevRule = DEFAULT_RULE,
    definitions: Mapping[str, SopDefinition] | None = None,
) -> MonevReport:
    """The monev of ``sop_ids`` (one summary row each, in that order) for ``period``.

    ``as_of`` is "now" for steps still open. ``definitions`` names SOPs that
    have no run stored yet (the catalog); otherwise the latest stored version
    names them.
    """
    reader = _Reader(uow, organisation, as_of)
    periods = covered_periods(period)
    procedures = []
    instansi = ""
    for sop_id in sop_ids:
        runs = uow.runs.runs_of_sop(organisation.id, sop_id, periods)
        definition = _naming_definition(uow, sop_id, runs, definitions or {})
        if definition is not None and not instansi:
            instansi = definition.identity.instansi
        procedures.append(
            ProcedureFacts(
                sop_id=sop_id,
                sop_name=definition.name if definition else sop_id,
                nomor=definition.identity.nomor if definition else "",
                runs=tuple(reader.run(run) for run in runs),
            )
        )
    return build_monev(
        MonevHeader(
            organisation=organisation.name,
            instansi=instansi,
            kop=letterhead(organisation),
            signer=head_of_office(uow, organisation, as_of.date(), None),
        ),
        period,
        procedures,
        calendar_of(organisation),
        as_of=as_of,
        generated_at=generated_at or as_of,
        rule=rule,
    )


def _naming_definition(
    uow: SqlAlchemyUnitOfWork,
    sop_id: str,
    runs: Sequence[Run],
    definitions: Mapping[str, SopDefinition],
) -> SopDefinition | None:
    """The definition whose name heads the row: the newest run's, the catalog's, the stored one."""
    if runs:
        return runs[-1].definition_version.definition()
    if sop_id in definitions:
        return definitions[sop_id]
    version = uow.runs.latest_definition_version(sop_id)
    return version.definition() if version else None


class _Reader:
    """Reads runs of one organisation; units and role assignments are loaded once."""

    def __init__(self, uow: SqlAlchemyUnitOfWork, organisation: Organisation, as_of: datetime):
        self.uow = uow
        self.organisation = organisation
        self.as_of = as_of
        self.tree = UnitTree.of(uow.orgs.units(organisation.id))
        self.assignments: Sequence[RoleAssignment] = uow.orgs.assignments_in(organisation.id)
        self.today = as_of.astimezone(calendar_of(organisation).zone).date()

    def run(self, run: Run) -> RunFacts:
        definition = run.definition_version.definition()
        period = Period.parse(run.period)
        decisions = _last_decisions(self.uow.work.decisions_of_run(run.id))
        tasks = [
            self.task(definition, period, task, decisions.get(task.id))
            for task in self.uow.work.tasks_of_run(run.id)
            if _worked(task)
        ]
        return RunFacts(
            run_id=run.id,
            period=run.period,
            scope_name=self._unit_name(run.root_unit_id) or self.organisation.name,
            state=_RUN_OUTCOME[run.state],
            started_at=run.started_at,
            finished_at=run.finished_at,
            cancel_reason=run.cancel_reason,
            unit_names=tuple(self._unit_name(u) or "?" for u in run.participant_unit_ids or ()),
            tasks=tuple(tasks),
        )

    def task(
        self, definition: SopDefinition, period: Period, task: Task, decision: Decision | None
    ) -> TaskFacts:
        step = definition.step(task.step_no)
        fan_out = task_activity(task) == ACTIVITY_FAN_OUT and step.fan_out is not None
        waktu_teks, standard = _standard(
            definition, step, fan_out, period, default_duration_of(self.organisation)
        )
        status = _TASK_STATUS[task.state]
        holders: tuple[str, ...] = ()
        if status is TaskStatus.OPEN and task.assignee is None:
            people = holders_near(
                self.tree,
                self.assignments,
                task.role_key,
                task.unit_id,
                self.today,
                organisation_wide=task.branch_id is None,
            )
            holders = tuple(person.name for person in people)
        return TaskFacts(
            step_no=task.step_no,
            uraian=step.fan_out.uraian if fan_out and step.fan_out else step.uraian,
            role_name=_role_name(definition, task.role_key),
            unit_name=self._unit_name(task.unit_id) or "?",
            status=status,
            created_at=task.created_at,
            waktu_teks=waktu_teks,
            standard=standard,
            round=task.round,
            started_at=task.started_at,
            finished_at=task.finished_at,
            due_at=task.due_at,
            done_by=task.assignee.name
            if task.assignee is not None and status is TaskStatus.DONE
            else None,
            holders=holders,
            decision=_decision(decision, definition, period),
        )

    def _unit_name(self, unit_id: int | None) -> str | None:
        if unit_id is None:
            return None
        unit = self.tree.units.get(unit_id)
        return unit.name if unit is not None else None


def _worked(task: Task) -> bool:
    """Tasks someone could work on: not a join still waiting, nor one cancelled unopened."""
    if task.state in (TaskState.WAITING, TaskState.SUPERSEDED):
        return False
    return not (task.state is TaskState.CANCELLED and task.started_at is None)


def _last_decisions(decisions: Iterable[Decision]) -> dict[int, Decision]:
    """The decision that closed each task (a task is decided once; the last one wins)."""
    found: dict[int, Decision] = {}
    for decision in decisions:
        found[decision.task_id] = decision
    return found


def _decision(
    decision: Decision | None, definition: SopDefinition, period: Period
) -> DecisionFacts | None:
    if decision is None:
        return None
    approved = decision.outcome is DecisionOutcome.APPROVE
    plan = acceptance_plan(definition, period.due())
    verified = approved and plan.on_approve(decision.task.step_no) is Effect.VERIFIED
    return DecisionFacts(
        approved=approved,
        verified=verified,
        decided_at=decision.decided_at,
        decided_by=decision.decided_by.name if decision.decided_by is not None else None,
        reason=decision.reason,
    )


def _role_name(definition: SopDefinition, key: str) -> str:
    try:
        return definition.role(key).name
    except KeyError:
        return key


def _standard(
    definition: SopDefinition,
    step: Step,
    fan_out: bool,
    period: Period,
    default: WorkDuration | None = None,
) -> tuple[str, WorkDuration | None]:
    """The Waktu text and duration a task had, the same way the engine chose its deadline.

    A unit's answer to a fan-out has the fan-out's own Waktu, or else the Waktu
    of the join that gathers the answers.
    """
    waktu = step.waktu
    if fan_out and step.fan_out is not None:
        if step.fan_out.waktu is not None:
            waktu = step.fan_out.waktu
        else:
            try:
                join = fan_out_join(definition, step, period.due()).step
            except WorkflowError:
                join = None
            if join is not None:
                waktu = join.waktu
    if waktu is None:  # the document gives none: the organisation's default duration
        return "-", default
    try:
        return waktu.teks, waktu.resolve(period.report_types(), definition.waktu_satuan)
    except DurationError:
        return waktu.teks, None
