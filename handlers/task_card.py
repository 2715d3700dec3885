"""The task card: opened from /tugas, a notice or a reminder; plain tasks are finished here."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.domain.locale_id import format_datetime_id
from bot.engine import EngineError, InputLine, TaskView
from bot.services.context import Services
from bot.services.members import Member
from bot.telegram.callbacks import Action, Callback, pattern
from bot.telegram.cards import actor_text, card_context
from bot.telegram.keyboards import card_actions
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import services_of
from bot.telegram.texts import render
from handlers.common import member_or_refuse, pressed, refuse


def load_card(services: Services, task_id: int, person_id: int) -> tuple[TaskView, list[InputLine]]:
    now = services.now()
    view = services.engine.task(task_id, person_id, now=now)
    return view, services.engine.input_sheet(task_id, person_id, now=now)


def card_text(view: TaskView, lines: list[InputLine]) -> str:
    return render("card", **card_context(view, lines))


def now_text(services: Services, view: TaskView) -> str:
    """The present moment in the organisation's zone, for "… oleh X, <when>"."""
    return format_datetime_id(services.now().astimezone(ZoneInfo(view.zone)))


@dataclass(frozen=True)
class CardPress:
    """A button pressed on a task card, with who pressed it and the card as it is now."""

    callback: Callback
    member: Member
    services: Services
    view: TaskView
    lines: list[InputLine]

    @property
    def now_text(self) -> str:
        return now_text(self.services, self.view)


async def card_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> CardPress | None:
    """Answer the press, know the member, load the card; None after telling them why not."""
    callback = await pressed(update)
    member = await member_or_refuse(update, context)
    if callback is None or member is None:
        return None
    services = services_of(context)
    try:
        view, lines = await asyncio.to_thread(
            load_card, services, callback.task_id, member.person_id
        )
    except EngineError as error:
        await refuse(update, error)
        return None
    return CardPress(callback, member, services, view, lines)


async def open_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    press = await card_press(update, context)
    if press is not None and update.effective_message is not None:
        await update.effective_message.reply_text(
            card_text(press.view, press.lines), reply_markup=card_actions(press.view)
        )


async def finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    press = await card_press(update, context)
    if press is None:
        return
    services, member = press.services, press.member
    try:
        await asyncio.to_thread(
            services.engine.complete_task, press.view.task_id, member.person_id, now=services.now()
        )
    except EngineError as error:
        await refuse(update, error)
        return
    query = update.callback_query
    if query is not None and query.message is not None:
        card = Markup(card_text(press.view, press.lines))  # our own escaped HTML
        who = actor_text(press.view, member.name)
        text = render("done", card=card, who=who, when=press.now_text)
        await query.edit_message_text(text)  # no reply_markup: the button is gone
    await dispatch_pending(context.bot, services)


HANDLERS = [
    CallbackQueryHandler(open_card, pattern=pattern(Action.OPEN)),
    CallbackQueryHandler(finish, pattern=pattern(Action.DONE)),
]
