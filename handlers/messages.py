"""Typed text, photos and documents go where the person's conversation stands.

One service call per message (``bot.services.conversation``): the position is
read, the answer saved and the next position stored in one unit of work, so
after a restart or days away the next message still lands in the right place.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.services import conversation
from bot.services import input_flow as flow
from bot.telegram.calls import service_call
from handlers import admin, review
from handlers.common import user_id
from handlers.input_replies import show


def _evidence(message: Message) -> dict[str, Any] | None:
    if message.photo:
        sizes = list(enumerate(message.photo))  # smallest first; on a tie the later one
        largest = max(sizes, key=lambda s: (s[1].width * s[1].height, s[1].file_size or 0, s[0]))[1]
        return flow.photo_evidence(largest.file_id, largest.file_unique_id)
    if message.document is not None:
        document = message.document
        return flow.document_evidence(document.file_id, document.file_name, document.file_unique_id)
    return None


async def _content(message: Message) -> bytes | None:
    """The document's bytes when the services may read it (an input sheet sent back, an
    admin's upload: ``conversation.READ_SUFFIXES``); None for other files, which are
    evidence kept by their Telegram id, or when Telegram cannot give it."""
    document = message.document
    if document is None or (document.file_size or 0) > conversation.READ_BYTES:
        return None
    if not (document.file_name or "").lower().endswith(conversation.READ_SUFFIXES):
        return None
    try:
        found = await document.get_file()
        return bytes(await found.download_as_bytearray())
    except TelegramError:
        return None


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if update.effective_user is None or message is None:
        return
    if message.text:
        outcome = await service_call(
            context, conversation.text_typed, user_id(update), message.text
        )
    else:
        item = _evidence(message)
        content = await _content(message)
        outcome = await service_call(
            context, conversation.file_sent, user_id(update), item, content
        )
    if outcome.admin is not None:  # issue 19: the admin's menu waited for this
        await admin.show(update, context, outcome)
    elif outcome.decided is not None:
        await review.show_decided(update, context, outcome)
    else:
        await show(update, context, outcome)


HANDLER = MessageHandler(
    filters.ChatType.PRIVATE
    & ~filters.COMMAND
    & ~filters.UpdateType.EDITED
    & (filters.TEXT | filters.PHOTO | filters.Document.ALL),
    on_message,
)
