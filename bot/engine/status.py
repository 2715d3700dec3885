"""Where each run stands: its current steps, who holds them, and whether they are late.

A read-only query for the people who chase the work (Kabid, Kasubag
Perencanaan, the admin): it changes no row and emits no event, so it can be
asked as often as anyone likes. Holders are resolved exactly as the engine
resolves them when it assigns a task (``holders_near`` on the run's unit tree,
Plt/Plh within their dates), so the names shown are the people who would be
told. Lateness is counted in the organisation's working time, the unit its
deadlines are set in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.enums import RunState, TaskState
from bot.domain.lateness import format_lateness, format_time_left
from bot.domain.periods import Period, PeriodError
from bot.engine.context import RunContext, run_context
from bot.engine.errors import InvalidInput
from bot.engine.progress import task_uraian
from bot.engine.roles import holders_near
from bot.persistence.models import Person, RoleAssignment, Run, Task
from bot.persistence.uow import SqlAlchemyUnitOfWork

RUN_STATE_TEXT = {
    RunState.OPEN: "berjalan",
    RunState.COMPLETED: "selesai",
    RunState.CANCELLED: "dibatalkan",
}
WORKING = "dikerjakan"
WAITING_FOR_UNITS = "menunggu unit"


@dataclass(frozen=True)
class CurrentWork:
    """One open (or waiting) task of a run, as a status line shows it.

    Datetimes are aware and in the organisation's zone, ready to be shown.
    """

    task_id: int
    step_no: int
    uraian: str
    role_name: str
    unit_code: str
    unit_name: str
    holders: tuple[str, ...]
    """Names of the people holding the role for this unit now (empty: nobody)."""
    state: str
    """``dikerjakan``, or ``menunggu unit`` for a join that waits for branches."""
    waiting_for: tuple[str, ...]
    """For a waiting join: the names of the units whose branches are still open."""
    waiting_codes: tuple[str, ...]
    """The same units by code (short, and what ``--unit`` takes)."""
    due_at: datetime | None
    late: bool
    late_minutes: int
    """Working minutes past the deadline (0 when not late)."""
    lateness: str | None
    """``terlambat 1 hari 2 jam`` when late, else None."""
    time_left: str | None
    """``sisa 3 jam`` when not late (and there is a deadline), else None."""
    round: int
    reason: str | None
    """Why the step came back (a returned report), if it did."""


@dataclass(frozen=True)
class RunStatus:
    """One run: what it is, where it stands, and its current work."""

    run_id: int
    sop_id: str
    sop_name: str
    period: str
    period_label: str
    state: str
    """``berjalan``, ``selesai`` or ``dibatalkan``."""
    started_at: datetime
    finished_at: datetime | None
    cancel_reason: str | None
    scope_name: str
    """The unit the run covers: its root unit, or the whole organisation's top unit."""
    work: tuple[CurrentWork, ...]


def run_status(
    uow: SqlAlchemyUnitOfWork,
    *,
    organisation_id: int,
    period: str | None,
    unit_id: int | None,
    now: datetime,
) -> list[RunStatus]:
    """Every run of the organisation for ``period`` (None: the open runs), oldest first.

    ``unit_id`` keeps the runs touching that unit or its subtree and, inside
    them, only the work that concerns it: tasks of those units, tasks whose
    role holders sit there, and joins still waiting for one of them.
    """
    if period is None:
        runs = uow.runs.open_runs(organisation_id)
    else:
        try:
            canonical = str(Period.parse(period))
        except PeriodError as exc:
            raise InvalidInput(str(exc)) from exc
        runs = uow.runs.runs_for_period(organisation_id, canonical)
    assignments = uow.orgs.assignments_in(organisation_id)
    found = []
    for run in runs:
        status = _status(uow, run, assignments, unit_id, now)
        if status is not None:
            found.append(status)
    return found


