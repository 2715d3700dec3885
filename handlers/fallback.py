"""Anything no other handler took: unknown users are told how to join; members get a hint."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from handlers.common import member_or_refuse, reply


async def anything_else(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is not None:
        await reply(update, "welcome_back", name=member.name)


HANDLER = MessageHandler(filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED, anything_else)
