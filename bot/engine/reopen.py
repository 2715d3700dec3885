"""Re-opening a unit's approved data: the one way an approved figure can change again.

Approved figures are locked (``inputs.locked``). Someone *above* the approver may
re-open a unit's data for a run, with a reason: a holder of a role up the SOP's
``superior`` chain from the role that approved it (near the unit, or anywhere in
the organisation), or an administrator of the organisation. Re-opening works like
a return (``actions.decide(approve=False)``), only from further up:

* the unit's figures go back to ``returned`` (editable again);
* the unit's last input step opens again as a new round for its holders, with
  the reason (they are told as for a return);
* the unit's branch is open again, so the run waits for it at its join: run-level
  work already under way is superseded, a completed run is open again;
* the audit log records who, why and what; a ``reopened`` event tells the approver
  and whoever held the superseded work.

Works inside the caller's unit of work and does not commit.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.enums import MeasurementState, RunState, TaskState
from bot.domain.sop import Scope, SopDefinition, Step, StepKind
from bot.domain.workflow import fan_out_join
from bot.engine.acceptance import accepting_act, run_acts
from bot.engine.access import is_admin, require_reason
from bot.engine.context import RunContext, run_context
from bot.engine.errors import AlreadyProcessed, InvalidInput, NotAuthorized, NotFound
from bot.engine.events import EventKind
from bot.engine.inputs import set_state, task_indicators
from bot.engine.progress import ACTIVITY_FAN_OUT, Progress, task_activity, task_kind
from bot.persistence.models import Run, RunBranch, Task
from bot.persistence.uow import SqlAlchemyUnitOfWork

REOPEN_AUDIT = "unit_reopened"


def superiors(definition: SopDefinition, role_key: str) -> list[str]:
    """The roles above ``role_key`` in the SOP's ``superior`` chain, nearest first."""
    found: list[str] = []
    current = definition.role(role_key).superior
    while current is not None and current not in found and current != role_key:
        found.append(current)
        current = definition.role(current).superior
    return found


def reopen_unit(
    uow: SqlAlchemyUnitOfWork,
    run_id: int,
    unit_code: str,
    person_id: int | None,
    *,
    reason: str | None,
    now: datetime,
) -> int:
    """Re-open ``unit_code``'s approved data in run ``run_id``; returns the new input task's id.

    ``person_id`` None is the system (the command line acting as an administrator).
    """
    reason = require_reason(reason, "Pembukaan kembali")
    run = uow.runs.run(run_id)
    if run is None:
        raise NotFound(f"Pelaksanaan {run_id} tidak ditemukan.")
    if person_id is not None:
        person = uow.orgs.person_by_id(person_id)
        if person is None or person.organisation_id != run.organisation_id:
            raise NotFound(f"Pelaksanaan {run_id} tidak ditemukan.")
    if run.state is RunState.CANCELLED:
        raise AlreadyProcessed("Pelaksanaan ini sudah dibatalkan.")
    unit = uow.orgs.unit(run.organisation_id, unit_code.strip())
    if unit is None:
        raise NotFound(f"Unit {unit_code} tidak ditemukan.")
    ctx = run_context(uow, run)
    progress = Progress(uow, ctx, now, person_id)
    branch = uow.runs.branch(run.id, unit.id)
    if branch is None:
        raise InvalidInput(f"{unit.name} tidak ikut dalam pelaksanaan ini.")
    if branch.state is RunState.OPEN:
        raise InvalidInput(
            f"Data {unit.name} masih dikerjakan dan belum disetujui; tidak perlu dibuka kembali."
        )
    entry = _last_input_task(uow, ctx, branch)
    if entry is None:
        raise InvalidInput(f"{unit.name} tidak punya langkah pengisian yang dapat dibuka kembali.")
    indicators = task_indicators(uow, ctx, entry)
    period = str(ctx.period)
    current = uow.work.current_measurements([i.id for i in indicators], period)
    final = [m for m in current if m.state is MeasurementState.APPROVED]
    if not final:
        raise InvalidInput(
            f"Data {unit.name} untuk {ctx.period.label} belum disetujui; "
            "tidak ada yang perlu dibuka kembali."
        )
    approver_role, approver_id = _approver(uow, ctx, entry)
    if person_id is not None and not _may_reopen(progress, run, unit.id, approver_role, person_id):
        above = ", ".join(
            ctx.definition.role(r).name for r in superiors(ctx.definition, approver_role)
        )
        who = f"{above} atau admin organisasi" if above else "admin organisasi"
        raise NotAuthorized(
            f"Data ini disetujui oleh {ctx.definition.role(approver_role).name}; "
            f"yang dapat membukanya kembali hanya {who}."
        )

    was = run.state
    superseded, stopped_holders = _supersede_run_work(uow, ctx, progress, entry, now)
    if run.state is RunState.COMPLETED:
        run.state = RunState.OPEN
        run.finished_at = None
    returned = set_state(uow, indicators, period, MeasurementState.RETURNED, reopen=True)
    branch.state = RunState.OPEN
    task = _reopen_entry(progress, ctx, branch, entry, reason)
    _await_join_again(progress, ctx, entry)
    uow.audit.record(
        REOPEN_AUDIT,
        "run",
        run.id,
        actor_id=person_id,
        before={"run_state": was.value, "approved_by_role": approver_role},
        after={
            "unit_id": unit.id,
            "unit_code": unit.code,
            "reason": reason,
            "task_id": task.id,
            "step_no": task.step_no,
            "indicators": sorted(returned),
            "superseded_tasks": sorted(superseded),
        },
        at=now,
    )
    told = stopped_holders | ({approver_id} if approver_id else set())
    told -= {person_id, *progress.task_holders(task)}
    reopener = uow.orgs.person_by_id(person_id) if person_id is not None else None
    progress.emit(
        EventKind.REOPENED,
        recipients=sorted(p for p in told if p is not None),
        reason=reason,
        reopened_by=reopener.name if reopener else "Sistem",
        reopened_by_id=person_id,
        **progress.task_payload(task),
    )
    return task.id


