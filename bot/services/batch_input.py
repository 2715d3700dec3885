"""Many figures at once: typed in one message, or the Excel input sheet sent back (issue 16).

Each use case is one update in one unit of work (``bot.services.turn``): the
figures read are kept in the task's position (``ConfirmingBatch``) until the
one "Simpan semua", which saves every one of them through the engine's
``save_value`` (so its plausibility rules apply: a figure with a concern is
saved only because the confirmation named it). A later message adds to the
figures kept, so only what was missing or unreadable needs typing again.

``read_sheet`` and ``save_figures`` take a unit of work, so ``sopbot task input
--file`` reads and saves a returned sheet exactly as the chat does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.conversation.state import (
    AskingBatch,
    ConfirmingBatch,
    InputPosition,
    Mode,
    PendingFigure,
    ReviewReason,
)
from bot.conversation.table import Event, Facts
from bot.domain.batch_entry import names_indicators, read_batch
from bot.engine import EngineError, NeedsConfirmation, actions
from bot.engine.card import Card, read_card
from bot.engine.inputs import InputLine
from bot.engine.service import open_tasks_in
from bot.imports.input_sheet import (
    NotInputSheet,
    SheetRow,
    file_name,
    open_book,
    read_meta,
    read_rows,
    realisasi_text,
    stale_reason,
    write_input_sheet,
)
from bot.imports.problems import ImportFailed, Location, Problems
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services import guided_input
from bot.services import input_flow as flow
from bot.services.bulk_view import BulkKind, BulkShown, ListedIndicator, ReadFigure, UnreadPiece
from bot.services.context import Services
from bot.services.turn import Outcome, Turn, run_turn, transition

NOT_EDITABLE = "not_editable"
VALUE = "value"


def read_value(text: str, line: InputLine) -> flow.Understood | flow.Refused:
    """The one place a batch reads a realisation text, with the single input's rules."""
    return flow.interpret(text, line, flow.rules_of(line))


# --- what the echo shows ------------------------------------------------------------------------
def pending(line: InputLine, understood: flow.Understood, **notes: str | None) -> PendingFigure:
    return PendingFigure(
        indicator_id=line.indicator_id,
        code=line.code,
        value=understood.value,
        shown=understood.shown,
        concerns=tuple(understood.concern_kinds),
        **notes,
    )


def read_figure(line: InputLine, figure: PendingFigure) -> ReadFigure:
    """A kept figure as the echo shows it, its capaian and warnings worked out again."""
    understood = flow.understood(line, figure.value, figure.shown, flow.rules_of(line))
    kendala = figure.kendala or line.kendala
    tindak_lanjut = figure.tindak_lanjut or line.tindak_lanjut
    required = flow.kendala_required(line, figure.value, flow.rules_of(line))
    return ReadFigure(
        code=line.code,
        name=line.name,
        satuan=line.satuan,
        shown=figure.shown,
        target=flow.prompt_context([line], line)["target"],
        capaian=understood.capaian,
        capaian_reason=understood.capaian_reason,
        category=understood.category,
        concerns=tuple(c.message(line.precision) for c in understood.concerns),
        kendala=figure.kendala,
        tindak_lanjut=figure.tindak_lanjut,
        kendala_required=required and not ((kendala or "").strip() and (tindak_lanjut or "")),
        threshold=flow.threshold_text(line),
    )


def refreshed(card: Card, figures: Iterable[PendingFigure]) -> tuple[PendingFigure, ...]:
    """The figures with the concerns the card's checks raise now, in the sheet's order."""
    by_id = {figure.indicator_id: figure for figure in figures}
    found = []
    for line in card.lines:
        figure = by_id.get(line.indicator_id)
        if figure is not None:
            understood = flow.understood(line, figure.value, figure.shown, flow.rules_of(line))
            found.append(figure.model_copy(update={"concerns": tuple(understood.concern_kinds)}))
    return tuple(found)


def echo(
    card: Card,
    figures: Sequence[PendingFigure],
    unread: Sequence[UnreadPiece] = (),
    *,
    from_sheet: bool = False,
    changed: bool = False,
) -> BulkShown:
    by_id = {figure.indicator_id: figure for figure in figures}
    shown = tuple(
        read_figure(line, by_id[line.indicator_id])
        for line in card.lines
        if line.indicator_id in by_id
    )
    missing = tuple(
        line.code
        for line in card.lines
        if line.editable and not line.filled and line.indicator_id not in by_id
    )
    return BulkShown(
        card.view.task_id,
        BulkKind.ECHO,
        figures=shown,
        unread=tuple(unread),
        missing=missing,
        from_sheet=from_sheet,
        period=card.view.period_label,
        unit_name=card.view.unit_name,
        changed=changed,
    )


