"""The task card: opened from /tugas, a notice or a reminder; plain tasks are finished here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.domain.locale_id import format_datetime_id
from bot.engine import InputLine, TaskView
from bot.engine.card import Card
from bot.render.texts import render
from bot.services import review as use
from bot.services.turn import Outcome
from bot.telegram.callbacks import Action, pattern
from bot.telegram.calls import service_call
from bot.telegram.cards import actor_text, card_context
from bot.telegram.keyboards import card_actions
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import services_of
from handlers.common import button, greeted, pressed, refuse, user_id


def card_text(view: TaskView, lines: list[InputLine], evidence: int = 0) -> str:
    """The card; ``evidence``: files sent for the task (issue 16), shown to reviewers."""
    return render("card", **card_context(view, lines, evidence))


def now_text(now: datetime, view: TaskView) -> str:
    """The present moment in the organisation's zone, for "… oleh X, <when>"."""
    return format_datetime_id(now.astimezone(ZoneInfo(view.zone)))


async def shown(
    update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome
) -> Card | None:
    """The member greeted and the card found; None after telling them why not."""
    if not await greeted(update, context, outcome.member):
        return None
    if outcome.refusal is not None:
        await refuse(update, outcome.refusal)
        return None
    return outcome.card


@button
async def open_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    callback = await pressed(update, answer_now=False)
    if callback is None:
        return
    outcome = await service_call(context, use.open_card, user_id(update), callback.task_id)
    card = await shown(update, context, outcome)
    if card is not None and update.effective_message is not None:
        await update.effective_message.reply_text(
            card_text(card.view, card.lines, card.evidence_count),
            reply_markup=card_actions(card.view, card.evidence_count),
        )


@button
async def finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    callback = await pressed(update, answer_now=False)
    if callback is None:
        return
    services = services_of(context)
    outcome = await service_call(context, use.finish, user_id(update), callback.task_id)
    card = await shown(update, context, outcome)
    if card is None or outcome.member is None:
        return
    query = update.callback_query
    if query is not None and query.message is not None:
        text = Markup(card_text(card.view, card.lines, card.evidence_count))  # our own HTML
        who = actor_text(card.view, outcome.member.name)
        when = now_text(services.now(), card.view)
        await query.edit_message_text(render("done", card=text, who=who, when=when))
    await dispatch_pending(context.bot, services)


async def _pressed_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Card | None:
    """The card of the pressed button's task, read again (None when refused or stale)."""
    callback = await pressed(update)
    if callback is None:
        return None
    outcome = await service_call(context, use.open_card, user_id(update), callback.task_id)
    return await shown(update, context, outcome)


async def full_uraian(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Uraian lengkap": the step's whole text, which the card shortens to its title."""
    card = await _pressed_card(update, context)
    if card is not None and update.effective_message is not None:
        await update.effective_message.reply_text(render("uraian_full", task=card.view))


async def show_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Lihat bukti dukung": the unit's files, sent again by their Telegram file ids."""
    card = await _pressed_card(update, context)
    chat = update.effective_chat
    if card is None or chat is None:
        return
    files = [*card.evidence, *(item for line in card.lines for item in line.evidence)]
    for item in files:
        if item.get("kind") == "photo":
            await chat.send_photo(item["file_id"])
        else:
            await chat.send_document(item["file_id"])
    await chat.send_message(render("evidence_sent", count=len(files), task=card.view))


HANDLERS = [
    CallbackQueryHandler(open_card, pattern=pattern(Action.OPEN)),
    CallbackQueryHandler(full_uraian, pattern=pattern(Action.URAIAN)),
    CallbackQueryHandler(show_evidence, pattern=pattern(Action.PROOF)),
    CallbackQueryHandler(finish, pattern=pattern(Action.DONE)),
]
