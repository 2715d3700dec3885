"""Typed text, photos and documents go where the person's conversation stands.

One service call per message (``bot.services.conversation``): the position is
read, the answer saved and the next position stored in one unit of work, so
after a restart or days away the next message still lands in the right place.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.imports.input_sheet import MAX_BYTES
from bot.services import batch_input, conversation
from bot.services import input_flow as flow
from bot.telegram.services import services_of
from handlers import review
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


def _may_be_sheet(message: Message) -> bool:
    """An .xlsx document small enough to be an input sheet sent back (issue 16)."""
    document = message.document
    if document is None:
        return False
    named = (document.file_name or "").lower().endswith(".xlsx")
    return named and (document.file_size or 0) <= MAX_BYTES


async def _content(message: Message) -> bytes | None:
    """The document's bytes from Telegram (None if it cannot be fetched: taken as evidence)."""
    assert message.document is not None
    try:
        found = await message.document.get_file()
        return bytes(await found.download_as_bytearray())
    except TelegramError:
        return None


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if update.effective_user is None or message is None:
        return
    services = services_of(context)
    if message.text:
        outcome = await asyncio.to_thread(
            conversation.text_typed, services, user_id(update), message.text
        )
    elif _may_be_sheet(message):
        content = await _content(message)
        item = _evidence(message)
        outcome = await asyncio.to_thread(
            batch_input.document_sent, services, user_id(update), content, item
        )
    else:
        item = _evidence(message)
        outcome = await asyncio.to_thread(conversation.file_sent, services, user_id(update), item)
    if outcome.decided is not None:
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
