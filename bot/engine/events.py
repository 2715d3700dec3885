"""Domain events the engine writes to the outbox, in the same transaction as the change.

The Telegram side and the scheduler read them afterwards and deliver each one;
because they are committed with the state change, a crash right after the
commit loses nothing. Payloads are plain JSON: ids, names, ISO times.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    RUN_STARTED = "run_started"
    TASK_ASSIGNED = "task_assigned"
    TASK_DONE = "task_done"
    RETURNED = "returned_for_correction"
    APPROVED = "approved"
    RUN_COMPLETED = "run_completed"
    RUN_CANCELLED = "run_cancelled"
    TASK_OVERDUE = "task_overdue"
    JOIN_WAITING = "join_waiting"
    """A join's deadline passed while some units have not arrived; names them."""
    ROLE_UNFILLED = "role_unfilled"
    """Nobody holds the role a task needs; goes to the organisation's admins."""
