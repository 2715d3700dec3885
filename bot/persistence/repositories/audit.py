"""Audit trail, outbox of domain events, and the reminder log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.persistence.errors import DuplicateKeyError
from bot.persistence.models import AuditEvent, OutboxEvent, ReminderLog, utc_now
from bot.persistence.repositories.base import SqlRepository


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

    def outbox_event(self, event_id: int) -> OutboxEvent | None:
        return self.session.get(OutboxEvent, event_id)

    # --- reminders ----------------------------------------------------------------
    def reminder(self, key: str) -> ReminderLog | None:
        return self.session.scalar(select(ReminderLog).where(ReminderLog.key == key))

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
