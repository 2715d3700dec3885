"""The guided indicator input as use cases: one call per update, one unit of work each.

Each function takes the member's Telegram id and what they pressed or typed,
asks the transition table where it leads, lets the engine save the figure, and
stores the next position in the same transaction (``bot.services.turn``). The
handler shows the ``Outcome``. The questions and their order:
``handlers/input.mmd`` (drawn from ``bot/conversation/table.py``).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from bot.conversation.state import (
    AskingEvidence,
    AskingKendala,
    AskingValue,
    Below,
    Confirming,
    InputPosition,
    Mode,
    ReviewReason,
    moved,
)
from bot.conversation.table import NO_FACTS, Effect, Event, Facts, Step
from bot.engine import (
    AlreadyProcessed,
    EngineError,
    IncompleteInput,
    InputLine,
    KendalaRequired,
    NeedsConfirmation,
    actions,
)
from bot.engine.card import Card
from bot.services import input_flow as flow
from bot.services.context import Services
from bot.services.notifications import names_of
from bot.services.turn import Gaps, Outcome, Saved, Submitted, Turn, run_turn, transition

NOT_EDITABLE = "Indikator ini tidak dapat diubah pada tugas ini."
FILE_NOT_NOW = (
    "Bukti dukung dikirim sekali untuk seluruh tugas: setelah indikator terakhir, atau "
    'dengan tombol "Bukti dukung" pada ringkasan.'
)
NOTE_NEEDS_VALUE = "Isi dulu nilai indikator ini (atau alasan belum ada data), lalu catatannya."


# --- small pieces -----------------------------------------------------------------------------
def _open_sheet(turn: Turn, task_id: int) -> Card:
    """The card, refused unless some indicator can still change (done, decided, not input)."""
    turn.require_open(task_id)
    card = turn.card(task_id)
    if not any(line.editable for line in card.lines):
        raise AlreadyProcessed()
    return card


def _editable(card: Card, indicator_id: int | None) -> InputLine:
    line = card.line(indicator_id)
    if line is None or not line.editable:
        raise AlreadyProcessed(NOT_EDITABLE)
    return line


def _input_at(turn: Turn, task_id: int, indicator_id: int | None) -> InputPosition | None:
    """The input position of this task and indicator, if that is where the task waits;
    refused (``TaskEnded``) when the task itself is no longer open."""
    turn.require_open(task_id)
    position = turn.at(task_id)
    if not isinstance(position, InputPosition):  # none, a review's reason, a batch
        return None
    return position if position.indicator_id == indicator_id else None


def _step(turn: Turn, task_id: int, event: Event, facts: Facts = NO_FACTS) -> Step | None:
    """The table's transition for ``event`` from where the task's input waits (a review's
    position on the same task counts as waiting on nothing here)."""
    position = turn.at(task_id)
    if isinstance(position, ReviewReason):
        position = None
    return transition(position, event, facts)


def _ask_value(
    turn: Turn, card: Card, line: InputLine, step: Step, *, single: bool, **more: Any
) -> Outcome:
    assert step.target is Mode.VALUE
    position = AskingValue(
        task_id=card.view.task_id, indicator_id=line.indicator_id, single=single, code=line.code
    )
    turn.move(card.view.task_id, position)
    return turn.outcome(
        effects=step.effects, position=position, ask=True, card=card, line=line, **more
    )


def _summary(turn: Turn, card: Card, step: Step, **more: Any) -> Outcome:
    assert step.target is Mode.IDLE
    turn.move(card.view.task_id, None)
    return turn.outcome(
        effects=step.effects, summary=True, card=card, count=card.evidence_count, **more
    )


# issue 16: notes only where they matter, evidence once per task ------------------------------
def _after_indicator(
    turn: Turn,
    position: InputPosition,
    event: Event,
    facts: Facts,
    saved: Saved | None,
    **more: Any,
) -> Outcome:
    """An indicator is done: the next one still empty, else the task's evidence (asked once,
    while none was sent), else the summary. A single edit goes back to the summary."""
    card = turn.card(position.task_id)
    line = None if position.single else flow.next_line(card.lines, position.indicator_id)
    due = not position.single and line is None and card.evidence_count == 0
    found = transition(
        position, event, replace(facts, more_to_fill=line is not None, evidence_due=due)
    )
    if found is None:
        return turn.outcome()
    if found.target is Mode.VALUE:
        assert line is not None
        return _ask_value(turn, card, line, found, single=False, saved=saved, **more)
    if found.target is Mode.EVIDENCE:
        evidence = moved(position, Mode.EVIDENCE, required=(), below=None)
        return _ask(turn, evidence, found, saved=saved, count=card.evidence_count, **more)
    return _summary(turn, card, found, saved=saved, **more)


def _ask(turn: Turn, position: InputPosition, step: Step, **more: Any) -> Outcome:
    assert step.target is position.mode
    turn.move(position.task_id, position)
    return turn.outcome(effects=step.effects, position=position, ask=True, **more)


def _refused(turn: Turn, task_id: int, error: EngineError) -> Outcome:
    """The engine refused in the middle: the position ends, the drafts already saved stay."""
    turn.rollback()
    found = _step(turn, task_id, Event.REFUSED)
    if found is not None:
        turn.move(task_id, None)
    effects = found.effects if found is not None else (Effect.TELL_REFUSAL,)
    return turn.outcome(effects=effects, refusal=error)


def _save(turn: Turn, card: Card, line: InputLine, **fields: Any) -> None:
    """A new revision; the value (or no-data reason) is repeated since the engine requires it."""
    if "value" not in fields and "no_data_reason" not in fields:
        if line.value is not None:
            fields["value"] = line.value
        else:
            fields["no_data_reason"] = line.no_data_reason
    confirmed = frozenset(fields.pop("confirmed", ()))
    for name in ("value", "no_data_reason", "kendala", "tindak_lanjut", "evidence"):
        fields.setdefault(name, None)
    actions.save_value(
        turn.uow,
        card.view.task_id,
        turn.member.person_id,
        line.indicator_id,
        now=turn.now,
        confirmed=confirmed,
        **fields,
    )


def required_notes(line: InputLine, value: Decimal, capaian: str | None) -> dict[str, Any]:
    """For a value below the kendala threshold: the notes that must be typed (those the
    indicator does not have yet) and the figures the questions show."""
    if not flow.kendala_required(line, value, flow.rules_of(line)):
        return {"required": (), "below": None}
    needed = tuple(
        name
        for name, have in (("kendala", line.kendala), ("tindak_lanjut", line.tindak_lanjut))
        if not (have or "").strip()
    )
    return {
        "required": needed,
        "below": Below(capaian=capaian, threshold=flow.threshold_text(line)),
    }


def _submitted(turn: Turn, card: Card, holders: list[int]) -> Submitted:
    """Where the work went: the step after this one and the names of who holds it now."""
    role, uraian = _next_step(turn.services, card)
    return Submitted(role, uraian, names_of(turn.uow, holders))


def _next_step(services: Services, card: Card) -> tuple[str | None, str | None]:
    """(role, uraian) of the step the work goes to after this one, when the SOP says simply."""
    try:
        definition = services.catalog.get(card.view.sop_id).definition
        target = definition.step(card.view.step_no).next
        if not isinstance(target, int):
            return None, None
        following = definition.step(target)
        return " / ".join(definition.role(key).name for key in following.roles), following.title
    except (KeyError, ValueError, LookupError):
        return None, None


# --- buttons ----------------------------------------------------------------------------------
def fill(services: Services, user_id: int, task_id: int) -> Outcome:
    """ "Isi data": the first indicator that still needs a value, or the summary."""

    def body(turn: Turn) -> Outcome:
        card = _open_sheet(turn, task_id)
        line = flow.next_line(card.lines)
        step = _step(turn, task_id, Event.FILL, Facts(more_to_fill=line is not None))
        assert step is not None
        if line is None:
            return _summary(turn, card, step)
        return _ask_value(turn, card, line, step, single=False)

    return run_turn(services, user_id, body)


def edit(services: Services, user_id: int, task_id: int, indicator_id: int | None) -> Outcome:
    """ "Ubah KODE": that one indicator again, then back to the summary."""

    def body(turn: Turn) -> Outcome:
        card = _open_sheet(turn, task_id)
        line = card.line(indicator_id)
        step = _step(turn, task_id, Event.EDIT, Facts(editable=bool(line and line.editable)))
        if line is None or step is None:
            return turn.outcome(notice=NOT_EDITABLE)
        return _ask_value(turn, card, line, step, single=True)

    return run_turn(services, user_id, body)


def summary(services: Services, user_id: int, task_id: int) -> Outcome:
    """ "Ringkasan": every indicator and what is missing; the input waits on nothing."""

    def body(turn: Turn) -> Outcome:
        card = _open_sheet(turn, task_id)
        step = _step(turn, task_id, Event.SUMMARY)
        assert step is not None
        return _summary(turn, card, step)

    return run_turn(services, user_id, body)


def no_data(services: Services, user_id: int, task_id: int, indicator_id: int | None) -> Outcome:
    """ "Belum ada data": ask why there is no figure yet."""

    def body(turn: Turn) -> Outcome:
        position = _input_at(turn, task_id, indicator_id)
        step = transition(position, Event.NO_DATA)
        if position is None or step is None:
            return turn.outcome()  # an old question's button: the conversation moved on
        return _ask(turn, moved(position, step.target), step)

    return run_turn(services, user_id, body)


def retype(services: Services, user_id: int, task_id: int, indicator_id: int | None) -> Outcome:
    """ "Ketik ulang": the echo was wrong; the same question again."""

    def body(turn: Turn) -> Outcome:
        position = _input_at(turn, task_id, indicator_id)
        step = transition(position, Event.RETYPE)
        if position is None or step is None:
            return turn.outcome()
        card = _open_sheet(turn, task_id)
        line = card.line(indicator_id)
        if line is None:
            return turn.outcome()
        return _ask_value(turn, card, line, step, single=position.single)

    return run_turn(services, user_id, body)


def confirm(services: Services, user_id: int, task_id: int, indicator_id: int | None) -> Outcome:
    """ "Benar, simpan": the figure saved and the next question stored, in one transaction."""

    def body(turn: Turn) -> Outcome:
        position = _input_at(turn, task_id, indicator_id)
        if not isinstance(position, Confirming):
            return turn.outcome()  # pressed twice, or an old echo: already saved or replaced
        try:
            card = turn.card(task_id)
            line = _editable(card, indicator_id)
            _save(turn, card, line, value=position.pending, confirmed=position.concerns)
        except NeedsConfirmation:
            # Something changed since the echo (another quarter's figure): echo again.
            turn.rollback()
            card = turn.card(task_id)
            line = _editable(card, indicator_id)
            rules = flow.rules_of(line)
            understood = flow.understood(line, position.pending, position.shown, rules)
            again = transition(position, Event.CONFIRM, Facts(saved=False))
            assert again is not None
            return _echo(turn, position, card, line, understood, again, clear_buttons=True)
        except EngineError as error:
            return _refused(turn, task_id, error)
        understood = flow.understood(line, position.pending, position.shown, flow.rules_of(line))
        notes = required_notes(line, position.pending, understood.capaian)
        if notes["required"]:
            facts = Facts(saved=True, required=frozenset(notes["required"]))
            found = transition(position, Event.CONFIRM, facts)
            assert found is not None and found.target is Mode.KENDALA
            kendala = moved(position, found.target, **notes)
            return _ask(turn, kendala, found, shown=position.shown, clear_buttons=True)
        saved = Saved(line.indicator_id, line.code, position.shown)
        return _after_indicator(
            turn, position, Event.CONFIRM, Facts(saved=True), saved, clear_buttons=True
        )

    return run_turn(services, user_id, body)


def _echo(
    turn: Turn,
    position: InputPosition,
    card: Card,
    line: InputLine,
    understood: flow.Understood,
    step: Step,
    **more: Any,
) -> Outcome:
    assert step.target is Mode.CONFIRM
    confirming = Confirming(
        **position.model_dump(include={"task_id", "indicator_id", "code", "single"}),
        pending=understood.value,
        shown=understood.shown,
        concerns=tuple(understood.concern_kinds),
    )
    turn.move(position.task_id, confirming)
    return turn.outcome(
        effects=step.effects,
        position=confirming,
        ask=True,
        card=card,
        line=line,
        understood=understood,
        **more,
    )


def skip(services: Services, user_id: int, task_id: int, indicator_id: int | None) -> Outcome:
    """ "Lewati" / "Lanjut": no kendala / no tindak lanjut / no (more) evidence."""

    def body(turn: Turn) -> Outcome:
        position = _input_at(turn, task_id, indicator_id)
        if position is None:
            return turn.outcome()
        if position.mode is Mode.EVIDENCE:
            card = turn.card(task_id)
            line = None if position.single else flow.next_line(card.lines, indicator_id)
            found = transition(position, Event.SKIP, Facts(more_to_fill=line is not None))
            assert found is not None
            if line is None:
                return _summary(turn, card, found)
            return _ask_value(turn, card, line, found, single=False)
        required = frozenset(position.required)
        if position.mode is Mode.TINDAK_LANJUT:
            if position.requires("tindak_lanjut"):
                return turn.outcome()  # no button then: an old or forged press
            return _after_indicator(turn, position, Event.SKIP, Facts(required=required), None)
        found = transition(position, Event.SKIP, Facts(required=required))
        if found is None:
            return turn.outcome()  # no button then: an old or forged press
        return _ask(turn, moved(position, found.target), found)

    return run_turn(services, user_id, body)


def note(services: Services, user_id: int, task_id: int, indicator_id: int | None) -> Outcome:
    """ "Tambah catatan": kendala and tindak lanjut for an indicator that does not need them
    (issue 16: asked only where required, or when the person asks)."""

    def body(turn: Turn) -> Outcome:
        card = _open_sheet(turn, task_id)
        line = card.line(indicator_id)
        if line is not None and line.editable and not line.filled:
            return turn.outcome(notice=NOTE_NEEDS_VALUE)
        step = _step(turn, task_id, Event.NOTE, Facts(editable=bool(line and line.editable)))
        if line is None or step is None:
            return turn.outcome(notice=NOT_EDITABLE)
        position = AskingKendala(task_id=task_id, indicator_id=line.indicator_id, code=line.code)
        return _ask(turn, position, step, shown=flow.shown_value(line) or "", noting=True)

    return run_turn(services, user_id, body)


def evidence(services: Services, user_id: int, task_id: int) -> Outcome:
    """ "Bukti dukung" on the summary: the task's evidence question, then the summary."""

    def body(turn: Turn) -> Outcome:
        card = _open_sheet(turn, task_id)
        step = _step(turn, task_id, Event.EVIDENCE)
        first = next((line for line in card.lines if line.editable), None)
        if step is None or first is None:
            return turn.outcome()
        position = AskingEvidence(
            task_id=task_id, indicator_id=first.indicator_id, code=first.code, single=True
        )
        return _ask(turn, position, step, count=card.evidence_count)

    return run_turn(services, user_id, body)


