"""Typed text, photos and documents go where the person's conversation stands.

The position is stored in the database (``bot.telegram.conversation``), so
after a restart or days away the next message still lands in the right place.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.telegram.conversation import get_state
from bot.telegram.services import services_of
from handlers import input as input_conversation
from handlers import review
from handlers.common import member_or_refuse, reply


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is None or update.effective_user is None or update.effective_message is None:
        return
    state = await get_state(services_of(context), update.effective_user.id) or {}
    mode = str(state.get("mode", ""))
    message = update.effective_message
    if mode in review.MODES and message.text:
        await review.on_reason(update, context, state)
    elif mode in input_conversation.MODES:
        if message.text:
            await input_conversation.on_text(update, context, state)
        else:
            await input_conversation.on_file(update, context, state)
    else:
        await reply(update, "welcome_back", name=member.name)


HANDLER = MessageHandler(
    filters.ChatType.PRIVATE
    & ~filters.COMMAND
    & ~filters.UpdateType.EDITED
    & (filters.TEXT | filters.PHOTO | filters.Document.ALL),
    on_message,
)
