"""/batal: leave the current conversation; values already entered stay as drafts."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.telegram.conversation import clear_state
from bot.telegram.services import services_of
from handlers.common import member_or_refuse, reply


async def batal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is None or update.effective_user is None:
        return
    await clear_state(services_of(context), update.effective_user.id)
    await reply(update, "cancelled")


HANDLER = CommandHandler("batal", batal)