def listed(card: Card) -> tuple[ListedIndicator, ...]:
    """The sheet's numbering: every indicator of the task, in order, from 1."""
    return tuple(
        ListedIndicator(
            number=number,
            code=line.code,
            name=line.name,
            satuan=line.satuan,
            target=flow.prompt_context([line], line)["target"],
            current=flow.shown_value(line),
            editable=line.editable,
        )
        for number, line in enumerate(card.lines, start=1)
    )


# --- typed: several figures in one message ------------------------------------------------------
def names_several(turn: Turn, position: InputPosition, text: str) -> bool:
    """Whether text typed at a value question is a batch (codes or numbers, several pieces)."""
    if position.mode not in (Mode.VALUE, Mode.CONFIRM):
        return False
    try:
        card = turn.card(position.task_id)
    except EngineError:
        return False
    return names_indicators(text, [line.code for line in card.lines])


def batch_typed(
    turn: Turn, position: InputPosition | AskingBatch | ConfirmingBatch, text: str
) -> Outcome:
    """A message with several figures: read each, keep the good ones, say why not the others."""
    task_id = position.task_id
    try:
        card = guided_input.open_sheet(turn, task_id)
    except EngineError as error:
        return guided_input.refused(turn, task_id, error)
    kept = (
        {f.indicator_id: f for f in position.figures}
        if isinstance(position, ConfirmingBatch)
        else {}
    )
    unread: list[UnreadPiece] = []
    batch = read_batch(text, [line.code for line in card.lines])
    unread += [UnreadPiece(u.number, u.text, u.reason.value, u.detail) for u in batch.unread]
    by_code = {line.code: line for line in card.lines}
    for piece in batch.pieces:
        line = by_code[piece.code]
        if not line.editable:
            unread.append(UnreadPiece(piece.number, piece.text, NOT_EDITABLE, line.code))
            continue
        result = read_value(piece.value_text, line)
        if isinstance(result, flow.Refused):
            unread.append(UnreadPiece(piece.number, piece.text, VALUE, line.code, result.message))
            continue
        kept[line.indicator_id] = pending(line, result)
    unread.sort(key=lambda u: u.number)
    step = transition(position, Event.BATCH_TYPED, Facts(understood=bool(kept)))
    assert step is not None
    figures = refreshed(card, kept.values())
    from_sheet = isinstance(position, ConfirmingBatch) and position.from_sheet
    if kept:
        turn.move(task_id, ConfirmingBatch(task_id=task_id, figures=figures, from_sheet=from_sheet))
    shown = echo(card, figures, unread, from_sheet=from_sheet)
    return turn.outcome(effects=step.effects, bulk=shown)


# --- buttons --------------------------------------------------------------------------------------
def ask(services: Services, user_id: int, task_id: int) -> Outcome:
    """ "Isi sekaligus": the numbered list; the next message may carry every figure."""

    def body(turn: Turn) -> Outcome:
        card = guided_input.open_sheet(turn, task_id)
        step = guided_input.step_of(turn, task_id, Event.BATCH)
        assert step is not None
        turn.move(task_id, AskingBatch(task_id=task_id))
        shown = BulkShown(
            task_id,
            BulkKind.ASK,
            listed=listed(card),
            period=card.view.period_label,
            unit_name=card.view.unit_name,
        )
        return turn.outcome(effects=step.effects, bulk=shown)

    return run_turn(services, user_id, body)


def retype(services: Services, user_id: int, task_id: int) -> Outcome:
    """ "Ulangi": the figures read are dropped; the list again."""

    def body(turn: Turn) -> Outcome:
        if not isinstance(turn.at(task_id), ConfirmingBatch):
            return turn.outcome()
        return _asked_again(turn, task_id)

    return run_turn(services, user_id, body)


def _asked_again(turn: Turn, task_id: int) -> Outcome:
    card = guided_input.open_sheet(turn, task_id)
    step = guided_input.step_of(turn, task_id, Event.RETYPE)
    assert step is not None
    turn.move(task_id, AskingBatch(task_id=task_id))
    shown = BulkShown(task_id, BulkKind.ASK, listed=listed(card), period=card.view.period_label)
    return turn.outcome(effects=step.effects, bulk=shown, clear_buttons=True)


