"""/tugas: the member's open tasks, soonest due first."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.render.texts import render
from bot.services.tasks import open_tasks
from bot.telegram.calls import service_call
from bot.telegram.cards import task_context
from bot.telegram.keyboards import open_buttons
from handlers.common import greeted, user_id


async def tugas(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_user is None:
        return
    member, views = await service_call(context, open_tasks, user_id(update))
    if not await greeted(update, context, member):
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            render("tasks", tasks=[task_context(view) for view in views]),
            reply_markup=open_buttons(views),
        )


HANDLER = CommandHandler("tugas", tugas)
