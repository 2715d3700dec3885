"""The guided indicator input: one indicator at a time, echoed, confirmed, summarised, sent.

Buttons come here (``HANDLERS``); typed text and files come through the
lead's router (``handlers/messages.py``) to ``on_text`` / ``on_file`` when the
stored position's mode is one of ``MODES``. Every value is saved as a draft
revision as soon as it is confirmed, so /batal, a restart or a week away
loses nothing. The states and their order: ``bot/telegram/input_flow.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.engine import (
    AlreadyProcessed,
    EngineError,
    IncompleteInput,
    InputLine,
    KendalaRequired,
    NeedsConfirmation,
)
from bot.services.context import Services
from bot.services.members import Member
from bot.telegram import input_flow as flow
from bot.telegram import input_keyboards as keys
from bot.telegram.callbacks import Action, Callback, pattern
from bot.telegram.conversation import clear_state, get_state
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import services_of
from bot.telegram.texts import render
from handlers import input_steps as steps
from handlers.common import member_or_refuse, pressed, refuse
from handlers.input_text import on_file, on_text

__all__ = ["HANDLERS", "MODES", "on_file", "on_text"]

MODES = flow.MODES
Mode = flow.Mode


async def _begin(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[Callback, Member, Services] | None:
    """Answer the press, then who pressed it; None when there is nothing to do."""
    callback = await pressed(update)
    member = await member_or_refuse(update, context) if callback else None
    if callback is None or member is None:
        return None
    return callback, member, services_of(context)


async def _sheet(
    update: Update, services: Services, task_id: int, person_id: int
) -> steps.Sheet | None:
    try:
        data = await steps.sheet(services, task_id, person_id)
    except EngineError as error:
        await refuse(update, error)
        return None
    if not any(line.editable for line in data.lines):
        await refuse(update, AlreadyProcessed())  # done, decided, or not an input step
        return None
    return data


async def _failed(update: Update, services: Services, error: EngineError) -> None:
    """A refusal in the middle of the conversation ends it (the drafts stay)."""
    if update.effective_user is not None:
        await clear_state(services, update.effective_user.id)
    await refuse(update, error)


# --- buttons ---------------------------------------------------------------------------
async def fill(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """FILL: the first indicator that still needs a value, or the summary."""
    if (begun := await _begin(update, context)) is None:
        return
    callback, member, services = begun
    if (data := await _sheet(update, services, callback.task_id, member.person_id)) is None:
        return
    line = flow.next_line(data.lines)
    if line is None:
        await steps.show_summary(update, services, data)
    else:
        await steps.ask_value(update, services, data, line, single=False)


async def edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """EDIT <indicator>: that one indicator again, then back to the summary."""
    if (begun := await _begin(update, context)) is None:
        return
    callback, member, services = begun
    if (data := await _sheet(update, services, callback.task_id, member.person_id)) is None:
        return
    line = data.line(callback.argument)
    if line is None or not line.editable:
        await steps.send(update, render("input_refused", message=_NOT_EDITABLE))
        return
    await steps.ask_value(update, services, data, line, single=True)


_NOT_EDITABLE = "Indikator ini tidak dapat diubah pada tugas ini."


async def no_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """NO_DATA <indicator>: ask why there is no figure yet."""
    if (begun := await _begin(update, context)) is None:
        return
    callback, _, services = begun
    state = await get_state(services, member_telegram_id(update)) or {}
    if not _at(state, callback, Mode.VALUE, Mode.CONFIRM):
        return  # an old question's button: the conversation has moved on
    new = {**state, "mode": Mode.NO_DATA.value, "pending": None}
    code = state.get("code", "")
    await steps.ask(update, services, new, "input_no_data", None, code=code, error=None)


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """CONFIRM <indicator>: save the echoed value (once, however often it is pressed)."""
    if (begun := await _begin(update, context)) is None:
        return
    callback, member, services = begun
    state = await get_state(services, member_telegram_id(update)) or {}
    value = steps.pending_value(state)
    if not _at(state, callback, Mode.CONFIRM) or value is None:
        return  # pressed twice, or an old echo: already saved or replaced
    confirmed = state.get("concerns") or []
    shown = str(state.get("shown") or value)
    try:
        data = await steps.sheet(services, callback.task_id, member.person_id)
        line = _editable(data, callback.argument)
        await steps.save_async(
            services, callback.task_id, member.person_id, line, value=value, confirmed=confirmed
        )
    except NeedsConfirmation:
        # Something changed since the echo (another quarter's figure): echo again.
        if update.callback_query is not None:
            await update.callback_query.edit_message_reply_markup(None)
        rules = flow.rules_of(line)
        await steps.echo(
            update, services, state, data, line, flow.understood(line, value, shown, rules)
        )
        return
    except EngineError as error:
        await _failed(update, services, error)
        return
    if update.callback_query is not None:
        await update.callback_query.edit_message_reply_markup(None)
    result = flow.understood(line, value, shown, flow.rules_of(line))
    notes = steps.required_notes(line, value, flow.rules_of(line), result.capaian)
    await steps.ask_kendala(update, services, {**state, **notes}, shown)


async def retype(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """RETYPE <indicator>: the echo was wrong; the same question again."""
    if (begun := await _begin(update, context)) is None:
        return
    callback, member, services = begun
    state = await get_state(services, member_telegram_id(update)) or {}
    if not _at(state, callback, Mode.CONFIRM, Mode.VALUE):
        return
    if (data := await _sheet(update, services, callback.task_id, member.person_id)) is None:
        return
    line = data.line(callback.argument)
    if line is not None:
        await steps.ask_value(update, services, data, line, single=bool(state.get("single")))


async def skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """SKIP <indicator>: no kendala / no tindak lanjut / no (more) evidence."""
    if (begun := await _begin(update, context)) is None:
        return
    callback, member, services = begun
    state = await get_state(services, member_telegram_id(update)) or {}
    if _at(state, callback, Mode.KENDALA):
        if not steps.is_required(state, "kendala"):  # no button then: an old or forged press
            await steps.ask_tindak_lanjut(update, services, state)
    elif _at(state, callback, Mode.TINDAK_LANJUT):
        if not steps.is_required(state, "tindak_lanjut"):
            await steps.ask_evidence(update, services, state)
    elif _at(state, callback, Mode.EVIDENCE):
        await steps.go_on(update, services, state, member.person_id)


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (begun := await _begin(update, context)) is None:
        return
    callback, member, services = begun
    if (data := await _sheet(update, services, callback.task_id, member.person_id)) is not None:
        await steps.show_summary(update, services, data)


async def submit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """SUBMIT: finish the input step; what is missing comes back with buttons to fill it."""
    if (begun := await _begin(update, context)) is None:
        return
    callback, member, services = begun
    if (data := await _sheet(update, services, callback.task_id, member.person_id)) is None:
        return
    try:
        await asyncio.to_thread(
            services.engine.complete_task, callback.task_id, member.person_id, now=services.now()
        )
    except IncompleteInput as error:
        gaps = flow.missing(data.lines)
        names = [f"{line.code} {line.name}" for line in gaps] or error.missing
        markup = keys.missing_keyboard(callback.task_id, gaps)
        await steps.send(update, render("input_incomplete", missing=names), markup)
        return
    except KendalaRequired as error:
        lacking = flow.lacking_kendala(data.lines)
        names = [f"{line.code} {line.name}" for line in lacking] or error.missing
        markup = keys.missing_keyboard(callback.task_id, lacking)
        threshold = flow.limit_text(error.threshold)
        text = render("input_kendala_missing", missing=names, threshold=threshold)
        await steps.send(update, text, markup)
        return
    except EngineError as error:
        await refuse(update, error)
        return
    await clear_state(services, member_telegram_id(update))
    if update.callback_query is not None:
        await update.callback_query.edit_message_reply_markup(None)
    role, uraian = steps.next_step(services, data.view)
    text = render(
        "input_submitted",
        unit_name=data.view.unit_name,
        period=data.view.period_label,
        count=len(data.lines),
        next_role=role,
        next_uraian=uraian,
    )
    await steps.send(update, text)
    await dispatch_pending(context.bot, services)


# --- small helpers ---------------------------------------------------------------------
def member_telegram_id(update: Update) -> int:
    return update.effective_user.id if update.effective_user else 0


def _at(state: dict[str, Any], callback: Callback, *modes: Mode) -> bool:
    """The button belongs to the question the conversation waits on."""
    return (
        state.get("mode") in {mode.value for mode in modes}
        and state.get("task_id") == callback.task_id
        and state.get("indicator_id") == callback.argument
    )


def _editable(data: steps.Sheet, indicator_id: int | None) -> InputLine:
    line = data.line(indicator_id)
    if line is None or not line.editable:
        raise AlreadyProcessed(_NOT_EDITABLE)
    return line


HANDLERS: list[CallbackQueryHandler[Any, Any]] = [
    CallbackQueryHandler(fill, pattern=pattern(Action.FILL)),
    CallbackQueryHandler(edit, pattern=pattern(Action.EDIT)),
    CallbackQueryHandler(no_data, pattern=pattern(Action.NO_DATA)),
    CallbackQueryHandler(confirm, pattern=pattern(Action.CONFIRM)),
    CallbackQueryHandler(retype, pattern=pattern(Action.RETYPE)),
    CallbackQueryHandler(skip, pattern=pattern(Action.SKIP)),
    CallbackQueryHandler(summary, pattern=pattern(Action.SUMMARY)),
    CallbackQueryHandler(submit, pattern=pattern(Action.SUBMIT)),
]
