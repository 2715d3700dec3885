"""Deadlines passing: each overdue task, and each join still missing units, is reported once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.enums import RunState, TaskState
from bot.engine.context import run_context
from bot.engine.events import EventKind
from bot.engine.progress import Progress
from bot.persistence.uow import SqlAlchemyUnitOfWork

DUE_STATES = (TaskState.OPEN, TaskState.WAITING)


@dataclass(frozen=True)
class Overdue:
    """One deadline reported now: a task past its due time, or a join still waiting."""

    task_id: int
    run_id: int
    step_no: int
    role_name: str
    unit_name: str
    due_at: datetime | None
    missing_units: tuple[str, ...]
    """For a join: the units it still waits for; empty for a task."""


def organisations_due(uow: SqlAlchemyUnitOfWork, now: datetime) -> list[int]:
    """The organisations with a deadline passed by ``now`` (each is checked on its own)."""
    return uow.work.organisations_with_tasks_due(now, DUE_STATES)


def check_deadlines(
    uow: SqlAlchemyUnitOfWork, now: datetime, organisation_id: int | None = None
) -> int:
    """Emit the events for deadlines passed by ``now`` (only ``organisation_id``'s when
    given); returns how many were emitted."""
    return len(report_deadlines(uow, now, organisation_id))


def report_deadlines(
    uow: SqlAlchemyUnitOfWork, now: datetime, organisation_id: int | None = None
) -> list[Overdue]:
    """Emit the events for deadlines passed by ``now`` (only ``organisation_id``'s when
    given); returns what was reported.

    The mark on the task is written in the same transaction as the event, so
    checking again (or from another process) never repeats one.
    """
    reported: list[Overdue] = []
    progress_of: dict[int, Progress] = {}  # one context per run, not per task
    due = uow.work.tasks_due_before(now, DUE_STATES, organisation_id=organisation_id)
    for task in due:
        if task.payload.get("overdue_reported"):
            continue
        progress = progress_of.get(task.run_id)
        if progress is None:
            progress = progress_of[task.run_id] = Progress(
                uow, run_context(uow, task.run), now, None
            )
        payload = progress.task_payload(task)
        recipients = progress.task_holders(task)
        if task.state is TaskState.WAITING:
            missing: list[str] = [
                progress.unit_name(branch.unit_id)
                for branch in uow.runs.branches(task.run_id)
                if branch.state is RunState.OPEN
            ]
            progress.emit(
                EventKind.JOIN_WAITING, recipients=recipients, missing_units=missing, **payload
            )
        else:
            missing = []
            progress.emit(EventKind.TASK_OVERDUE, recipients=recipients, **payload)
        task.payload = {**task.payload, "overdue_reported": now.isoformat()}
        reported.append(
            Overdue(
                task.id,
                task.run_id,
                task.step_no,
                payload["role_name"],
                payload["unit_name"],
                task.due_at,
                tuple(missing),
            )
        )
    return reported
