"""What lets a Sekretaris see at a glance who is late: the office groups and their boards.

An admin registers the office's Telegram group (``/daftargrup``); for each SOP
and period the bot keeps one pinned status message there and edits it as work
moves. The message id lives here, so a restart edits the same message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.persistence.models.base import Base, utc_now
from bot.persistence.models.org import Organisation


class GroupChat(Base):
    """A Telegram group registered to one organisation (a chat belongs to one only)."""

    __tablename__ = "group_chats"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger(), unique=True)
    title: Mapped[str] = mapped_column(String(255), default="")
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    registered_at: Mapped[datetime] = mapped_column(default=utc_now)
    active: Mapped[bool] = mapped_column(Boolean(), default=True)
    """False once the bot was removed from the group (it stops posting there)."""

    organisation: Mapped[Organisation] = relationship()


class BoardMessage(Base):
    """The one status message of an SOP and period in a group, and what it last said."""

    __tablename__ = "board_messages"
    __table_args__ = (UniqueConstraint("group_chat_id", "sop_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_chat_id: Mapped[int] = mapped_column(
        ForeignKey("group_chats.id", ondelete="CASCADE"), index=True
    )
    sop_id: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int | None] = mapped_column(BigInteger())
    """``None`` until the first post succeeded."""
    text_hash: Mapped[str] = mapped_column(String(64), default="")
    """sha256 of the text last sent: an unchanged board is not edited again."""
    pinned: Mapped[bool] = mapped_column(Boolean(), default=False)
    dirty: Mapped[bool] = mapped_column(Boolean(), default=True)
    """Work moved since the last edit; the debounced updater clears it."""
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    edited_at: Mapped[datetime | None]

    group_chat: Mapped[GroupChat] = relationship()
