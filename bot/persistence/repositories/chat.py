"""Conversation positions per Telegram account: one versioned document per chat.

The document is a ``bot.conversation.state.Conversation`` (a position per task);
rows of the old flat shape still read (``state.read`` converts them).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.conversation.state import Conversation, UnreadableState, read
from bot.persistence.models import AdminUpload, ChatState
from bot.persistence.repositories.base import SqlRepository

log = logging.getLogger("sopbot.conversation")


class ChatRepository(SqlRepository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._rows: dict[int, ChatState | None] = {}
        """Rows read in this transaction: the session holds a row only while something
        refers to it, and ``save`` would read it again."""

    def forget(self) -> None:
        """After a rollback or commit: what was read may no longer be so."""
        self._rows.clear()

    def _row(self, telegram_user_id: int) -> ChatState | None:
        if telegram_user_id not in self._rows:
            self._rows[telegram_user_id] = self.session.get(ChatState, telegram_user_id)
        return self._rows[telegram_user_id]

    def conversation(self, telegram_user_id: int) -> Conversation:
        """What the chat waits on; an unreadable row counts as nothing awaited."""
        row = self._row(telegram_user_id)
        if row is None:
            return Conversation()
        try:
            return read(row.state)
        except UnreadableState as error:
            log.warning("conversation of %s unreadable, dropped: %s", telegram_user_id, error)
            return Conversation()

    def save(self, telegram_user_id: int, conversation: Conversation, now: datetime) -> None:
        """Store the document (an empty one removes the row)."""
        row = self._row(telegram_user_id)
        if conversation.empty:
            if row is not None:
                self.session.delete(row)
                self._rows[telegram_user_id] = None
            return
        state = conversation.to_json()
        if row is None:
            row = ChatState(telegram_user_id=telegram_user_id, state=state, updated_at=now)
            self.session.add(row)
            self._rows[telegram_user_id] = row
        else:
            row.state = state
            row.updated_at = now

    # --- issue 19: an admin's file kept until "Simpan" or "Batal" ----------------------
    def add_upload(self, upload: AdminUpload) -> AdminUpload:
        self.session.add(upload)
        self.session.flush()
        return upload

    def upload(self, upload_id: int) -> AdminUpload | None:
        return self.session.get(AdminUpload, upload_id)

    def drop_upload(self, upload_id: int) -> None:
        row = self.session.get(AdminUpload, upload_id)
        if row is not None:
            self.session.delete(row)
            self.session.flush()  # gone for the rest of the unit of work too
