"""Typed text and files go where the chat's conversation stands; /batal leaves it.

The position is read in the same unit of work that handles the message
(``bot.services.turn``), so after a restart or days away the next message
still lands in the right place, and the answer is saved with the next question.
"""

from __future__ import annotations

from typing import Any, get_args

from bot.conversation.state import (
    ADMIN_SLOT,
    AdminPosition,
    AskingBatch,
    ConfirmingBatch,
    Conversation,
    ReviewingUpload,
    ReviewReason,
    read,
)
from bot.domain.text_clean import clean_text
from bot.imports import input_sheet
from bot.services import admin, admin_upload, batch_input, guided_input, review
from bot.services.context import Services
from bot.services.turn import Outcome, Turn, run_turn

# The documents whose bytes the services read (an input sheet sent back, an admin's upload),
# and the largest either reader takes: the handler fetches nothing else from Telegram.
READ_SUFFIXES: tuple[str, ...] = tuple(
    sorted({".xlsx", *(s for kind in admin_upload.SUFFIXES.values() for s in kind)})
)
READ_BYTES = max(input_sheet.MAX_BYTES, admin_upload.MAX_BYTES)

_ADMIN = get_args(AdminPosition)
"""issue 19: positions of the admin's menu (``bot.services.admin``)."""


def text_typed(services: Services, user_id: int, text: str) -> Outcome:
    text = clean_text(text)  # every typed answer, reason and note enters here

    def body(turn: Turn) -> Outcome:
        position = turn.current
        if isinstance(position, _ADMIN):
            return admin.text_typed(turn, position, text)
        if isinstance(position, ReviewReason):
            return review.reason_typed(turn, position, text.strip())
        if position is None:
            return turn.outcome(idle_text=True)
        if isinstance(position, AskingBatch | ConfirmingBatch) or batch_input.names_several(
            turn, position, text
        ):
            return batch_input.batch_typed(turn, position, text)
        return guided_input.text_typed(turn, position, text)

    return run_turn(services, user_id, body)


def file_sent(
    services: Services,
    user_id: int,
    item: dict[str, Any] | None,
    content: bytes | None = None,
) -> Outcome:
    """A photo or document; ``content``: the document's bytes, read by the handler when it
    may be an admin's upload (issue 19) or an input sheet sent back (issue 16); an evidence
    file is kept by its Telegram id only."""

    def body(turn: Turn) -> Outcome:
        position = turn.current
        if isinstance(position, _ADMIN):
            name = (item or {}).get("file_name") or ""
            return admin.file_sent(turn, position, name, content)
        if content is not None and ((item or {}).get("file_name") or "").lower().endswith(".xlsx"):
            return batch_input.sheet_or_evidence(turn, content, item)
        if position is None or isinstance(position, ReviewReason):
            return turn.outcome(idle_text=True)
        if isinstance(position, AskingBatch | ConfirmingBatch):
            return batch_input.file_not_now(turn, position)
        return guided_input.file_sent(turn, position, item)

    return run_turn(services, user_id, body)


def cancel(services: Services, user_id: int) -> Outcome:
    """/batal: every position of the chat is left; values already entered stay as drafts."""

    def body(turn: Turn) -> Outcome:
        kept = turn.at(ADMIN_SLOT)
        if isinstance(kept, ReviewingUpload):  # issue 19: a file awaiting "Simpan" is dropped
            admin.drop_kept(turn, kept.upload_id)
        only_admin = kept is not None and len(turn.chat.positions) == 1
        turn.forget_all()
        if only_admin:  # issue 19: the admin's menu was left, not an input
            dropped = isinstance(kept, ReviewingUpload)
            return turn.outcome(admin=admin.AdminView("cancelled", {"dropped": dropped}))
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
