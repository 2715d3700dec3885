"""Moving a run along its definition: tasks per role, fan-out to units, joins, the end.

State lives on rows: the run's ``current_step`` for run-level work, each
branch's ``current_step`` for a unit's own work, and one task row per step
attempt. A join step exists as a WAITING task from the moment the run fans
out, so its deadline can name the units that have not arrived.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.domain.durations import WorkDuration
from bot.domain.enums import RunState, TaskState
from bot.domain.sop import Scope, Step, StepKind
from bot.domain.workflow import (
    Outcome,
    Transition,
    after,
    fan_out_join,
    gathers_later,
    land,
    straight_outcome,
)
from bot.engine.context import RunContext
from bot.engine.events import EventKind
from bot.engine.roles import UnitLike, holders_near
from bot.persistence.models import RunBranch, Task
from bot.persistence.reference import AssignmentRef
from bot.persistence.uow import SqlAlchemyUnitOfWork

ACTIVITY_STEP = "step"
ACTIVITY_FAN_OUT = "fan_out"


def task_activity(task: Task) -> str:
    return str(task.payload.get("activity", ACTIVITY_STEP))


def task_kind(task: Task, ctx: RunContext) -> StepKind:
    """What the task asks for: the step's kind, or the fan-out's for a unit's answer."""
    step = ctx.definition.step(task.step_no)
    if task_activity(task) == ACTIVITY_FAN_OUT and step.fan_out is not None:
        return step.fan_out.kind
    return step.kind


def task_uraian(task: Task, ctx: RunContext) -> str:
    step = ctx.definition.step(task.step_no)
    if task_activity(task) == ACTIVITY_FAN_OUT and step.fan_out is not None:
        return step.fan_out.uraian
    return step.uraian


def task_title(task: Task, ctx: RunContext) -> str:
    """The short title cards and notices show (issue 16): ``judul`` or the first clause."""
    step = ctx.definition.step(task.step_no)
    if task_activity(task) == ACTIVITY_FAN_OUT and step.fan_out is not None:
        return step.fan_out.title
    return step.title


def assigned(
    uow: SqlAlchemyUnitOfWork, organisation_id: int, role_key: str, units: tuple[int, ...] | None
) -> list[AssignmentRef]:
    """``role_key``'s assignments (with their people) in ``units`` (None: the organisation).

    Near a unit, every role's assignments come in one query, kept by the process until
    reference data changes (``bot.persistence.reference``): the checks, the card and the
    engine's move of every update ask for several roles of the same few units."""
    if units is None:
        return list(
            uow.shared(
                ("assignments_in", organisation_id, role_key),
                lambda: uow.orgs.assignment_refs_in(organisation_id, role_key=role_key),
            )
        )
    near = sorted(set(units))
    every = uow.shared(
        ("assignments_in", organisation_id, tuple(near)),
        lambda: uow.orgs.assignment_refs_in(organisation_id, unit_ids=near),
    )
    return [a for a in every if a.role_key == role_key]