def submit(services: Services, user_id: int, task_id: int) -> Outcome:
    """ "Kirim": finish the input step; what is missing comes back with buttons to fill it."""

    def body(turn: Turn) -> Outcome:
        card = _open_sheet(turn, task_id)
        kept = _step(turn, task_id, Event.SUBMIT, Facts(complete=False))
        assert kept is not None and kept.effects == (Effect.SHOW_GAPS,)
        try:
            # The reply names who has the work now: the outbox does not say it a second time.
            following = actions.complete_task(
                turn.uow, task_id, turn.member.person_id, now=turn.now, tell_doer=False
            )
        except IncompleteInput as error:
            turn.rollback()
            gaps = flow.missing(card.lines)
            names = tuple(f"{line.code} {line.name}" for line in gaps) or tuple(error.missing)
            found = Gaps("incomplete", task_id, tuple(gaps), names)
            return turn.outcome(effects=kept.effects, gaps=found)
        except KendalaRequired as error:
            turn.rollback()
            lacking = flow.lacking_kendala(card.lines)
            names = tuple(f"{line.code} {line.name}" for line in lacking) or tuple(error.missing)
            threshold = flow.limit_text(error.threshold)
            gaps = Gaps("kendala", task_id, tuple(lacking), names, threshold)
            return turn.outcome(effects=kept.effects, gaps=gaps)
        sent = _step(turn, task_id, Event.SUBMIT, Facts(complete=True))
        assert sent is not None and sent.target is Mode.IDLE
        turn.move(task_id, None)
        return turn.outcome(
            effects=sent.effects,
            card=card,
            submitted=_submitted(turn, card, following),
            clear_buttons=True,
            notify=True,
        )

    return run_turn(services, user_id, body)


