"""/tugas: the member's open tasks, soonest due first."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.domain.lateness import format_lateness
from bot.domain.locale_id import format_datetime_id
from bot.engine import TaskView
from bot.telegram.keyboards import open_buttons
from bot.telegram.services import services_of
from bot.telegram.texts import render
from handlers.common import member_or_refuse


def _line(view: TaskView) -> dict[str, object]:
    return {
        "sop_name": view.sop_name,
        "period_label": view.period_label,
        "step_no": view.step_no,
        "uraian": view.uraian,
        "role_name": view.role_name,
        "unit_name": view.unit_name,
        "due": format_datetime_id(view.due_at) if view.due_at else "-",
        "late": format_lateness(view.late_by, view.day_minutes)
        if view.late_by is not None
        else None,
        "reason": view.reason,
    }


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
            render("tasks", tasks=[_line(view) for view in views]),
            reply_markup=open_buttons(views),
        )


HANDLER = CommandHandler("tugas", tugas)