class Progress:
    """One engine call's worth of moves on one run, inside the caller's unit of work."""

    def __init__(
        self,
        uow: SqlAlchemyUnitOfWork,
        ctx: RunContext,
        now: datetime,
        actor_id: int | None,
    ) -> None:
        self.uow = uow
        self.ctx = ctx
        self.run = ctx.run
        self.now = now
        self.actor_id = actor_id
        self._assignments: dict[tuple[str, tuple[int, ...] | None], list[AssignmentRef]] = {}

    # --- reading ----------------------------------------------------------------
    @property
    def today(self) -> date:
        """Today in the organisation's zone: role validity is by local date."""
        return self.now.astimezone(self.ctx.calendar.zone).date()

    def holders(self, role_key: str, unit_id: int, *, run_level: bool = False) -> list[int]:
        """Who holds ``role_key`` nearest ``unit_id`` (``holders_near``'s rings).

        Only the assignments the rings can reach are read: the role's, in the unit,
        below it and above it; the whole organisation's only for run-level work that
        finds nobody nearby. What a call costs so does not grow with the organisation.
        """
        tree = self.ctx.tree
        near = (unit_id, *tree.descendants(unit_id), *tree.ancestors(unit_id))
        people = holders_near(tree, self._assigned(role_key, near), role_key, unit_id, self.today)
        if not people and run_level:
            everywhere = self._assigned(role_key, None)
            people = holders_near(
                tree, everywhere, role_key, unit_id, self.today, organisation_wide=True
            )
        return [person.id for person in people]

    def _assigned(self, role_key: str, units: tuple[int, ...] | None) -> list[AssignmentRef]:
        key = (role_key, units)
        if key not in self._assignments:
            self._assignments[key] = assigned(self.uow, self.run.organisation_id, role_key, units)
        return self._assignments[key]

    def task_holders(self, task: Task) -> list[int]:
        """Who may do ``task``: a unit's branch task stays in its unit, run-level work does not."""
        return self.holders(task.role_key, task.unit_id, run_level=task.branch_id is None)

    def due_after(self, duration: WorkDuration) -> datetime:
        return self.ctx.calendar.add_working_time(self.now, duration).astimezone(UTC)

    def step_duration(self, step: Step) -> WorkDuration:
        """The step's Waktu in the SOP's unit, or the organisation's default duration."""
        return self.ctx.definition.step_waktu(
            step, self.ctx.report_types, self.ctx.default_duration
        )

    def unit_name(self, unit_id: int) -> str:
        return self.ctx.tree.units[unit_id].name

    # --- events -----------------------------------------------------------------
    def emit(self, kind: EventKind, **payload: Any) -> None:
        payload.setdefault("run_id", self.run.id)
        payload.setdefault("sop_id", self.run.sop_id)
        payload.setdefault("period", self.run.period)
        payload.setdefault("organisation_id", self.run.organisation_id)
        self.uow.audit.emit(kind.value, payload, at=self.now)

    def task_payload(self, task: Task) -> dict[str, Any]:
        step = self.ctx.definition.step(task.step_no)
        return {
            "task_id": task.id,
            "step_no": task.step_no,
            "uraian": task_uraian(task, self.ctx),
            "judul": task_title(task, self.ctx),
            "output": step.output,
            "role_key": task.role_key,
            "role_name": self.ctx.definition.role(task.role_key).name,
            "unit_id": task.unit_id,
            "unit_name": self.unit_name(task.unit_id),
            "round": task.round,
            "due_at": task.due_at.isoformat() if task.due_at else None,
        }

    def announce(self, task: Task) -> None:
        """Tell the task's role holders; if nobody holds it, tell the admins instead."""
        recipients = self.task_holders(task)
        payload = self.task_payload(task)
        if task.payload.get("reason"):
            payload["reason"] = task.payload["reason"]
            payload["correct"] = task.payload.get("correct", [])
        if task.payload.get("reopened"):
            payload["reopened"] = True
        self._rereview(task, payload)
        if not recipients:
            admins = [person.id for person in self.run.organisation.admins]
            self.emit(EventKind.ROLE_UNFILLED, recipients=admins, **payload)
        self.emit(EventKind.TASK_ASSIGNED, recipients=recipients, **payload)

    def _rereview(self, task: Task, payload: dict[str, Any]) -> None:
        """Issue 16: a task of round 2+ that is not itself a correction is a re-review; its
        notice says so and names what changed since the reviewer decided the last round."""
        if task.round <= 1 or task.payload.get("reason") or task.payload.get("reopened"):
            return
        from bot.engine.changes import changed_since, previous_round  # inputs imports late

        payload["rereview"] = True
        last = previous_round(self.uow, task)
        if last is not None and last.finished_at is not None and self._shows_figures(task):
            payload["changed"] = changed_since(self.uow, self.ctx, task, last.finished_at)

    def _shows_figures(self, task: Task) -> bool:
        step = self.ctx.definition.step(task.step_no)
        return task_kind(task, self.ctx) is StepKind.REVIEW or step.shows_figures

    # --- creating tasks ---------------------------------------------------------
    def _round(self, step_no: int, branch: RunBranch | None, activity: str, role_key: str) -> int:
        earlier = [
            t
            for t in self.uow.work.tasks_of_step(
                self.run.id, step_no, branch.id if branch else None
            )
            if t.role_key == role_key
            and task_activity(t) == activity
            and t.state is not TaskState.WAITING
        ]
        return len(earlier) + 1

    def create_task(
        self,
        step: Step,
        *,
        role_key: str,
        unit_id: int,
        branch: RunBranch | None,
        duration: WorkDuration,
        activity: str = ACTIVITY_STEP,
        extra: dict[str, Any] | None = None,
        waiting: bool = False,
    ) -> Task:
        task = Task(
            run_id=self.run.id,
            branch_id=branch.id if branch else None,
            step_no=step.no,
            role_key=role_key,
            unit_id=unit_id,
            assignee_id=None,
            state=TaskState.WAITING if waiting else TaskState.OPEN,
            round=self._round(step.no, branch, activity, role_key),
            due_at=self.due_after(duration),
            created_at=self.now,
            started_at=None if waiting else self.now,
            payload={"activity": activity, **(extra or {})},
        )
        self.uow.work.add(task)
        self.uow.work.flush()
        if not waiting:
            self.announce(task)
        return task

    # --- moving -----------------------------------------------------------------
    @property
    def participants(self) -> list[UnitLike]:
        """The units taking part, fixed when the run started."""
        return [self.ctx.tree.units[u] for u in self.run.participant_unit_ids or ()]

    def start(self) -> None:
        first = land(self.ctx.definition, self.ctx.definition.start_step.no, self.ctx.due)
        self.enter(first, branch=None, extra=None)

    def enter(
        self, transition: Transition, *, branch: RunBranch | None, extra: dict[str, Any] | None
    ) -> None:
        """Go to ``transition``'s step, for one unit's branch or for the whole run."""
        if transition.skipped:
            self.uow.audit.record(
                "steps_skipped",
                "run",
                self.run.id,
                actor_id=self.actor_id,
                after={"steps": list(transition.skipped), "period": self.run.period},
                at=self.now,
            )
        step = transition.step
        if branch is not None:
            if step is not None and step.scope is Scope.UNIT:
                branch.current_step = step.no
                for role_key in step.roles:
                    self.create_task(
                        step,
                        role_key=role_key,
                        unit_id=branch.unit_id,
                        branch=branch,
                        duration=self.step_duration(step),
                        extra=extra,
                    )
            else:
                self.arrive(branch, step)
            return
        if step is None:
            self.complete_run()
            return
        self.run.current_step = step.no
        if step.scope is Scope.UNIT:
            self.fan_out_steps(step)
        elif self._units_still_out(step):
            return  # the run's own steps reached the join first: it opens when the units arrive
        else:
            self.open_run_task(step, extra)

    def _units_still_out(self, step: Step) -> bool:
        """``step`` is a join the units have not all reached (a fan-out gathered later)."""
        if not any(b.state is RunState.OPEN for b in self.uow.runs.branches(self.run.id)):
            return False
        return any(
            t.step_no == step.no and t.branch_id is None
            for t in self.uow.work.tasks_of_run(self.run.id, state=TaskState.WAITING)
        )

    def _run_path_busy(self) -> bool:
        """Run-level work is open: the run's own steps between a fan-out and its join."""
        return any(
            t.branch_id is None
            for t in self.uow.work.tasks_of_run(self.run.id, state=TaskState.OPEN)
        )

    def open_run_task(self, step: Step, extra: dict[str, Any] | None) -> list[Task]:
        """Open the run-level task of each of ``step``'s roles: the waiting join if there is one."""
        waiting = {
            task.role_key: task
            for task in self.uow.work.tasks_of_run(self.run.id, state=TaskState.WAITING)
            if task.step_no == step.no and task.branch_id is None
        }
        opened = []
        for role_key in step.roles:
            task = waiting.get(role_key)
            if task is not None:
                task.state = TaskState.OPEN
                task.started_at = self.now
                task.due_at = self.due_after(self.step_duration(step))
                self.uow.work.flush()
                self.announce(task)
                opened.append(task)
                continue
            opened.append(
                self.create_task(
                    step,
                    role_key=role_key,
                    unit_id=self.ctx.home_unit_id,
                    branch=None,
                    duration=self.step_duration(step),
                    extra=extra,
                )
            )
        return opened

    def _branch(self, unit: UnitLike, step_no: int) -> RunBranch:
        branch = self.uow.runs.branch(self.run.id, unit.id)
        if branch is None:
            branch = RunBranch(run_id=self.run.id, unit_id=unit.id)
            self.uow.runs.add(branch)
        branch.state = RunState.OPEN
        branch.current_step = step_no
        self.uow.runs.flush()
        return branch

    def fan_out_steps(self, step: Step) -> None:
        """Every participating unit starts its own branch at the unit-scope ``step``."""
        for role_key in step.roles:
            self._open_branches(step, role_key, self.step_duration(step), ACTIVITY_STEP)
        duration, join = self._unit_path(step)
        self._await_join(join, duration)

    def fan_out_activity(self, step: Step) -> None:
        """After a run-level step with ``fan_out``, each unit answers on its own branch."""
        spec = step.fan_out
        assert spec is not None
        join = fan_out_join(self.ctx.definition, step, self.ctx.due).step
        duration = self._fan_out_duration(step, join)
        self._open_branches(step, spec.pelaksana, duration, ACTIVITY_FAN_OUT)
        self._await_join(join, duration)
        if gathers_later(step):
            # fan_out.join: the run's own steps go on until the join while the units answer.
            onward = after(self.ctx.definition, step, Outcome.DONE, self.ctx.due)
            self.enter(onward, branch=None, extra=None)

    def _open_branches(
        self, step: Step, role_key: str, duration: WorkDuration, activity: str
    ) -> None:
        for unit in self.participants:
            branch = self._branch(unit, step.no)
            self.create_task(
                step,
                role_key=role_key,
                unit_id=unit.id,
                branch=branch,
                duration=duration,
                activity=activity,
            )

    def _fan_out_duration(self, step: Step, join: Step | None) -> WorkDuration:
        spec = step.fan_out
        assert spec is not None
        if spec.waktu is not None:
            return spec.waktu.resolve(self.ctx.report_types, self.ctx.definition.waktu_satuan)
        return self.step_duration(join) if join is not None else self.step_duration(step)

    def _unit_path(self, step: Step) -> tuple[WorkDuration, Step | None]:
        """The units' own steps on the straight path (no returns): their total time and
        the run-level step (normally the join) the path arrives at."""
        days = minutes = 0
        current: Step | None = step
        seen: set[int] = set()
        while current is not None and current.scope is Scope.UNIT and current.no not in seen:
            seen.add(current.no)
            duration = self.step_duration(current)
            days, minutes = days + duration.days, minutes + duration.minutes
            outcome = straight_outcome(current)
            current = after(self.ctx.definition, current, outcome, self.ctx.due).step
        return WorkDuration(days=days, minutes=minutes), current

    def _await_join(self, join: Step | None, duration: WorkDuration) -> None:
        """The run waits at ``join`` (a WAITING task due when the units should be done)."""
        if join is not None and join.scope is not Scope.UNIT:
            self.run.current_step = join.no
            self._create_waiting(join, duration)

    def _create_waiting(self, join: Step, duration: WorkDuration) -> None:
        existing = [
            t
            for t in self.uow.work.tasks_of_run(self.run.id, state=TaskState.WAITING)
            if t.step_no == join.no
        ]
        if existing:
            existing[0].due_at = self.due_after(duration)
            return
        self.create_task(
            join,
            role_key=join.role,
            unit_id=self.ctx.home_unit_id,
            branch=None,
            duration=duration,
            waiting=True,
        )

    def arrive(self, branch: RunBranch, reached: Step | None) -> None:
        """A unit's branch has finished its own part; the run moves on when all have."""
        branch.state = RunState.COMPLETED
        branch.current_step = None
        self.uow.runs.flush()
        self.uow.audit.record(
            "branch_arrived",
            "run",
            self.run.id,
            actor_id=self.actor_id,
            after={"unit_id": branch.unit_id, "step": reached.no if reached else None},
            at=self.now,
        )
        if any(b.state is RunState.OPEN for b in self.uow.runs.branches(self.run.id)):
            return
        if self._run_path_busy():
            return  # the join opens when the run's own steps reach it
        self.enter(Transition(reached), branch=None, extra=None)

    def complete_run(self) -> None:
        self.run.state = RunState.COMPLETED
        self.run.current_step = None
        self.run.finished_at = self.now
        for task in self.uow.work.tasks_of_run(self.run.id, state=TaskState.WAITING):
            task.state = TaskState.CANCELLED
        # The organisation's admins and whoever holds the role of the last step done.
        done = [t for t in self.uow.work.tasks_of_run(self.run.id) if t.state is TaskState.DONE]
        people = {person.id for person in self.run.organisation.admins}
        if done:
            last = max(done, key=lambda t: (t.finished_at or self.now, t.id))
            people.update(self.task_holders(last))
        self.emit(EventKind.RUN_COMPLETED, recipients=sorted(people))
