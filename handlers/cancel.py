"""/batal: leave the current conversation; values already entered stay as drafts."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.services import conversation
from bot.telegram.calls import service_call
from handlers import admin
from handlers.common import greeted, reply, user_id


async def batal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_user is None:
        return
    outcome = await service_call(context, conversation.cancel, user_id(update))
    if outcome.admin is not None:  # issue 19: the admin's menu was left
        await admin.show(update, context, outcome)
    elif await greeted(update, context, outcome.member):
        await reply(update, "cancelled")


HANDLER = CommandHandler("batal", batal)
