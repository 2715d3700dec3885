"""Office group chats and the board message each keeps per SOP and period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select

from bot.persistence.models import BoardMessage, GroupChat, Run, RunState
from bot.persistence.repositories.base import SqlRepository


class OversightRepository(SqlRepository):
    # --- groups -------------------------------------------------------------------
    def group_by_id(self, group_id: int) -> GroupChat | None:
        return self.session.get(GroupChat, group_id)

    def group(self, chat_id: int) -> GroupChat | None:
        return self.session.scalar(select(GroupChat).where(GroupChat.chat_id == chat_id))

    def active_groups(self, chat_id: int | None = None) -> Sequence[GroupChat]:
        """Groups the bot still posts in (one, when ``chat_id`` is given)."""
        query = select(GroupChat).where(GroupChat.active.is_(True))
        if chat_id is not None:
            query = query.where(GroupChat.chat_id == chat_id)
        return self.session.scalars(query.order_by(GroupChat.id)).all()

    def add_group(
        self, organisation_id: int, chat_id: int, title: str, registered_by_id: int, now: datetime
    ) -> GroupChat:
        group = GroupChat(
            organisation_id=organisation_id,
            chat_id=chat_id,
            title=title,
            registered_by_id=registered_by_id,
            registered_at=now,
            active=True,
        )
        self.session.add(group)
        self.session.flush()
        return group

    # --- boards -------------------------------------------------------------------
    def board_by_id(self, board_id: int) -> BoardMessage | None:
        return self.session.get(BoardMessage, board_id)

    def board(self, group_chat_id: int, sop_id: str, period: str) -> BoardMessage | None:
        return self.session.scalar(
            select(BoardMessage).where(
                BoardMessage.group_chat_id == group_chat_id,
                BoardMessage.sop_id == sop_id,
                BoardMessage.period == period,
            )
        )

    def boards_of_group(self, group_chat_id: int) -> Sequence[BoardMessage]:
        return self.session.scalars(
            select(BoardMessage)
            .where(BoardMessage.group_chat_id == group_chat_id)
            .order_by(BoardMessage.id)
        ).all()

    def add_board(
        self, group_chat_id: int, sop_id: str, period: str, now: datetime
    ) -> BoardMessage:
        board = BoardMessage(
            group_chat_id=group_chat_id,
            sop_id=sop_id,
            period=period,
            text_hash="",
            pinned=False,
            dirty=True,
            updated_at=now,
        )
        self.session.add(board)
        self.session.flush()
        return board

    # --- what the boards show -----------------------------------------------------
    def board_runs(self, organisation_id: int, finished_since: datetime) -> Sequence[Run]:
        """Open runs, and runs that ended after ``finished_since`` (their board's last word)."""
        return self.session.scalars(
            select(Run)
            .where(
                Run.organisation_id == organisation_id,
                or_(Run.state == RunState.OPEN, Run.finished_at >= finished_since),
            )
            .order_by(Run.started_at, Run.id)
        ).all()
