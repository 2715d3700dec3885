"""Shared moves of the input conversation: load the sheet, ask a question, show the summary.

The conversation position is saved (``bot.telegram.conversation``) before each
question is sent, so whatever the person types next, even after a restart or
days later, lands on the right question.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.engine import InputLine, TaskView
from bot.services.context import Services
from bot.telegram import input_flow as flow
from bot.telegram import input_keyboards as keys
from bot.telegram.conversation import clear_state, set_state
from bot.telegram.texts import render


@dataclass(frozen=True)
class Sheet:
    view: TaskView
    lines: list[InputLine]

    def line(self, indicator_id: int | None) -> InputLine | None:
        return flow.find_line(self.lines, indicator_id)


def load_sheet(services: Services, task_id: int, person_id: int) -> Sheet:
    now = services.now()
    view = services.engine.task(task_id, person_id, now=now)
    return Sheet(view, services.engine.input_sheet(task_id, person_id, now=now))


async def sheet(services: Services, task_id: int, person_id: int) -> Sheet:
    return await asyncio.to_thread(load_sheet, services, task_id, person_id)


def save(
    services: Services,
    task_id: int,
    person_id: int,
    line: InputLine,
    **fields: Any,
) -> None:
    """A new revision; the value (or no-data reason) is repeated since the engine requires it."""
    if "value" not in fields and "no_data_reason" not in fields:
        if line.value is not None:
            fields["value"] = line.value
        else:
            fields["no_data_reason"] = line.no_data_reason
    services.engine.save_value(task_id, person_id, line.indicator_id, now=services.now(), **fields)


async def save_async(
    services: Services, task_id: int, person_id: int, line: InputLine, **fields: Any
) -> None:
    await asyncio.to_thread(save, services, task_id, person_id, line, **fields)


async def send(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(text, reply_markup=markup)


def state_for(
    mode: flow.Mode, task_id: int, indicator_id: int, *, single: bool, **extra: Any
) -> dict[str, Any]:
    return {
        "mode": mode.value,
        "task_id": task_id,
        "indicator_id": indicator_id,
        "single": single,
        **extra,
    }


async def ask_value(
    update: Update,
    services: Services,
    data: Sheet,
    line: InputLine,
    *,
    single: bool,
    error: str | None = None,
) -> None:
    """The value question for ``line`` (again, after ``error``)."""
    user = update.effective_user
    if user is None:
        return
    task_id = data.view.task_id
    state = state_for(flow.Mode.VALUE, task_id, line.indicator_id, single=single, code=line.code)
    await set_state(services, user.id, state)
    context = flow.prompt_context(data.lines, line, reason=data.view.reason)
    text = render("input_value", error=error, **context)
    await send(update, text, keys.value_keyboard(task_id, line.indicator_id))


async def ask(
    update: Update,
    services: Services,
    state: dict[str, Any],
    template: str,
    markup: InlineKeyboardMarkup | None,
    **context: Any,
) -> None:
    """Save the new position ``state``, then send the question it waits on."""
    user = update.effective_user
    if user is None:
        return
    await set_state(services, user.id, state)
    await send(update, render(template, **context), markup)


async def echo(
    update: Update,
    services: Services,
    state: dict[str, Any],
    data: Sheet,
    line: InputLine,
    understood: flow.Understood,
) -> None:
    """The understood value for confirmation, with any plausibility concern: confirming
    then confirms those concerns (their kinds wait in the state until then)."""
    new = {**state, "mode": flow.Mode.CONFIRM.value, "pending": str(understood.value)}
    new["shown"] = understood.shown
    new["concerns"] = understood.concern_kinds
    concerned = bool(understood.concerns)
    markup = keys.confirm_keyboard(data.view.task_id, line.indicator_id, concerned=concerned)
    await ask(update, services, new, "input_echo", markup, **flow.echo_context(line, understood))


def required_notes(
    line: InputLine, value: Decimal, rules: flow.Rules, capaian: str | None
) -> dict[str, Any]:
    """State for a value below the kendala threshold: which notes must be typed (those the
    indicator does not have yet) and the figures the questions show."""
    if not flow.kendala_required(line, value, rules):
        return {"required": [], "below": None}
    needed = [
        name
        for name, have in (("kendala", line.kendala), ("tindak_lanjut", line.tindak_lanjut))
        if not (have or "").strip()
    ]
    return {
        "required": needed,
        "below": {"capaian": capaian, "threshold": flow.threshold_text(line)},
    }


def is_required(state: dict[str, Any], name: str) -> bool:
    """The question ``name`` ("kendala", "tindak_lanjut") cannot be skipped."""
    return name in (state.get("required") or [])


def _skip_unless(required: bool, state: dict[str, Any]) -> InlineKeyboardMarkup | None:
    """A required question has no "Lewati" button."""
    if required:
        return None
    return keys.skip_keyboard(int(state["task_id"]), int(state["indicator_id"]))


def _below(state: dict[str, Any]) -> dict[str, Any]:
    below = state.get("below") or {}
    return {"capaian": below.get("capaian"), "threshold": below.get("threshold")}


async def ask_kendala(
    update: Update, services: Services, state: dict[str, Any], shown: str, error: str | None = None
) -> None:
    new = {**state, "mode": flow.Mode.KENDALA.value, "pending": None, "shown": None}
    new["concerns"] = None
    required = is_required(state, "kendala")
    context = {"code": state.get("code", ""), "value": shown, "error": error, **_below(state)}
    markup = _skip_unless(required, state)
    await ask(update, services, new, "input_kendala", markup, required=required, **context)


async def ask_tindak_lanjut(
    update: Update, services: Services, state: dict[str, Any], error: str | None = None
) -> None:
    new = {**state, "mode": flow.Mode.TINDAK_LANJUT.value}
    required = is_required(state, "tindak_lanjut")
    context = {"code": state.get("code", ""), "error": error, **_below(state)}
    markup = _skip_unless(required, state)
    await ask(update, services, new, "input_tindak_lanjut", markup, required=required, **context)


async def ask_evidence(
    update: Update, services: Services, state: dict[str, Any], *, count: int = 0
) -> None:
    new = {**state, "mode": flow.Mode.EVIDENCE.value}
    label = "Lanjut" if count else "Lewati"
    markup = keys.skip_keyboard(int(state["task_id"]), int(state["indicator_id"]), label)
    code = state.get("code", "")
    await ask(
        update, services, new, "input_evidence", markup, code=code, received=count > 0, count=count
    )


async def show_summary(update: Update, services: Services, data: Sheet) -> None:
    """The overview with an edit button per editable indicator; nothing is awaited after it."""
    user = update.effective_user
    if user is not None:
        await clear_state(services, user.id)
    context = flow.summary_context(data.lines, reason=data.view.reason, period=data.view.period)
    markup = keys.summary_keyboard(data.view.task_id, data.lines, can_submit=context["can_submit"])
    await send(update, render("input_summary", **context), markup)


async def go_on(update: Update, services: Services, state: dict[str, Any], person_id: int) -> None:
    """After an indicator is finished: the next one to fill, or the summary."""
    data = await sheet(services, int(state["task_id"]), person_id)
    after = int(state["indicator_id"])
    line = None if state.get("single") else flow.next_line(data.lines, after)
    if line is None:
        await show_summary(update, services, data)
    else:
        await ask_value(update, services, data, line, single=False)


def pending_value(state: dict[str, Any]) -> Decimal | None:
    raw = state.get("pending")
    return Decimal(str(raw)) if raw is not None else None


def next_step(services: Services, view: TaskView) -> tuple[str | None, str | None]:
    """(role, uraian) of the step the work goes to after this one, when the SOP says simply."""
    try:
        definition = services.catalog.get(view.sop_id).definition
        target = definition.step(view.step_no).next
        if not isinstance(target, int):
            return None, None
        step = definition.step(target)
        return definition.role(step.pelaksana).name, step.uraian
    except (KeyError, ValueError, LookupError):
        return None, None