def _status(
    uow: SqlAlchemyUnitOfWork,
    run: Run,
    assignments: Sequence[RoleAssignment],
    unit_id: int | None,
    now: datetime,
) -> RunStatus | None:
    ctx = run_context(uow, run)
    tasks = uow.work.tasks_of_run(run.id)
    open_units = [b.unit_id for b in uow.runs.branches(run.id) if b.state is RunState.OPEN]
    area = set(ctx.tree.subtree(unit_id)) if unit_id is not None else None
    zone = ctx.calendar.zone
    today = now.astimezone(zone).date()
    work = []
    for task in tasks:
        if task.state not in (TaskState.OPEN, TaskState.WAITING):
            continue
        people = holders_near(
            ctx.tree,
            assignments,
            task.role_key,
            task.unit_id,
            today,
            organisation_wide=task.branch_id is None,
        )
        if area is None or _concerns(task, people, area, assignments, open_units):
            work.append(_work(ctx, task, people, open_units, now))
    if area is not None and not work and not _touches(run, tasks, area, ctx):
        return None
    work.sort(key=lambda w: (w.step_no, w.unit_name, w.task_id))
    return RunStatus(
        run_id=run.id,
        sop_id=ctx.definition.id,
        sop_name=ctx.definition.name,
        period=str(ctx.period),
        period_label=ctx.period.label,
        state=RUN_STATE_TEXT[run.state],
        started_at=run.started_at.astimezone(zone),
        finished_at=run.finished_at.astimezone(zone) if run.finished_at else None,
        cancel_reason=run.cancel_reason,
        scope_name=ctx.tree.units[ctx.home_unit_id].name,
        work=tuple(work),
    )


def _work(
    ctx: RunContext,
    task: Task,
    people: Sequence[Person],
    open_units: list[int],
    now: datetime,
) -> CurrentWork:
    calendar = ctx.calendar
    waiting = task.state is TaskState.WAITING
    due = task.due_at.astimezone(calendar.zone) if task.due_at else None
    late = due is not None and now > due
    late_minutes = calendar.working_minutes_between(due, now) if due is not None and late else 0
    left = calendar.working_minutes_between(now, due) if due is not None and not late else None
    return CurrentWork(
        task_id=task.id,
        step_no=task.step_no,
        uraian=task_uraian(task, ctx),
        role_name=ctx.definition.role(task.role_key).name,
        unit_code=ctx.tree.units[task.unit_id].code,
        unit_name=ctx.tree.units[task.unit_id].name,
        holders=tuple(holder_label(person) for person in people),
        state=WAITING_FOR_UNITS if waiting else WORKING,
        waiting_for=tuple(ctx.tree.units[u].name for u in open_units) if waiting else (),
        waiting_codes=tuple(ctx.tree.units[u].code for u in open_units) if waiting else (),
        due_at=due,
        late=late,
        late_minutes=late_minutes,
        lateness=format_lateness(late_minutes, calendar.day_minutes) if late else None,
        time_left=format_time_left(left, calendar.day_minutes) if left is not None else None,
        round=task.round,
        reason=task.payload.get("reason"),
    )


UNREACHABLE_MARK = " (tidak dapat dihubungi)"


def holder_label(person: Person) -> str:
    """The holder's name, marked when Telegram no longer delivers to them."""
    return person.name if person.reachable else person.name + UNREACHABLE_MARK


def _touches(run: Run, tasks: Sequence[Task], area: set[int], ctx: RunContext) -> bool:
    """The run covers the unit: started for it, has it as participant, or gave it work."""
    if run.root_unit_id is not None and run.root_unit_id in area:
        return True
    if area & set(run.participant_unit_ids or ()):
        return True
    if any(task.unit_id in area for task in tasks):
        return True
    # A whole-organisation run with no work there yet still concerns the top unit.
    return ctx.home_unit_id in area


def _concerns(
    task: Task,
    people: Sequence[Person],
    area: set[int],
    assignments: Sequence[RoleAssignment],
    open_units: list[int],
) -> bool:
    """Inside a unit filter, a task is shown if it is there, waits for it, or is held there."""
    if task.unit_id in area:
        return True
    if task.state is TaskState.WAITING and area & set(open_units):
        return True
    # The Kasubag Perencanaan sits in a sub-bagian, but the join task is the badan's.
    holders = {person.id for person in people}
    return any(
        a.role_key == task.role_key and a.unit_id in area and a.person_id in holders
        for a in assignments
    )
