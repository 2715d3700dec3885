"""/tugas: the member's open tasks, soonest due first."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.telegram.cards import task_context
from bot.telegram.keyboards import open_buttons
from bot.telegram.services import services_of
from bot.telegram.texts import render
from handlers.common import member_or_refuse


async def tugas(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is None:
        return
    services = services_of(context)
    views = await asyncio.to_thread(
        services.engine.open_tasks, member.person_id, now=services.now()
    )
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            render("tasks", tasks=[task_context(view) for view in views]),
            reply_markup=open_buttons(views),
        )


HANDLER = CommandHandler("tugas", tugas)
