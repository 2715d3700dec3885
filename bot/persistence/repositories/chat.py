"""Conversation positions per Telegram account: one versioned document per chat.

The document is a ``bot.conversation.state.Conversation`` (a position per task);
rows of the old flat shape still read (``state.read`` converts them).

Every update reads the chat's row and most write it, so these are plain SQL
statements built once (``_READ``...), run on the session's connection: an ORM
row would cost the identity map and a flush at commit for one JSON column
(issue 15: about a tenth of an update's service time).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from bot.conversation.state import Conversation, UnreadableState, read
from bot.persistence.models import AdminUpload, ChatState
from bot.persistence.repositories.base import SqlRepository

log = logging.getLogger("sopbot.conversation")

_CHATS = ChatState.__table__
_KEY = _CHATS.c.telegram_user_id == bindparam("chat")
_READ = select(_CHATS.c.state).where(_KEY)
_INSERT = insert(_CHATS).values(
    telegram_user_id=bindparam("chat"),
    state=bindparam("state", type_=_CHATS.c.state.type),
    updated_at=bindparam("at", type_=_CHATS.c.updated_at.type),
)
_UPDATE = (
    update(_CHATS)
    .where(_KEY)
    .values(
        state=bindparam("state", type_=_CHATS.c.state.type),
        updated_at=bindparam("at", type_=_CHATS.c.updated_at.type),
    )
)
_DELETE = delete(_CHATS).where(_KEY)

_ABSENT = object()
"""Not read yet in this transaction (None: read, and there is no row)."""


class ChatRepository(SqlRepository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._documents: dict[int, dict[str, Any] | None] = {}
        """Documents read or written in this transaction (None: no row), so ``save``
        knows whether to insert or update without reading again."""

    def forget(self) -> None:
        """After a rollback or commit: what was read may no longer be so."""
        self._documents.clear()

    def _document(self, telegram_user_id: int) -> dict[str, Any] | None:
        found = self._documents.get(telegram_user_id, _ABSENT)
        if found is _ABSENT:
            connection = self.session.connection()
            found = connection.execute(_READ, {"chat": telegram_user_id}).scalar_one_or_none()
            self._documents[telegram_user_id] = found
        return found  # type: ignore[return-value]

    def conversation(self, telegram_user_id: int) -> Conversation:
        """What the chat waits on; an unreadable row counts as nothing awaited."""
        document = self._document(telegram_user_id)
        if document is None:
            return Conversation()
        try:
            return read(document)
        except UnreadableState as error:
            log.warning("conversation of %s unreadable, dropped: %s", telegram_user_id, error)
            return Conversation()

    def save(self, telegram_user_id: int, conversation: Conversation, now: datetime) -> None:
        """Store the document (an empty one removes the row)."""
        had = self._document(telegram_user_id) is not None
        connection = self.session.connection()
        if conversation.empty:
            if had:
                connection.execute(_DELETE, {"chat": telegram_user_id})
                self._documents[telegram_user_id] = None
            return
        state = conversation.to_json()
        values = {"chat": telegram_user_id, "state": state, "at": now}
        connection.execute(_UPDATE if had else _INSERT, values)
        self._documents[telegram_user_id] = state

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
