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
    REOPENED = "reopened"
    """Approved work was re-opened by someone above the approver; it goes back down."""
    RUN_COMPLETED = "run_completed"
    RUN_CANCELLED = "run_cancelled"
    TASK_OVERDUE = "task_overdue"
    JOIN_WAITING = "join_waiting"
    """A join's deadline passed while some units have not arrived; names them."""
    ROLE_UNFILLED = "role_unfilled"
    """Nobody holds the role a task needs; goes to the organisation's admins."""
    PERSON_UNREACHABLE = "person_unreachable"
    """Telegram refused for good (blocked, deactivated, chat gone): the person's roles are
    uncovered; goes to the admins and the holders of the superior roles
    (bot.services.reachability)."""
    PERSON_REACHABLE = "person_reachable"
    """Someone marked unreachable wrote to the bot again; the same people are told once."""