def sheet(services: Services, user_id: int, task_id: int) -> Outcome:
    """ "Lembar Excel": the unit's input sheet for this task and round, as a document."""

    def body(turn: Turn) -> Outcome:
        card = guided_input.open_sheet(turn, task_id)
        step = guided_input.step_of(turn, task_id, Event.SHEET)
        assert step is not None
        content = sheet_bytes(turn.uow, card, turn.member.organisation_id, turn.now)
        shown = BulkShown(
            task_id,
            BulkKind.SHEET,
            content=content,
            file_name=file_name(card.view),
            period=card.view.period_label,
            unit_name=card.view.unit_name,
        )
        return turn.outcome(effects=step.effects, bulk=shown)

    return run_turn(services, user_id, body)


def sheet_bytes(uow: SqlAlchemyUnitOfWork, card: Card, org_id: int, now: datetime) -> bytes:
    org = uow.orgs.organisation_by_id(org_id)
    name = org.name if org is not None else ""
    return write_input_sheet(card.view, card.lines, org_id=org_id, org_name=name, now=now)


def save(services: Services, user_id: int, task_id: int) -> Outcome:
    """ "Simpan semua": every figure kept, saved in one transaction; then the summary."""

    def body(turn: Turn) -> Outcome:
        position = turn.at(task_id)
        if not isinstance(position, ConfirmingBatch):
            return turn.outcome()  # pressed twice, or an old echo
        try:
            save_figures(turn.uow, task_id, turn.member.person_id, turn.now, position.figures)
        except NeedsConfirmation:
            # A check changed since the echo (another figure saved meanwhile): echo again.
            turn.rollback()
            card = turn.card(task_id)
            figures = refreshed(card, position.figures)
            again = transition(position, Event.SAVE_BATCH, Facts(saved=False))
            assert again is not None
            turn.move(task_id, position.model_copy(update={"figures": figures}))
            shown = echo(card, figures, from_sheet=position.from_sheet, changed=True)
            return turn.outcome(effects=again.effects, bulk=shown, clear_buttons=True)
        except EngineError as error:
            return guided_input.refused(turn, task_id, error)
        found = transition(position, Event.SAVE_BATCH, Facts(saved=True))
        assert found is not None
        turn.move(task_id, None)
        card = turn.card(task_id)
        shown = BulkShown(task_id, BulkKind.SAVED, saved=len(position.figures))
        return turn.outcome(
            effects=found.effects, bulk=shown, summary=True, card=card, clear_buttons=True
        )

    return run_turn(services, user_id, body)


def save_figures(
    uow: SqlAlchemyUnitOfWork,
    task_id: int,
    person_id: int,
    now: datetime,
    figures: Iterable[PendingFigure],
) -> None:
    """Each figure through the engine's ``save_value``, its concerns confirmed by name."""
    for figure in figures:
        actions.save_value(
            uow,
            task_id,
            person_id,
            figure.indicator_id,
            now=now,
            value=figure.value,
            no_data_reason=None,
            kendala=figure.kendala,
            tindak_lanjut=figure.tindak_lanjut,
            evidence=None,
            confirmed=frozenset(figure.concerns),
        )


# --- a document: the input sheet back, or evidence ----------------------------------------------
@dataclass
class SheetRead:
    """A returned sheet read against its task: the figures, or why none are taken."""

    task_id: int | None = None
    card: Card | None = None
    figures: tuple[PendingFigure, ...] = ()
    stale: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.stale is None and not self.problems


def read_sheet(
    uow: SqlAlchemyUnitOfWork, person_id: int, org_id: int, now: datetime, content: bytes
) -> SheetRead:
    """The figures of a returned sheet, all or nothing (``NotInputSheet``: not our sheet)."""
    book = open_book(content)
    meta = read_meta(book)
    if meta.org_id != org_id:
        return SheetRead(stale="Lembar ini dari organisasi lain; tidak ada yang dibaca.")
    try:
        card = read_card(uow, meta.task_id, person_id, now)
    except EngineError as error:
        return SheetRead(meta.task_id, stale=f"Tugas #{meta.task_id} pada lembar ini: {error}")
    task_open = any(line.editable for line in card.lines)
    reason = stale_reason(
        meta,
        card.view,
        org_id=org_id,
        task_open=task_open,
        open_tasks=open_tasks_in(uow, person_id, now) if not task_open else (),
    )
    if reason is not None:
        return SheetRead(meta.task_id, card, stale=reason)
    problems = Problems()
    rows = read_rows(book, problems)
    figures = _figures(rows, card, problems)
    if not problems and not figures:
        problems.add(Location(sheet="Isian"), "Realisasi", _NOTHING)
    if problems:
        return SheetRead(
            meta.task_id, card, problems=ImportFailed(problems.items).report().split("\n")
        )
    return SheetRead(meta.task_id, card, refreshed(card, figures))


