"""Who verified and who accepted a run's figures, read from its rows by the one rule.

:mod:`bot.domain.acceptance` says which step's YES (or completion) accepts a
unit's figures and which reviews only verify them. This module finds the acts
that happened in a run: each verifying or accepting YES, or the completion of
the receiving step when the chain has no review. Timeliness (when the data was
accepted), reports (who signs as Diverifikasi / Disetujui oleh), provenance and
reopen (who approved, so who may re-open) all read these acts.

An act is stale once a later return (a review's TIDAK, or a re-opening) covers
the unit: the figures went back down and must pass the chain again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.acceptance import Effect
from bot.engine.context import RunContext
from bot.engine.progress import ACTIVITY_FAN_OUT, task_activity
from bot.persistence.models import DecisionOutcome, Person, Task, TaskState
from bot.persistence.uow import SqlAlchemyUnitOfWork


@dataclass(frozen=True)
class Act:
    """One level that acted on figures: a verifying or accepting YES, or a receiving step done."""

    effect: Effect
    """``VERIFIED`` or ``ACCEPTED``."""
    step_no: int
    task: Task
    person: Person | None
    at: datetime
    unit_id: int | None
    """The unit whose figures it covers; None for a run-level act (every participant)."""
    by_review: bool
    """A review's YES; else the completion of the step that receives the figures."""

    def covers(self, unit_id: int) -> bool:
        return self.unit_id is None or self.unit_id == unit_id


def _unit_of(task: Task) -> int | None:
    return task.unit_id if task.branch_id is not None else None


def run_acts(uow: SqlAlchemyUnitOfWork, ctx: RunContext) -> list[Act]:
    """Every act of the run that still stands, oldest first (stale ones left out)."""
    plan = ctx.acceptance
    acts: list[Act] = []
    returns: list[tuple[datetime, int | None]] = []
    for decision in uow.work.decisions_of_run(ctx.run.id):
        task = decision.task
        if decision.outcome is DecisionOutcome.RETURN:
            returns.append((decision.decided_at, _unit_of(task)))
            continue
        effect = plan.on_approve(task.step_no)
        if effect is not Effect.NONE:
            acts.append(
                Act(
                    effect,
                    task.step_no,
                    task,
                    decision.decided_by,
                    decision.decided_at,
                    _unit_of(task),
                    True,
                )
            )
    tasks = uow.work.tasks_of_run(ctx.run.id)
    for task in tasks:
        if task.payload.get("reopened"):
            returns.append((task.created_at, _unit_of(task)))
    if plan.accepting is not None and not plan.by_review:
        step = ctx.definition.step(plan.accepting)
        for task in tasks:
            sender = step.fan_out is not None and task_activity(task) != ACTIVITY_FAN_OUT
            if task.step_no != plan.accepting or task.state is not TaskState.DONE or sender:
                continue
            when = task.finished_at or task.created_at
            acts.append(
                Act(Effect.ACCEPTED, task.step_no, task, task.assignee, when, _unit_of(task), False)
            )

    def stale(act: Act) -> bool:
        return any(
            when > act.at and (unit is None or act.unit_id is None or unit == act.unit_id)
            for when, unit in returns
        )

    return sorted((a for a in acts if not stale(a)), key=lambda a: (a.at, a.task.id))


def acts_for_unit(acts: list[Act], unit_id: int) -> list[Act]:
    """The acts covering ``unit_id``: its own and the run-level ones, oldest first."""
    return [act for act in acts if act.covers(unit_id)]


def accepted_at(acts: list[Act], unit_id: int) -> datetime | None:
    """When the unit's figures were accepted (the latest accepting act covering it)."""
    times = [a.at for a in acts_for_unit(acts, unit_id) if a.effect is Effect.ACCEPTED]
    return max(times) if times else None


def accepting_act(acts: list[Act], unit_id: int) -> Act | None:
    found = [a for a in acts_for_unit(acts, unit_id) if a.effect is Effect.ACCEPTED]
    return found[-1] if found else None
