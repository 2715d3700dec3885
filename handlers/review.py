"""Review (YA / TIDAK): approve with one press; return with ticked indicators and a typed reason.

Every press is one call of ``bot.services.review`` and checked by the engine: a
second reviewer, a double press or an old card gets "sudah diproses" and nothing
changes. After a decision the card shows who decided what and when, and its
buttons are gone. The typed reason comes through ``handlers/messages.py``.
The states: ``handlers/review.mmd``, drawn from ``bot/conversation/table.py``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.render.texts import render
from bot.services import review as use
from bot.services.turn import Outcome
from bot.telegram.callbacks import Action, pattern
from bot.telegram.calls import service_call
from bot.telegram.cards import actor_text
from bot.telegram.keyboards import return_ticks
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import services_of
from handlers.common import button, greeted, pressed, refuse, reply, user_id
from handlers.task_card import card_text, now_text, shown


def _decided_text(outcome: Outcome, when: str) -> str:
    decided, member = outcome.decided, outcome.member
    assert decided is not None and member is not None
    # ``card`` is the output of our own autoescaped template: HTML to keep, not text to escape.
    card = Markup(card_text(decided.card.view, decided.card.lines, decided.card.evidence_count))
    who = actor_text(decided.card.view, member.name)
    return render(
        "decided",
        card=card,
        who=who,
        when=when,
        approved=decided.approved,
        verified=decided.approved and decided.card.view.verifies,
        reason=decided.reason,
    )


@button
async def approve(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    callback = await pressed(update, answer_now=False)
    if callback is None:
        return
    services = services_of(context)
    outcome = await service_call(context, use.approve, user_id(update), callback.task_id)
    if await shown(update, context, outcome) is None or outcome.decided is None:
        return
    query = update.callback_query
    if query is not None:
        when = now_text(services.now(), outcome.decided.card.view)
        await query.edit_message_text(_decided_text(outcome, when))
    await dispatch_pending(context.bot, services)


@button
async def start_return(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    callback = await pressed(update, answer_now=False)
    query = update.callback_query
    if callback is None or query is None or query.message is None:
        return
    outcome = await service_call(
        context,
        use.start_return,
        user_id(update),
        callback.task_id,
        query.message.chat.id,
        query.message.message_id,
    )
    card = await shown(update, context, outcome)
    if card is None:
        return
    await query.edit_message_reply_markup(return_ticks(card.view.task_id, card.lines, set()))
    await reply(update, "return_reason")


@button
async def tick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    callback = await pressed(update, answer_now=False)
    query = update.callback_query
    if callback is None or query is None or callback.argument is None:
        return
    outcome = await service_call(
        context,
        use.tick,
        user_id(update),
        callback.task_id,
        callback.argument,
    )
    if not await greeted(update, context, outcome.member):
        return
    if outcome.said is not None:
        await reply(update, "stale", message=outcome.said)
    elif outcome.refusal is not None:
        await refuse(update, outcome.refusal)
    elif outcome.card is not None and outcome.ticked is not None:
        lines = outcome.card.lines
        await query.edit_message_reply_markup(
            return_ticks(callback.task_id, lines, set(outcome.ticked))
        )


async def show_decided(
    update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome
) -> None:
    """A return decided by its typed reason: the card becomes its record."""
    decided = outcome.decided
    if not await greeted(update, context, outcome.member) or decided is None:
        return
    services = services_of(context)
    await context.bot.edit_message_text(
        _decided_text(outcome, now_text(services.now(), decided.card.view)),
        chat_id=decided.chat_id,
        message_id=decided.message_id,
    )
    if outcome.said is not None:
        await reply(update, "stale", message=outcome.said)
    await dispatch_pending(context.bot, services)


HANDLERS: list[Any] = [
    CallbackQueryHandler(approve, pattern=pattern(Action.APPROVE)),
    CallbackQueryHandler(start_return, pattern=pattern(Action.RETURN)),
    CallbackQueryHandler(tick, pattern=pattern(Action.TICK)),
]
