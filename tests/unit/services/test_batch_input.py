"""Many figures at once against the in-memory unit of work: one message (or one returned
sheet) read, its figures kept in the position, saved together by one confirmation through
the engine's ``save_value``; a stale or broken sheet refused with the reason."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from bot.conversation.state import AskingBatch, ConfirmingBatch
from bot.conversation.table import TABLE, Effect
from bot.persistence.models import MeasurementState
from bot.services import batch_input, conversation, guided_input
from bot.services.bulk_view import BulkKind
from bot.services.turn import Outcome
from tests.integration.engine_helpers import fill_all, finish, single_task
from tests.unit.services.conftest import SOP, World, prepared

ONE, TWO = "BID-IWK-01", "BID-IWK-02"


def _input_task(world: World, period: str = "2026-TW3") -> int:
    """The analis's input task of a run started for BID-IWK in ``period``."""
    return prepared(world, f"batch_input._input_task {period}", lambda w: _reach(w, period))


def _reach(world: World, period: str) -> int:
    engine, clock, people = world.services.engine, world.clock, world.people
    engine.start_run(SOP, world.slug, period, now=clock.now, unit="BID-IWK")
    finish(engine, people["kabid"], 1, clock.advance(minutes=5))
    finish(engine, people["kasubid"], 2, clock.advance(minutes=5))
    return single_task(engine, people["analis"], clock.now, 3)


def _values(world: World, task: int, who: str = "analis") -> dict[str, Decimal | None]:
    lines = world.services.engine.input_sheet(task, world.people[who], now=world.clock.now)
    return {line.code: line.value for line in lines}


def _position(world: World, who: str = "analis") -> Any:
    return conversation.conversation_of(world.services, world.chat_of(who)).current


def _in_table(outcome: Outcome) -> None:
    assert outcome.refusal is None, outcome.refusal
    assert outcome.effects in {t.effects for t in TABLE}, outcome.effects


