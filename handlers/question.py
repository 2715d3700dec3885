"""A question step (``kind: question``, "Ada hambatan?"): YA or TIDAK with one press.

Thin: the engine decides where the run goes and refuses a second press or an
old card ("sudah diproses"); nothing is approved or returned. The card then
shows the answer, who gave it and when, without buttons.
"""

from __future__ import annotations

import asyncio

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.engine import EngineError
from bot.telegram.callbacks import Action, pattern
from bot.telegram.cards import actor_text
from bot.telegram.outbox import dispatch_pending
from bot.telegram.texts import render
from handlers.common import refuse
from handlers.task_card import card_press, card_text


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    press = await card_press(update, context)
    if press is None:
        return
    yes = press.callback.action is Action.YES
    try:
        await asyncio.to_thread(
            press.services.engine.answer,
            press.view.task_id,
            press.member.person_id,
            yes=yes,
            now=press.services.now(),
        )
    except EngineError as error:
        await refuse(update, error)
        return
    query = update.callback_query
    if query is not None:
        card = Markup(card_text(press.view, press.lines))  # our own escaped HTML
        who = actor_text(press.view, press.member.name)
        text = render(
            "answered", card=card, answer="YA" if yes else "TIDAK", who=who, when=press.now_text
        )
        await query.edit_message_text(text)  # no reply_markup: the buttons are gone
    await dispatch_pending(context.bot, press.services)


HANDLERS = [CallbackQueryHandler(answer, pattern=pattern(Action.YES, Action.NO))]