# --- typed text and files ----------------------------------------------------------------------
def text_typed(turn: Turn, position: InputPosition, text: str) -> Outcome:
    """A typed answer to the input question ``position`` (called within the update's turn)."""
    task_id = position.task_id
    if position.mode in (Mode.VALUE, Mode.CONFIRM):
        try:
            card = turn.card(task_id)
            line = _editable(card, position.indicator_id)
        except EngineError as error:
            return _refused(turn, task_id, error)
        result = flow.interpret(text, line, flow.rules_of(line))
        understood = not isinstance(result, flow.Refused)
        found = transition(position, Event.VALUE_TYPED, Facts(understood=understood))
        assert found is not None
        if isinstance(result, flow.Refused):
            error = result.message
            return _ask_value(turn, card, line, found, single=position.single, error=error)
        return _echo(turn, position, card, line, result, found)
    cleaned = flow.clean_text(text)
    ok = not isinstance(cleaned, flow.Refused)
    found = transition(position, Event.TEXT_TYPED, Facts(text_ok=ok))
    assert found is not None
    if position.mode is Mode.EVIDENCE:
        return _ask(turn, position, found)  # text where a file is awaited: the question again
    if isinstance(cleaned, flow.Refused):
        # The question again, saying the saved figure as the first time it was asked.
        try:
            line = turn.card(task_id).line(position.indicator_id)
        except EngineError as error:
            return _refused(turn, task_id, error)
        shown = (flow.shown_value(line) if line is not None else None) or ""
        return _ask(turn, position, found, error=cleaned.message, shown=shown)
    field = {
        Mode.NO_DATA: "no_data_reason",
        Mode.KENDALA: "kendala",
        Mode.TINDAK_LANJUT: "tindak_lanjut",
    }[position.mode]
    try:
        card = turn.card(task_id)
        line = _editable(card, position.indicator_id)
        _save(turn, card, line, **{field: cleaned})
    except EngineError as error:
        return _refused(turn, task_id, error)
    if position.mode is Mode.NO_DATA:
        saved = Saved(line.indicator_id, line.code, "belum ada data")
        return _after_indicator(turn, position, Event.TEXT_TYPED, Facts(text_ok=True), saved)
    if position.mode is Mode.TINDAK_LANJUT:
        return _after_indicator(turn, position, Event.TEXT_TYPED, Facts(text_ok=True), None)
    return _ask(turn, moved(position, found.target), found)


def file_sent(turn: Turn, position: InputPosition, item: dict[str, Any] | None) -> Outcome:
    """A photo or document as evidence, kept by file id (the file stays on Telegram)."""
    found = transition(position, Event.FILE_SENT)
    assert found is not None
    if position.mode is not Mode.EVIDENCE or item is None:
        return turn.outcome(effects=found.effects, notice=FILE_NOT_NOW)
    task_id = position.task_id
    try:
        actions.add_task_evidence(turn.uow, task_id, turn.member.person_id, item, now=turn.now)
        card = turn.card(task_id)
    except EngineError as error:
        return _refused(turn, task_id, error)
    return _ask(turn, position, found, count=card.evidence_count)


# --- shared with bot.services.batch_input (issue 16: many figures at once) ---------------------
open_sheet = _open_sheet
step_of = _step
refused = _refused
