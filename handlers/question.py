"""A question step (``kind: question``, "Ada hambatan?"): YA or TIDAK with one press.

Thin: one call of ``bot.services.review.answer`` (one unit of work); the engine
decides where the run goes and refuses a second press or an old card ("sudah
diproses"); nothing is approved or returned. The card then shows the answer,
who gave it and when, without buttons. The states: ``handlers/question.mmd``,
drawn from ``bot/conversation/table.py``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.render.texts import render
from bot.services import review as use
from bot.telegram.callbacks import Action, pattern
from bot.telegram.calls import service_call
from bot.telegram.cards import actor_text
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import services_of
from handlers.common import button, pressed, user_id
from handlers.task_card import card_text, now_text, shown


@button
async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    callback = await pressed(update, answer_now=False)
    if callback is None:
        return
    services = services_of(context)
    yes = callback.action is Action.YES
    outcome = await service_call(context, use.answer, user_id(update), callback.task_id, yes=yes)
    if await shown(update, context, outcome) is None or outcome.answered is None:
        return
    assert outcome.member is not None
    query = update.callback_query
    if query is not None:
        view = outcome.answered.card.view
        card = Markup(card_text(view, outcome.answered.card.lines))  # our own escaped HTML
        text = render(
            "answered",
            card=card,
            answer="YA" if yes else "TIDAK",
            who=actor_text(view, outcome.member.name),
            when=now_text(services.now(), view),
        )
        await query.edit_message_text(text)  # no reply_markup: the buttons are gone
    await dispatch_pending(context.bot, services)


HANDLERS: list[Any] = [CallbackQueryHandler(answer, pattern=pattern(Action.YES, Action.NO))]
