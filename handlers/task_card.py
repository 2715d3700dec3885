"""The task card: opened from /tugas, a notice or a reminder; plain tasks are finished here."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.domain.locale_id import format_datetime_id
from bot.engine import EngineError, InputLine, TaskView
from bot.telegram.callbacks import Action, pattern
from bot.telegram.cards import card_context
from bot.telegram.keyboards import card_actions
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import Services, services_of
from bot.telegram.texts import render
from handlers.common import member_or_refuse, pressed, refuse


def load_card(services: Services, task_id: int, person_id: int) -> tuple[TaskView, list[InputLine]]:
    now = services.now()
    view = services.engine.task(task_id, person_id, now=now)
    return view, services.engine.input_sheet(task_id, person_id, now=now)


def card_text(view: TaskView, lines: list[InputLine]) -> str:
    return render("card", **card_context(view, lines))


async def open_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    callback = await pressed(update)
    member = await member_or_refuse(update, context)
    if callback is None or member is None:
        return
    services = services_of(context)
    try:
        view, lines = await asyncio.to_thread(
            load_card, services, callback.task_id, member.person_id
        )
    except EngineError as error:
        await refuse(update, error)
        return
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            card_text(view, lines), reply_markup=card_actions(view)
        )


async def finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    callback = await pressed(update)
    member = await member_or_refuse(update, context)
    if callback is None or member is None:
        return
    services = services_of(context)
    try:
        view, lines = await asyncio.to_thread(
            load_card, services, callback.task_id, member.person_id
        )
        await asyncio.to_thread(
            services.engine.complete_task, callback.task_id, member.person_id, now=services.now()
        )
    except EngineError as error:
        await refuse(update, error)
        return
    query = update.callback_query
    if query is not None and query.message is not None:
        text = render(
            "done",
            card=Markup(card_text(view, lines)),  # our own escaped HTML
            who=member.name,
            when=format_datetime_id(services.now().astimezone(ZoneInfo(view.zone))),
        )
        await query.edit_message_text(text)  # no reply_markup: the button is gone
    await dispatch_pending(context.bot, services)


HANDLERS = [
    CallbackQueryHandler(open_card, pattern=pattern(Action.OPEN)),
    CallbackQueryHandler(finish, pattern=pattern(Action.DONE)),
]
