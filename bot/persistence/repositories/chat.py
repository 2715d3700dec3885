"""Conversation positions per Telegram account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.persistence.models import ChatState
from bot.persistence.repositories.base import SqlRepository


class ChatRepository(SqlRepository):
    def state(self, telegram_user_id: int) -> dict[str, Any] | None:
        row = self.session.get(ChatState, telegram_user_id)
        return dict(row.state) if row is not None and row.state else None

    def set_state(self, telegram_user_id: int, state: dict[str, Any], now: datetime) -> None:
        row = self.session.get(ChatState, telegram_user_id)
        if row is None:
            self.session.add(
                ChatState(telegram_user_id=telegram_user_id, state=state, updated_at=now)
            )
        else:
            row.state = state
            row.updated_at = now

    def clear_state(self, telegram_user_id: int) -> None:
        row = self.session.get(ChatState, telegram_user_id)
        if row is not None:
            self.session.delete(row)
