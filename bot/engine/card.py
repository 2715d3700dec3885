"""A task's card as one read inside the caller's unit of work: its view and its input sheet.

The engine's own ``Engine.task`` and ``Engine.input_sheet`` open a transaction
each; a service handling one update reads the card here, in the same
transaction that changes the task, so what the person is shown is what was
committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.enums import TaskState
from bot.engine.access import TaskView, authorised, takes_input, task_view
from bot.engine.capacity import task_capacity
from bot.engine.inputs import InputLine, input_lines
from bot.persistence.uow import SqlAlchemyUnitOfWork


@dataclass(frozen=True)
class Card:
    view: TaskView
    lines: list[InputLine]
    evidence: tuple[dict[str, Any], ...] = ()
    """Issue 16: the files sent once for the unit's input in this run (every round)."""

    @property
    def evidence_count(self) -> int:
        """Files for the whole task, plus those kept per indicator before issue 16."""
        return len(self.evidence) + sum(len(line.evidence) for line in self.lines)

    def line(self, indicator_id: int | None) -> InputLine | None:
        return next((line for line in self.lines if line.indicator_id == indicator_id), None)


def evidence_key(run_id: int, unit_id: int) -> tuple[str, int, int]:
    """The transaction's memo of a unit's task evidence (a confirm reads the card twice);
    adding a file forgets it."""
    return ("task_evidence", run_id, unit_id)


def read_card(uow: SqlAlchemyUnitOfWork, task_id: int, person_id: int, now: datetime) -> Card:
    """The task as ``person_id`` sees it now; refuses (``EngineError``) like ``Engine.task``."""
    task, ctx, progress = authorised(uow, task_id, person_id, now, open_only=False, reading=True)
    capacity = task_capacity(uow, ctx, task, person_id, progress.today)
    acting = capacity.label if capacity and capacity.is_acting else None
    editable = task.state is TaskState.OPEN and takes_input(task, ctx)
    lines = input_lines(uow, ctx, task, editable=editable)
    evidence = uow.remembered(
        evidence_key(task.run_id, task.unit_id),
        lambda: tuple(row._asdict() for row in uow.work.evidence_shown(task.run_id, task.unit_id)),
    )
    return Card(task_view(task, ctx, now, acting_as=acting), lines, evidence)
