"""Typed answers and files of the input conversation (routed here by ``handlers/messages.py``).

``state`` is the stored position: ``mode`` (one of ``input_flow.MODES``),
``task_id``, ``indicator_id``, ``code``, ``single`` (editing one indicator from
the summary) and, while an echo waits for confirmation, ``pending``/``shown`` and
``concerns`` (the plausibility concern kinds that confirming confirms). After a value below
the kendala threshold, ``required`` names the questions without "Lewati" ("kendala",
"tindak_lanjut") and ``below`` the capaian and threshold they show.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.engine import AlreadyProcessed, EngineError
from bot.services.context import Services
from bot.telegram import input_flow as flow
from bot.telegram.conversation import clear_state
from bot.telegram.services import services_of
from bot.telegram.texts import render
from handlers import input_steps as steps
from handlers.common import member_or_refuse, refuse

Mode = flow.Mode
NOT_EDITABLE = "Indikator ini tidak dapat diubah pada tugas ini."
FILE_NOT_NOW = "Bukti dukung dapat dikirim setelah nilai indikator disimpan."


async def _current(
    update: Update, services: Services, state: dict[str, Any], person_id: int
) -> tuple[steps.Sheet, Any] | None:
    """The task's sheet and the indicator the state points at; None after telling why not."""
    try:
        data = await steps.sheet(services, int(state["task_id"]), person_id)
        line = data.line(int(state["indicator_id"]))
        if line is None or not line.editable:
            raise AlreadyProcessed(NOT_EDITABLE)
    except EngineError as error:
        await _failed(update, services, error)
        return None
    return data, line


async def _failed(update: Update, services: Services, error: EngineError) -> None:
    """A refusal ends the conversation; the drafts already saved stay."""
    if update.effective_user is not None:
        await clear_state(services, update.effective_user.id)
    await refuse(update, error)


async def _save(
    update: Update, services: Services, state: dict[str, Any], person_id: int, **fields: Any
) -> bool:
    found = await _current(update, services, state, person_id)
    if found is None:
        return False
    try:
        await steps.save_async(services, int(state["task_id"]), person_id, found[1], **fields)
    except EngineError as error:
        await _failed(update, services, error)
        return False
    return True


async def on_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, state: dict[str, Any]
) -> None:
    member = await member_or_refuse(update, context)
    message = update.effective_message
    if member is None or message is None:
        return
    services = services_of(context)
    text = message.text or ""
    mode = state.get("mode")
    if mode in (Mode.VALUE, Mode.CONFIRM):
        await _value(update, services, state, member.person_id, text)
        return
    cleaned = flow.clean_text(text)
    if isinstance(cleaned, flow.Refused):
        await _again(update, services, state, cleaned.message)
    elif mode == Mode.NO_DATA:
        if await _save(update, services, state, member.person_id, no_data_reason=cleaned):
            await steps.ask_kendala(update, services, state, "belum ada data")
    elif mode == Mode.KENDALA:
        if await _save(update, services, state, member.person_id, kendala=cleaned):
            await steps.ask_tindak_lanjut(update, services, state)
    elif mode == Mode.TINDAK_LANJUT:
        if await _save(update, services, state, member.person_id, tindak_lanjut=cleaned):
            await steps.ask_evidence(update, services, state)
    elif mode == Mode.EVIDENCE:
        await steps.ask_evidence(update, services, state)


async def _value(
    update: Update, services: Services, state: dict[str, Any], person_id: int, text: str
) -> None:
    """A typed realisasi: refused with the reason and the question again, or echoed."""
    found = await _current(update, services, state, person_id)
    if found is None:
        return
    data, line = found
    single = bool(state.get("single"))
    result = flow.interpret(text, line, flow.rules_of(line))
    if isinstance(result, flow.Refused):
        await steps.ask_value(update, services, data, line, single=single, error=result.message)
        return
    await steps.echo(update, services, state, data, line, result)


async def _again(update: Update, services: Services, state: dict[str, Any], error: str) -> None:
    """An empty kendala, tindak lanjut or reason: the same question with the problem."""
    mode = state.get("mode")
    if mode == Mode.NO_DATA:
        code = state.get("code", "")
        await steps.ask(update, services, state, "input_no_data", None, code=code, error=error)
    elif mode == Mode.KENDALA:
        await steps.ask_kendala(update, services, state, "", error=error)
    elif mode == Mode.TINDAK_LANJUT:
        await steps.ask_tindak_lanjut(update, services, state, error=error)
    else:
        await steps.ask_evidence(update, services, state)


def _evidence(message: Message) -> dict[str, Any] | None:
    if message.photo:
        sizes = list(enumerate(message.photo))  # smallest first; on a tie the later one
        largest = max(sizes, key=lambda s: (s[1].width * s[1].height, s[1].file_size or 0, s[0]))[1]
        return flow.photo_evidence(largest.file_id, largest.file_unique_id)
    if message.document is not None:
        document = message.document
        return flow.document_evidence(document.file_id, document.file_name, document.file_unique_id)
    return None


async def on_file(
    update: Update, context: ContextTypes.DEFAULT_TYPE, state: dict[str, Any]
) -> None:
    """A photo or document as evidence, kept by file id (the file stays on Telegram)."""
    member = await member_or_refuse(update, context)
    message = update.effective_message
    if member is None or message is None:
        return
    services = services_of(context)
    item = _evidence(message)
    if state.get("mode") != Mode.EVIDENCE or item is None:
        await steps.send(update, render("input_refused", message=FILE_NOT_NOW))
        return
    found = await _current(update, services, state, member.person_id)
    if found is None:
        return
    evidence = flow.with_evidence(found[1].evidence, item)
    if await _save(update, services, state, member.person_id, evidence=evidence):
        await steps.ask_evidence(update, services, state, count=len(evidence))
