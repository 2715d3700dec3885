"""Anything no other handler took: unknown users are told how to join; members get a hint;
a button this bot no longer knows is answered, so the phone stops spinning."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from handlers.common import member_or_refuse, reply


async def anything_else(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is not None:
        await reply(update, "welcome_back", name=member.name)


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer("Tombol ini sudah tidak berlaku.", show_alert=True)


HANDLERS = [
    CallbackQueryHandler(unknown_button),
    MessageHandler(filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED, anything_else),
]