def test_one_message_with_every_figure_and_one_confirmation(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    guided_input.fill(services, chat, task)  # at the first value question
    read = conversation.text_typed(services, chat, f"{ONE} 95; {TWO} 97,5")
    _in_table(read)
    assert read.effects == (Effect.ECHO_BATCH,)
    assert read.bulk is not None and [f.code for f in read.bulk.figures] == [ONE, TWO]
    assert read.bulk.figures[1].shown == "97,5" and read.bulk.figures[1].capaian == "97,50%"
    assert isinstance(_position(world), ConfirmingBatch)
    assert _values(world, task) == {ONE: None, TWO: None}  # nothing saved before "Simpan semua"
    saved = batch_input.save(services, chat, task)
    _in_table(saved)
    assert saved.summary and saved.bulk is not None and saved.bulk.saved == 2
    assert _values(world, task) == {ONE: Decimal(95), TWO: Decimal("97.5")}
    assert _position(world) is None
    assert batch_input.save(services, chat, task).effects == ()  # a second press: nothing
    assert guided_input.submit(services, chat, task).submitted is not None


def test_unreadable_pieces_are_named_the_good_kept_and_only_the_rest_asked(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    asked = batch_input.ask(services, chat, task)
    _in_table(asked)
    assert asked.bulk is not None and asked.bulk.kind is BulkKind.ASK
    assert [(row.number, row.code) for row in asked.bulk.listed] == [(1, ONE), (2, TWO)]
    assert isinstance(_position(world), AskingBatch)
    first = conversation.text_typed(services, chat, f"{ONE} 95\nBID-IWK-09 3\n2. sepuluh")
    assert first.bulk is not None
    assert [f.code for f in first.bulk.figures] == [ONE]
    assert [(u.number, u.reason) for u in first.bulk.unread] == [(2, "unknown_code"), (3, "value")]
    assert "sepuluh" in first.bulk.unread[1].text and first.bulk.unread[1].message
    assert first.bulk.missing == (TWO,)
    rest = conversation.text_typed(services, chat, "2. 97")
    assert rest.bulk is not None and [f.code for f in rest.bulk.figures] == [ONE, TWO]
    assert rest.bulk.unread == () and rest.bulk.missing == ()
    batch_input.save(services, chat, task)
    assert _values(world, task) == {ONE: Decimal(95), TWO: Decimal(97)}


def test_a_message_with_nothing_readable_keeps_the_question(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    guided_input.fill(services, chat, task)
    nothing = conversation.text_typed(services, chat, "BID-IWK-07 12; 9. 5")
    _in_table(nothing)
    assert nothing.bulk is not None and nothing.bulk.figures == () and len(nothing.bulk.unread) == 2
    assert _position(world).mode.value == "input_value"
    single = conversation.text_typed(services, chat, "95")  # a bare figure: the single path
    assert single.understood is not None and single.bulk is None


def _previous_quarter(world: World, code: str, value: Decimal) -> None:
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        assert org is not None
        indicator = uow.indicators.indicator(org.id, code)
        assert indicator is not None
        uow.work.record_measurement(
            indicator.id,
            "2026-TW2",
            value=value,
            entered_by_id=None,
            state=MeasurementState.APPROVED,
        )
        uow.commit()


def test_a_figure_with_a_concern_is_saved_by_the_one_confirmation_that_names_it(
    world: World,
) -> None:
    services, chat = world.services, world.chat_of("analis")
    _previous_quarter(world, ONE, Decimal(10))  # 95 after 10: a jump the checks question
    task = _input_task(world)
    batch_input.ask(services, chat, task)
    read = conversation.text_typed(services, chat, "1. 95\n2. 97")
    assert read.bulk is not None and read.bulk.concerned == (ONE,)
    assert read.bulk.figures[0].concerns  # the warning, worded
    position = _position(world)
    assert isinstance(position, ConfirmingBatch) and position.figures[0].concerns
    batch_input.save(services, chat, task)
    assert _values(world, task) == {ONE: Decimal(95), TWO: Decimal(97)}
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        indicator = uow.indicators.indicator(org.id, ONE)  # type: ignore[union-attr]
        current = uow.work.current_measurement(indicator.id, "2026-TW3")  # type: ignore[union-attr]
        assert current is not None and current.flags  # the confirmed concern is recorded


def test_the_engine_still_refuses_a_concern_the_confirmation_did_not_name(world: World) -> None:
    """The batch saves through ``save_value``: a position without the concern is echoed again."""
    services, chat = world.services, world.chat_of("analis")
    _previous_quarter(world, ONE, Decimal(10))
    task = _input_task(world)
    batch_input.ask(services, chat, task)
    conversation.text_typed(services, chat, "1. 95")
    position = _position(world)
    forged = position.model_copy(
        update={"figures": (position.figures[0].model_copy(update={"concerns": ()}),)}
    )
    conversation.position_set(
        services, chat, {"version": 2, "active": task, "positions": {task: forged.model_dump()}}
    )
    again = batch_input.save(services, chat, task)
    _in_table(again)
    assert again.bulk is not None and again.bulk.changed and again.bulk.concerned == (ONE,)
    assert _values(world, task)[ONE] is None
    batch_input.save(services, chat, task)
    assert _values(world, task)[ONE] == Decimal(95)


# --- the Excel sheet --------------------------------------------------------------------------
def _sheet(world: World, task: int, who: str = "analis") -> bytes:
    sent = batch_input.sheet(world.services, world.chat_of(who), task)
    _in_table(sent)
    assert sent.bulk is not None and sent.bulk.kind is BulkKind.SHEET
    assert sent.bulk.file_name.endswith(f"-tugas-{task}.xlsx")
    return sent.bulk.content


def _filled(content: bytes, figures: dict[str, Any], **columns: dict[str, Any]) -> bytes:
    book = load_workbook(BytesIO(content))
    sheet = book["Isian"]
    header = [cell.value for cell in sheet[1]]
    rows = {sheet.cell(row=r, column=2).value: r for r in range(2, sheet.max_row + 1)}
    for code, value in figures.items():
        sheet.cell(row=rows[code], column=header.index("Realisasi") + 1, value=value)
    for column, by_code in columns.items():
        for code, value in by_code.items():
            sheet.cell(row=rows[code], column=header.index(column) + 1, value=value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _meta(content: bytes, **changes: Any) -> bytes:
    book = load_workbook(BytesIO(content))
    sheet = book["sopbot"]
    for row in sheet.iter_rows(min_row=1, max_col=2):
        if row[0].value in changes:
            row[1].value = changes[row[0].value]
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _send(world: World, content: bytes, who: str = "analis") -> Outcome:
    outcome = conversation.file_sent(world.services, world.chat_of(who), _sheet_item(), content)
    _in_table(outcome)
    return outcome


def test_the_sheet_lists_the_task_and_names_its_task_period_unit_and_round(world: World) -> None:
    task = _input_task(world)
    book = load_workbook(BytesIO(_sheet(world, task)))
    assert book.sheetnames == ["Isian", "Petunjuk", "sopbot"]
    assert book["sopbot"].sheet_state == "veryHidden"
    meta = {row[0]: row[1] for row in book["sopbot"].iter_rows(values_only=True)}
    assert meta["tugas"] == task and meta["periode"] == "2026-TW3" and meta["putaran"] == 1
    header = [cell.value for cell in book["Isian"][1]]
    assert header[:5] == ["No", "Kode", "Indikator", "Satuan", "Target Triwulan III 2026"]
    assert {"Realisasi Triwulan I 2026", "Realisasi", "Kendala", "Tindak lanjut"} <= set(header)
    codes = [book["Isian"].cell(row=r, column=2).value for r in (2, 3)]
    assert codes == [ONE, TWO]


def test_a_returned_sheet_is_echoed_then_saved_with_its_notes(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    content = _filled(
        _sheet(world, task),
        {ONE: 95, TWO: "80,5"},
        Kendala={TWO: "Data dua kecamatan terlambat"},
        **{"Tindak lanjut": {TWO: "Koordinasi ulang"}},
    )
    read = _send(world, content)
    assert read.effects == (Effect.ECHO_BATCH,)
    assert read.bulk is not None and read.bulk.from_sheet
    assert [(f.code, f.shown) for f in read.bulk.figures] == [(ONE, "95"), (TWO, "80,5")]
    assert _values(world, task) == {ONE: None, TWO: None}
    batch_input.save(services, chat, task)
    lines = services.engine.input_sheet(task, world.people["analis"], now=world.clock.now)
    assert [(line.value, line.kendala) for line in lines] == [
        (Decimal(95), None),
        (Decimal("80.5"), "Data dua kecamatan terlambat"),
    ]
    assert guided_input.submit(services, chat, task).submitted is not None


def test_a_sheet_with_a_bad_cell_is_refused_whole_with_sheet_row_and_column(world: World) -> None:
    task = _input_task(world)
    content = _filled(_sheet(world, task), {ONE: 95, TWO: "sepuluh"})
    refused = _send(world, content)
    assert refused.effects == (Effect.REFUSE_SHEET,)
    assert refused.bulk is not None and refused.bulk.kind is BulkKind.REFUSED
    assert any("Sheet Isian, baris 3, kolom Realisasi" in p for p in refused.bulk.problems)
    assert _position(world) is None  # nothing kept, not even the good row
    unchanged = _send(world, _sheet(world, task))
    assert unchanged.bulk is not None
    assert any("tidak ada realisasi yang diisi" in p for p in unchanged.bulk.problems)


def test_a_sheet_of_another_period_or_unit_is_refused_with_the_reason(world: World) -> None:
    task = _input_task(world)
    content = _filled(_sheet(world, task), {ONE: 95})
    period = _send(world, _meta(content, periode="2026-TW2"))
    assert period.bulk is not None and period.bulk.stale is not None
    assert "periode lain" in period.bulk.stale and "Triwulan II 2026" in period.bulk.stale
    unit = _send(world, _meta(content, unit="Bidang Lain"))
    assert unit.bulk is not None and "unit lain" in (unit.bulk.stale or "")
    assert _values(world, task) == {ONE: None, TWO: None}


def test_a_sheet_of_an_earlier_round_is_refused_and_names_the_new_task(world: World) -> None:
    services, engine, clock, people = (
        world.services,
        world.services.engine,
        world.clock,
        world.people,
    )
    task = _input_task(world)
    fill_all(engine, task, people["analis"], clock.now, Decimal(95))
    engine.complete_task(task, people["analis"], now=clock.now)
    report = single_task(engine, people["kasubid"], clock.now, 4)
    old = _filled(_sheet(world, report, "kasubid"), {ONE: 99})
    engine.complete_task(report, people["kasubid"], now=clock.advance(minutes=5))
    review = single_task(engine, people["kabid"], clock.now, 5)
    engine.decide(review, people["kabid"], approve=False, reason="Cek ulang", now=clock.now)
    again = single_task(engine, people["kasubid"], clock.now, 4)
    refused = _send(world, old, "kasubid")
    assert refused.bulk is not None and refused.bulk.stale is not None
    assert "versi lama" in refused.bulk.stale and f"tugas #{again}" in refused.bulk.stale
    assert _values(world, again, "kasubid")[ONE] == Decimal(95)
    fresh = _send(world, _filled(_sheet(world, again, "kasubid"), {ONE: 99}), "kasubid")
    assert fresh.bulk is not None and fresh.bulk.kind is BulkKind.ECHO
    batch_input.save(services, world.chat_of("kasubid"), again)
    assert _values(world, again, "kasubid")[ONE] == Decimal(99)


def test_another_xlsx_is_evidence_not_a_sheet(world: World) -> None:
    task = _input_task(world)
    content = _filled(_sheet(world, task), {ONE: 95})
    book = load_workbook(BytesIO(content))
    del book["sopbot"]
    out = BytesIO()
    book.save(out)
    idle = conversation.file_sent(
        world.services, world.chat_of("analis"), _sheet_item(), out.getvalue()
    )
    assert idle.idle_text and idle.bulk is None


def test_a_percentage_typed_in_a_spreadsheet_reads_as_typed(world: World) -> None:
    """Typing "95%" into a spreadsheet stores 0.95 formatted as a percentage: read 95."""
    task = _input_task(world)
    book = load_workbook(BytesIO(_sheet(world, task)))
    isian = book["Isian"]
    column = [cell.value for cell in isian[1]].index("Realisasi") + 1
    cell = isian.cell(row=2, column=column, value=0.955)
    cell.number_format = "0.0%"
    out = BytesIO()
    book.save(out)
    read = _send(world, out.getvalue())
    assert read.bulk is not None and [f.shown for f in read.bulk.figures] == ["95,5"]


def _sheet_item() -> dict[str, Any]:
    """The evidence item of an .xlsx document, as the handler builds it."""
    return {"kind": "document", "file_id": "f-sheet", "file_name": "isian.xlsx"}
