"""/status: where this period's runs of the member's organisation stand, and who is late."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.domain.locale_id import format_datetime_id
from bot.services.status import status as status_of
from bot.telegram.calls import service_call
from handlers.common import greeted, reply, user_id


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_user is None:
        return
    view = await service_call(context, status_of, user_id(update))
    if not await greeted(update, context, view.member if view else None) or view is None:
        return
    await reply(
        update,
        "status",
        runs=view.runs,
        when=format_datetime_id,
        timeliness=view.timeliness,
        overseer=view.overseer,
    )


HANDLER = CommandHandler("status", status)
