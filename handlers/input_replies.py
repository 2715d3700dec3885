"""What the guided input shows after its service call: the question its position waits on,
the summary, what is missing, or the refusal. Telegram is called only here, after the
service committed the figure together with the next position (``bot.services.turn``).
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.conversation.state import Confirming, InputPosition, Mode
from bot.render.texts import render
from bot.services import input_flow as flow
from bot.services.turn import Gaps, Outcome
from bot.telegram import input_keyboards as keys
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import services_of
from handlers import bulk_replies
from handlers.common import greeted, refuse, reply


async def send(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(text, reply_markup=markup)


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome) -> None:
    """Everything an input outcome says, in the order the person should read it."""
    if not await greeted(update, context, outcome.member):
        return
    query = update.callback_query
    if outcome.refusal is not None:
        await refuse(update, outcome.refusal)
    if outcome.notice is not None:
        await send(update, render("input_refused", message=outcome.notice))
    if outcome.clear_buttons and query is not None:
        await query.edit_message_reply_markup(None)
    position = outcome.position
    if outcome.bulk is not None:
        await bulk_replies.show(update, outcome.bulk)
    if outcome.ask and isinstance(position, InputPosition):
        await _ask(update, outcome, position)
    if outcome.summary and outcome.card is not None:
        await _summary(update, outcome)
    if outcome.gaps is not None:
        await _gaps(update, outcome.gaps)
    if outcome.submitted is not None and outcome.card is not None:
        view, went = outcome.card.view, outcome.submitted
        text = render(
            "input_submitted",
            unit_name=view.unit_name,
            period=view.period_label,
            count=len(outcome.card.lines),
            next_role=went.role,
            next_uraian=went.uraian,
            next_names=", ".join(went.names),
        )
        await send(update, text)
    if outcome.idle_text and outcome.member is not None:
        await reply(update, "welcome_back", name=outcome.member.name)
    if outcome.notify:
        await dispatch_pending(context.bot, services_of(context))


async def _gaps(update: Update, gaps: Gaps) -> None:
    markup = keys.missing_keyboard(gaps.task_id, gaps.lines)
    if gaps.kind == "incomplete":
        text = render("input_incomplete", missing=list(gaps.names))
    else:
        text = render("input_kendala_missing", missing=list(gaps.names), threshold=gaps.threshold)
    await send(update, text, markup)


async def _summary(update: Update, outcome: Outcome) -> None:
    card = outcome.card
    assert card is not None
    context = flow.summary_context(card.lines, reason=card.view.reason, period=card.view.period)
    markup = keys.summary_keyboard(
        card.view.task_id, card.lines, can_submit=context["can_submit"], noted=outcome.saved
    )
    text = render("input_summary", saved=outcome.saved, task_evidence=outcome.count, **context)
    await send(update, text, markup)


def _below(position: InputPosition) -> dict[str, Any]:
    below = position.below
    return {
        "capaian": below.capaian if below else None,
        "threshold": below.threshold if below else None,
    }


def _skip_unless(required: bool, position: InputPosition) -> InlineKeyboardMarkup | None:
    """A required question has no "Lewati" button."""
    return None if required else keys.skip_keyboard(position.task_id, position.indicator_id)


async def _ask(update: Update, outcome: Outcome, position: InputPosition) -> None:
    """The question ``position`` waits on."""
    mode, error, code = position.mode, outcome.error, position.code
    if mode is Mode.VALUE:
        card, line = outcome.card, outcome.line
        assert card is not None and line is not None
        context = flow.prompt_context(card.lines, line, reason=card.view.reason)
        text = render("input_value", error=error, saved=outcome.saved, **context)
        markup = keys.value_keyboard(position.task_id, position.indicator_id, outcome.saved)
        await send(update, text, markup)
    elif mode is Mode.CONFIRM:
        assert isinstance(position, Confirming)
        line, understood = outcome.line, outcome.understood
        assert line is not None and understood is not None
        markup = keys.confirm_keyboard(
            position.task_id, position.indicator_id, concerned=bool(understood.concerns)
        )
        await send(update, render("input_echo", **flow.echo_context(line, understood)), markup)
    elif mode is Mode.NO_DATA:
        await send(update, render("input_no_data", code=code, error=error))
    elif mode is Mode.KENDALA:
        required = position.requires("kendala")
        context = {"code": code, "value": outcome.shown, "error": error, **_below(position)}
        text = render("input_kendala", required=required, noting=outcome.noting, **context)
        await send(update, text, _skip_unless(required, position))
    elif mode is Mode.TINDAK_LANJUT:
        required = position.requires("tindak_lanjut")
        context = {"code": code, "error": error, **_below(position)}
        text = render("input_tindak_lanjut", required=required, **context)
        await send(update, text, _skip_unless(required, position))
    elif mode is Mode.EVIDENCE:
        count = outcome.count
        markup = keys.evidence_keyboard(position.task_id, position.indicator_id, outcome.saved)
        text = render("input_evidence", saved=outcome.saved, count=count, error=error)
        await send(update, text, markup)
