"""Where each person stands in a chat conversation, so a restart or a break of days loses nothing.

Drafts of indicator values are measurements already; this row only remembers
the conversation's position (which task, which indicator, which question).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.persistence.models.base import Base, utc_now


class ChatState(Base):
    __tablename__ = "chat_states"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger(), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class AdminUpload(Base):
    """issue 19: a file an admin sent in the chat (targets workbook or organisation file),
    checked and kept here until "Simpan" or "Batal", so a restart in between loses nothing."""

    __tablename__ = "admin_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger(), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    """``targets`` or ``org``."""
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary())
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
