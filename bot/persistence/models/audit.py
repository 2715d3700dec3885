"""What happened and what is still to be sent: audit trail, outbox, reminder log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.persistence.models.base import Base, utc_now
from bot.persistence.models.enums import ReminderState, enum_column


class AuditEvent(Base):
    """Who changed what, with the object before and after (for the monev and disputes)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


class OutboxEvent(Base):
    """A domain event written in the same transaction as the change that caused it.

    The engine dispatches it afterwards (at least once), so a crash between the
    commit and the Telegram message loses nothing.
    """

    __tablename__ = "outbox_events"
    __table_args__ = (Index(None, "dispatched_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    dispatched_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer(), default=0)
    last_error: Mapped[str | None] = mapped_column(Text())


class ReminderLog(Base):
    """One reminder, keyed (``remind:<task>:<kind>:<slot>``) so it is sent at most once."""

    __tablename__ = "reminder_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    slot: Mapped[str] = mapped_column(String(40))
    state: Mapped[ReminderState] = mapped_column(
        enum_column(ReminderState), default=ReminderState.INTENDED
    )
    intended_at: Mapped[datetime] = mapped_column(default=utc_now)
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger())
    error: Mapped[str | None] = mapped_column(Text())
