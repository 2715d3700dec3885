"""Review (YA / TIDAK): approve with one press; return with ticked indicators and a typed reason.

Every press is checked by the engine: a second reviewer, a double press or
an old card gets "sudah diproses" and nothing changes. After a decision the
card shows who decided what and when, and its buttons are gone.
"""

from __future__ import annotations

import asyncio
from typing import Any

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.engine import EngineError, InvalidInput, TaskView
from bot.services.context import Services
from bot.telegram.callbacks import Action, pattern
from bot.telegram.cards import actor_text
from bot.telegram.conversation import clear_state, get_state, set_state
from bot.telegram.keyboards import return_ticks
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import services_of
from bot.telegram.texts import render
from handlers.common import member_or_refuse, pressed, refuse, reply
from handlers.task_card import card_press, card_text, load_card, now_text

MODES = ("review_reason",)


def _decide(
    services: Services,
    task_id: int,
    person_id: int,
    *,
    approve: bool,
    reason: str | None = None,
    correct: tuple[int, ...] = (),
) -> tuple[str, TaskView]:
    """Decide, returning the card as it was before (to show above the decision)."""
    view, lines = load_card(services, task_id, person_id)
    services.engine.decide(
        task_id, person_id, approve=approve, now=services.now(), reason=reason, correct=correct
    )
    return card_text(view, lines), view


def _decided_text(card: str, who: str, when: str, **extra: Any) -> str:
    # ``card`` is the output of our own autoescaped template: HTML to keep, not text to escape.
    return render("decided", card=Markup(card), who=who, when=when, **extra)


async def approve(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    press = await card_press(update, context)
    if press is None:
        return
    try:
        await asyncio.to_thread(
            press.services.engine.decide,
            press.view.task_id,
            press.member.person_id,
            approve=True,
            now=press.services.now(),
        )
    except EngineError as error:
        await refuse(update, error)
        return
    query = update.callback_query
    if query is not None:
        card = card_text(press.view, press.lines)
        await query.edit_message_text(
            _decided_text(
                card,
                actor_text(press.view, press.member.name),
                press.now_text,
                approved=True,
                reason=None,
            )
        )
    await dispatch_pending(context.bot, press.services)


async def start_return(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    press = await card_press(update, context)
    query = update.callback_query
    if press is None or query is None or query.message is None:
        return
    if press.view.kind.value != "review":
        await refuse(update, InvalidInput("Langkah ini bukan keputusan."))
        return
    state = {
        "mode": "review_reason",
        "task_id": press.view.task_id,
        "card_chat_id": query.message.chat.id,
        "card_message_id": query.message.message_id,
        "ticked": [],
    }
    await set_state(press.services, member_telegram_id(update), state)
    await query.edit_message_reply_markup(return_ticks(press.view.task_id, press.lines, set()))
    await reply(update, "return_reason")


async def tick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    callback = await pressed(update)
    member = await member_or_refuse(update, context)
    query = update.callback_query
    if callback is None or member is None or query is None or callback.argument is None:
        return
    services = services_of(context)
    state = await get_state(services, member_telegram_id(update))
    if not state or state.get("mode") != "review_reason" or state["task_id"] != callback.task_id:
        await reply(update, "stale", message="Tekan Kembalikan lagi pada kartu tugasnya.")
        return
    ticked = set(state["ticked"]) ^ {callback.argument}
    state["ticked"] = sorted(ticked)
    await set_state(services, member_telegram_id(update), state)
    try:
        _, lines = await asyncio.to_thread(load_card, services, callback.task_id, member.person_id)
    except EngineError as error:
        await refuse(update, error)
        return
    await query.edit_message_reply_markup(return_ticks(callback.task_id, lines, ticked))


async def on_reason(update: Update, context: ContextTypes.DEFAULT_TYPE, state: dict) -> None:
    """The typed reason of a return: decide, then turn the card into its record."""
    member = await member_or_refuse(update, context)
    message = update.effective_message
    if member is None or message is None:
        return
    services = services_of(context)
    reason = (message.text or "").strip()
    try:
        card, view = await asyncio.to_thread(
            _decide,
            services,
            state["task_id"],
            member.person_id,
            approve=False,
            reason=reason,
            correct=tuple(state.get("ticked", ())),
        )
    except EngineError as error:
        await refuse(update, error)
        if "sudah" in str(error) or "diproses" in str(error):
            await clear_state(services, member_telegram_id(update))
        return
    await clear_state(services, member_telegram_id(update))
    await context.bot.edit_message_text(
        _decided_text(
            card,
            actor_text(view, member.name),
            now_text(services, view),
            approved=False,
            reason=reason,
        ),
        chat_id=state["card_chat_id"],
        message_id=state["card_message_id"],
    )
    await reply(update, "stale", message="Laporan dikembalikan beserta alasannya.")
    await dispatch_pending(context.bot, services)


def member_telegram_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


HANDLERS = [
    CallbackQueryHandler(approve, pattern=pattern(Action.APPROVE)),
    CallbackQueryHandler(start_return, pattern=pattern(Action.RETURN)),
    CallbackQueryHandler(tick, pattern=pattern(Action.TICK)),
]