def _last_input_task(uow: SqlAlchemyUnitOfWork, ctx: RunContext, branch: RunBranch) -> Task | None:
    """The branch's last finished task that took the unit's figures."""
    done = [
        t
        for t in uow.work.tasks_of_run(ctx.run.id, state=TaskState.DONE)
        if t.branch_id == branch.id and task_kind(t, ctx) is StepKind.INDICATOR_INPUT
    ]
    return max(done, key=lambda t: (t.finished_at or t.created_at, t.id)) if done else None


def _approver(uow: SqlAlchemyUnitOfWork, ctx: RunContext, entry: Task) -> tuple[str, int | None]:
    """The role (and person) that accepted the unit's figures by the SOP's acceptance rule
    (``bot.engine.acceptance``); without such an act, the role that entered them."""
    act = accepting_act(run_acts(uow, ctx), entry.unit_id)
    if act is None:
        return entry.role_key, entry.assignee_id
    return act.task.role_key, act.person.id if act.person else None


def _may_reopen(
    progress: Progress, run: Run, unit_id: int, approver_role: str, person_id: int
) -> bool:
    if is_admin(run.organisation, person_id):
        return True
    for role in superiors(progress.ctx.definition, approver_role):
        if person_id in progress.holders(role, unit_id, run_level=True):
            return True
    return False


def _supersede_run_work(
    uow: SqlAlchemyUnitOfWork, ctx: RunContext, progress: Progress, entry: Task, now: datetime
) -> tuple[list[int], set[int]]:
    """Run-level work past the join stops (the join waits again): the tasks and their holders."""
    join = _join_of(progress, ctx, entry)
    stopped: list[int] = []
    people: set[int] = set()
    for task in uow.work.tasks_of_run(ctx.run.id):
        if task.branch_id is not None or task.state not in (TaskState.OPEN, TaskState.WAITING):
            continue
        if task.state is TaskState.WAITING and join is not None and task.step_no == join.no:
            continue
        if task.state is TaskState.OPEN:
            people.update(progress.task_holders(task))
        task.state = TaskState.SUPERSEDED
        task.finished_at = now
        stopped.append(task.id)
    uow.work.flush()
    return stopped, people


def _entry_step(ctx: RunContext, entry: Task) -> Step:
    return ctx.definition.step(entry.step_no)


def _join_of(progress: Progress, ctx: RunContext, entry: Task) -> Step | None:
    step = _entry_step(ctx, entry)
    if task_activity(entry) == ACTIVITY_FAN_OUT:
        return fan_out_join(ctx.definition, step, ctx.due).step
    return progress._unit_path(step)[1]


def _reopen_entry(
    progress: Progress, ctx: RunContext, branch: RunBranch, entry: Task, reason: str
) -> Task:
    step = _entry_step(ctx, entry)
    activity = task_activity(entry)
    if activity == ACTIVITY_FAN_OUT:
        duration = progress._fan_out_duration(step, _join_of(progress, ctx, entry))
    else:
        duration = progress.step_duration(step)
    branch.current_step = step.no
    return progress.create_task(
        step,
        role_key=entry.role_key,
        unit_id=branch.unit_id,
        branch=branch,
        duration=duration,
        activity=activity,
        extra={"reason": reason, "reopened": True},
    )


def _await_join_again(progress: Progress, ctx: RunContext, entry: Task) -> None:
    """The run waits at the join for the re-opened unit (a waiting task, due as before)."""
    join = _join_of(progress, ctx, entry)
    if join is None or join.scope is Scope.UNIT:
        return  # no run-level step after the unit's: its arrival ends the run
    step = _entry_step(ctx, entry)
    if task_activity(entry) == ACTIVITY_FAN_OUT:
        duration = progress._fan_out_duration(step, join)
    else:
        duration = progress._unit_path(step)[0]
    ctx.run.current_step = join.no
    progress._create_waiting(join, duration)
