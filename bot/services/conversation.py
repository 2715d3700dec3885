"""Typed text and files go where the chat's conversation stands; /batal leaves it.

The position is read in the same unit of work that handles the message
(``bot.services.turn``), so after a restart or days away the next message
still lands in the right place, and the answer is saved with the next question.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.state import Conversation, ReviewReason, read
from bot.domain.text_clean import clean_text
from bot.services import guided_input, review
from bot.services.context import Services
from bot.services.turn import Outcome, Turn, run_turn


def text_typed(services: Services, user_id: int, text: str) -> Outcome:
    text = clean_text(text)  # every typed answer, reason and note enters here

    def body(turn: Turn) -> Outcome:
        position = turn.current
        if isinstance(position, ReviewReason):
            return review.reason_typed(turn, position, text.strip())
        if position is None:
            return turn.outcome(idle_text=True)
        return guided_input.text_typed(turn, position, text)

    return run_turn(services, user_id, body)


def file_sent(services: Services, user_id: int, item: dict[str, Any] | None) -> Outcome:
    def body(turn: Turn) -> Outcome:
        position = turn.current
        if position is None or isinstance(position, ReviewReason):
            return turn.outcome(idle_text=True)
        return guided_input.file_sent(turn, position, item)

    return run_turn(services, user_id, body)


def cancel(services: Services, user_id: int) -> Outcome:
    """/batal: every position of the chat is left; values already entered stay as drafts."""

    def body(turn: Turn) -> Outcome:
        turn.forget_all()
        return turn.outcome()

    return run_turn(services, user_id, body)


def position_set(services: Services, user_id: int, state: dict[str, Any]) -> None:
    """Store a conversation as given (either version's shape): for tests and repairs."""
    with services.uow_factory() as uow:
        uow.chats.save(user_id, read(state), services.now())
        uow.commit()


def conversation_of(services: Services, user_id: int) -> Conversation:
    with services.uow_factory() as uow:
        return uow.chats.conversation(user_id)
