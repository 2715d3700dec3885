"""Where each person stands in a chat conversation, so a restart or a break of days loses nothing.

Drafts of indicator values are measurements already; this row only remembers
the conversation's position (which task, which indicator, which question).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from bot.persistence.models.base import Base, utc_now


class ChatState(Base):
    __tablename__ = "chat_states"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger(), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
