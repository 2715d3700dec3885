"""The last resort: log what broke with its context, apologise briefly, never leak."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.render.texts import render

log = logging.getLogger("sopbot.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    where = {}
    if isinstance(update, Update):
        where = {
            "update_id": update.update_id,
            "user_id": update.effective_user.id if update.effective_user else None,
            "chat_id": update.effective_chat.id if update.effective_chat else None,
        }
    # The token is part of request URLs, never of this record: log ids, not the update.
    log.error("error while handling an update %s", where, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(render("error"))
        except Exception:  # the apology itself failed (blocked, network): logged above already
            log.warning("could not send the apology for %s", where)
