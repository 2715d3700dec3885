"""Audit trail, outbox of domain events, and the reminder log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from bot.domain.enums import ReminderState
from bot.persistence.errors import DuplicateKeyError
from bot.persistence.models import AuditEvent, OutboxEvent, ReminderLog, utc_now
from bot.persistence.repositories.base import SqlRepository

# The outbox's own statements, built once: every notice runs them (issue 15).
_REMINDER_STATE = select(ReminderLog.state).where(ReminderLog.key == bindparam("key"))
_REMINDER_SENT = (
    update(ReminderLog)
    .where(ReminderLog.key == bindparam("notice"))
    .values(
        state=ReminderState.SENT,
        sent_at=bindparam("sent_at"),
        telegram_message_id=bindparam("message_id"),
    )
)
_EVENT_DISPATCHED = (
    update(OutboxEvent)
    .where(OutboxEvent.id == bindparam("event_id"), OutboxEvent.dispatched_at.is_(None))
    .values(dispatched_at=bindparam("at"), attempts=OutboxEvent.attempts + 1)
)


class AuditRepository(SqlRepository):
    # --- audit --------------------------------------------------------------------
    def record(
        self,
        action: str,
        object_type: str,
        object_id: str | int | None,
        *,
        actor_id: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> AuditEvent:
        event = AuditEvent(
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            before=before,
            after=after,
            at=at or utc_now(),
        )
        self.session.add(event)
        return event

    def events_for(self, object_type: str, object_id: str | int) -> Sequence[AuditEvent]:
        return self.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.at, AuditEvent.id)
        ).all()

    # --- outbox -------------------------------------------------------------------
    def emit(
        self, kind: str, payload: dict[str, Any], *, at: datetime | None = None
    ) -> OutboxEvent:
        """Queue a domain event in the current transaction (sent only if it commits)."""
        event = OutboxEvent(kind=kind, payload=payload, created_at=at or utc_now())
        self.session.add(event)
        return event

    def pending_events(self, limit: int = 100) -> Sequence[OutboxEvent]:
        return self.session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.dispatched_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(limit)
        ).all()

    def mark_dispatched(self, event_id: int, at: datetime) -> None:
        """The event's notices are out (once: a second mark changes nothing)."""
        self.session.connection().execute(_EVENT_DISPATCHED, {"event_id": event_id, "at": at})

    # --- reminders ----------------------------------------------------------------
    def reminder(self, key: str) -> ReminderLog | None:
        return self.session.scalar(select(ReminderLog).where(ReminderLog.key == key))

    def reminder_state(self, key: str) -> ReminderState | None:
        """Where the notice ``key`` stands, if it was ever claimed (no ORM row to build)."""
        return self.session.connection().execute(_REMINDER_STATE, {"key": key}).scalar()

    def reminder_sent(self, key: str, message_id: int, at: datetime) -> None:
        """Telegram took the notice ``key``: the message it became, and when."""
        parameters = {"notice": key, "sent_at": at, "message_id": message_id}
        self.session.connection().execute(_REMINDER_SENT, parameters)

    def add_reminder(self, reminder: ReminderLog) -> ReminderLog:
        """Insert a reminder whose key is new; a taken key raises DuplicateKeyError."""
        try:
            with self.session.begin_nested():
                self.session.add(reminder)
                self.session.flush()
        except IntegrityError as exc:
            raise DuplicateKeyError(f"pengingat {reminder.key!r} sudah tercatat") from exc
        return reminder

    def reminders_for_task(self, task_id: int) -> Sequence[ReminderLog]:
        return self.session.scalars(
            select(ReminderLog).where(ReminderLog.task_id == task_id).order_by(ReminderLog.id)
        ).all()