_NOTHING = "tidak ada realisasi yang diisi atau diubah"


def _figures(rows: Sequence[SheetRow], card: Card, problems: Problems) -> list[PendingFigure]:
    """Every changed row as a figure; each problem named by sheet, row and column."""
    by_code = {line.code.upper(): line for line in card.lines}
    seen: dict[str, int | None] = {}
    figures: list[PendingFigure] = []
    for row in rows:
        line = by_code.get(row.code.upper())
        if line is None:
            row.record.fail("kode", f"kode {row.code} tidak ada di tugas ini")
            continue
        if line.code in seen:
            row.record.fail("kode", f"{line.code} sudah ada di baris {seen[line.code]}")
            continue
        seen[line.code] = row.record.location.row
        figure = _figure(row, line)
        if figure is not None:
            figures.append(figure)
    return figures


def _figure(row: SheetRow, line: InputLine) -> PendingFigure | None:
    notes = {"kendala": row.kendala, "tindak_lanjut": row.tindak_lanjut}
    for column, text in notes.items():
        if text is not None and len(text) > flow.MAX_TEXT:
            row.record.fail(column, f"teks terlalu panjang (maksimal {flow.MAX_TEXT} karakter)")
            return None
    if row.realisasi is None:
        if not any(notes.values()) or _same_notes(line, notes):
            return None
        if line.value is None:
            row.record.fail("realisasi", "isi realisasinya juga (kendala tanpa nilai)")
            return None
        typed = realisasi_text(line.value)
    else:
        typed = realisasi_text(row.realisasi)
    result = read_value(typed, line)
    if isinstance(result, flow.Refused):
        row.record.fail("realisasi", f"'{typed}': {result.message}")
        return None
    if result.value == line.value and _same_notes(line, notes):
        return None  # unchanged (the sheet is written with the current drafts)
    if not line.editable:
        row.record.fail("realisasi", "indikator ini tidak dapat diubah pada tugas ini")
        return None
    return pending(line, result, **notes)


def _same_notes(line: InputLine, notes: dict[str, str | None]) -> bool:
    return (notes["kendala"] or None) == (line.kendala or None) and (
        notes["tindak_lanjut"] or None
    ) == (line.tindak_lanjut or None)


def sheet_or_evidence(turn: Turn, content: bytes | None, item: dict[str, Any] | None) -> Outcome:
    """A document: the input sheet back (read, echoed), else evidence where one is awaited."""
    try:
        if content is None:
            raise NotInputSheet("no content")
        found = read_sheet(
            turn.uow, turn.member.person_id, turn.member.organisation_id, turn.now, content
        )
    except NotInputSheet:
        return _as_evidence(turn, item)
    return _sheet_outcome(turn, found)


def _as_evidence(turn: Turn, item: dict[str, Any] | None) -> Outcome:
    position = turn.current
    if position is None or isinstance(position, ReviewReason):
        return turn.outcome(idle_text=True)
    if isinstance(position, AskingBatch | ConfirmingBatch):
        return file_not_now(turn, position)
    return guided_input.file_sent(turn, position, item)


def file_not_now(turn: Turn, position: AskingBatch | ConfirmingBatch) -> Outcome:
    """A photo or another file while figures are awaited: evidence comes after them."""
    step = transition(position, Event.FILE_SENT)
    assert step is not None
    return turn.outcome(effects=step.effects, notice=guided_input.FILE_NOT_NOW)


def _sheet_outcome(turn: Turn, found: SheetRead) -> Outcome:
    task_id = found.task_id
    position = turn.at(task_id) if task_id is not None else None
    if isinstance(position, ReviewReason):
        position = None
    step = transition(position, Event.SHEET_SENT, Facts(understood=found.ok))
    assert step is not None
    if not found.ok or found.card is None or task_id is None:
        shown = BulkShown(
            task_id or 0, BulkKind.REFUSED, stale=found.stale, problems=tuple(found.problems)
        )
        return turn.outcome(effects=step.effects, bulk=shown)
    turn.move(task_id, ConfirmingBatch(task_id=task_id, figures=found.figures, from_sheet=True))
    shown = echo(found.card, found.figures, from_sheet=True)
    return turn.outcome(effects=step.effects, bulk=shown)
