"""The last resort: log what broke with its context, apologise briefly, never leak.

A database out of reach is no bug: the person hears the bot "sedang gangguan", and
the outage is logged once (``bot.services.outage``), not with a traceback per update.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.render.texts import render
from bot.services.outage import is_database_down
from bot.telegram.services import services_of

log = logging.getLogger("sopbot.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if is_database_down(context.error):
        assert context.error is not None
        services_of(context).outage.noticed(context.error)
        await _apologise(update, "db_outage")
        return
    where = {}
    if isinstance(update, Update):
        where = {
            "update_id": update.update_id,
            "user_id": update.effective_user.id if update.effective_user else None,
            "chat_id": update.effective_chat.id if update.effective_chat else None,
        }
    # The token is part of request URLs, never of this record: log ids, not the update.
    log.error("error while handling an update %s", where, exc_info=context.error)
    await _apologise(update, "error")


async def _apologise(update: object, template: str) -> None:
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(render(template))
        except Exception:  # the apology itself failed (blocked, network): logged above already
            log.warning("could not send the apology for update %s", update.update_id)
