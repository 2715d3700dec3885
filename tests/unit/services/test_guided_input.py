"""The guided input's use cases against the in-memory unit of work: each call moves the
task's position exactly as the transition table says, and saves what it says it saves."""

from __future__ import annotations

from decimal import Decimal

from bot.conversation.state import (
    AskingEvidence,
    AskingKendala,
    AskingTindakLanjut,
    AskingValue,
    Confirming,
    Mode,
)
from bot.conversation.table import TABLE, Effect
from bot.engine import NotFound
from bot.services import conversation, groups, guided_input, review
from bot.services.turn import STRANGER
from tests.integration.engine_helpers import finish, single_task
from tests.unit.services.conftest import SOP, World, prepared


def _input_task(world: World) -> int:
    """The analis's input task of a run started for BID-IWK (2026-TW3)."""
    return prepared(world, "guided_input._input_task", _start_and_reach_the_input)


def _start_and_reach_the_input(world: World) -> int:
    engine, clock, people = world.services.engine, world.clock, world.people
    engine.start_run(SOP, world.slug, "2026-TW3", now=clock.now, unit="BID-IWK")
    finish(engine, people["kabid"], 1, clock.advance(minutes=5))
    finish(engine, people["kasubid"], 2, clock.advance(minutes=5))
    return single_task(engine, people["analis"], clock.now, 3)


def test_a_whole_input_then_submit(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    asked = guided_input.fill(services, chat, task)
    assert isinstance(asked.position, AskingValue) and asked.effects == (Effect.ASK_VALUE,)
    for n in range(2):  # two indicators
        position = conversation.conversation_of(services, chat).current
        assert isinstance(position, AskingValue)
        refused = conversation.text_typed(services, chat, "sepuluh")
        assert refused.error and isinstance(refused.position, AskingValue)
        echoed = conversation.text_typed(services, chat, "95")
        assert isinstance(echoed.position, Confirming) and echoed.position.pending == 95
        saved = guided_input.confirm(services, chat, task, position.indicator_id)
        assert saved.clear_buttons and saved.saved is not None
        assert saved.saved.indicator_id == position.indicator_id
        again = guided_input.confirm(services, chat, task, position.indicator_id)
        assert again.effects == () and again.position is None  # a second press: nothing
        if n == 0:
            # Issue 16: no kendala asked where none is required; "Tambah catatan" offers it.
            assert isinstance(saved.position, AskingValue)
            noted = guided_input.note(services, chat, task, position.indicator_id)
            assert isinstance(noted.position, AskingKendala) and noted.noting
            skipped = guided_input.skip(services, chat, task, position.indicator_id)
            assert isinstance(skipped.position, AskingTindakLanjut)
            back = conversation.text_typed(services, chat, "Koordinasi lanjutan")
            assert isinstance(back.position, AskingValue)
            assert back.position.indicator_id != position.indicator_id
        else:
            assert isinstance(saved.position, AskingEvidence)  # the task's evidence, once
            last = guided_input.skip(services, chat, task, position.indicator_id)
    assert last.summary and conversation.conversation_of(services, chat).empty
    sent = guided_input.submit(services, chat, task)
    assert sent.notify and sent.submitted is not None
    lines = services.engine.input_sheet(task, world.people["analis"], now=services.now())
    assert [line.value for line in lines] == [Decimal(95), Decimal(95)]
    assert {line.tindak_lanjut for line in lines} == {"Koordinasi lanjutan", None}


def test_submit_with_gaps_keeps_the_position(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    guided_input.fill(services, chat, task)
    kept = guided_input.submit(services, chat, task)
    assert kept.gaps is not None and kept.gaps.kind == "incomplete" and len(kept.gaps.lines) == 2
    assert conversation.conversation_of(services, chat).current is not None


def test_no_data_needs_a_reason(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    asked = guided_input.fill(services, chat, task)
    assert asked.position is not None
    indicator = asked.position.indicator_id  # type: ignore[union-attr]
    why = guided_input.no_data(services, chat, task, indicator)
    assert why.position is not None and why.position.mode is Mode.NO_DATA
    empty = conversation.text_typed(services, chat, "   ")
    assert empty.error and empty.position is not None and empty.position.mode is Mode.NO_DATA
    given = conversation.text_typed(services, chat, "Data BPS belum terbit")
    # Issue 16: no kendala asked after a no-data reason; the next indicator.
    assert isinstance(given.position, AskingValue) and given.saved is not None
    assert given.saved.shown == "belum ada data"


def test_a_file_before_the_evidence_question_is_refused(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    guided_input.fill(services, chat, task)
    refused = conversation.file_sent(services, chat, {"kind": "photo", "file_id": "x"})
    assert refused.notice == guided_input.FILE_NOT_NOW


def test_strangers_get_nothing(world: World) -> None:
    assert guided_input.fill(world.services, 12345, 1) == STRANGER
    assert conversation.text_typed(world.services, 12345, "85") == STRANGER
    assert groups.register(world.services, -100, "Kantor", 12345) == "stranger"


def test_cancel_leaves_every_position(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    guided_input.fill(services, chat, task)
    conversation.cancel(services, chat)
    assert conversation.conversation_of(services, chat).empty
    idle = conversation.text_typed(services, chat, "85")
    assert idle.idle_text


def test_a_card_of_another_task_is_refused(world: World) -> None:
    refused = review.open_card(world.services, world.chat_of("kabid"), 999_999)
    assert isinstance(refused.refusal, NotFound)


def test_only_an_admin_registers_the_group(world: World) -> None:
    services = world.services
    assert groups.register(services, -100, "Kantor", world.chat_of("kabid")) == "not_admin"
    assert groups.register(services, -100, "Kantor", world.chat_of("admin")) == "registered"
    assert groups.register(services, -100, "Kantor", world.chat_of("admin")) == "renewed"
    assert groups.unregister(services, -100, world.chat_of("admin")) == "removed"
    assert groups.unregister(services, -100, world.chat_of("admin")) == "not_registered"


def test_every_outcome_does_what_a_transition_of_the_table_says(world: World) -> None:
    """The services take their effects from the table, not from a second list of their own."""
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    outcomes = [guided_input.fill(services, chat, task)]
    first = outcomes[0].position
    assert first is not None
    indicator = first.indicator_id  # type: ignore[union-attr]
    outcomes += [
        conversation.text_typed(services, chat, "sepuluh"),
        conversation.text_typed(services, chat, "40"),
        guided_input.confirm(services, chat, task, indicator),
        conversation.text_typed(services, chat, " "),
        conversation.text_typed(services, chat, "Anggaran terlambat"),
        conversation.text_typed(services, chat, "Percepatan"),
        conversation.file_sent(services, chat, {"kind": "photo", "file_id": "f1"}),
        guided_input.note(services, chat, task, indicator),
        guided_input.skip(services, chat, task, indicator),
        guided_input.skip(services, chat, task, indicator),
    ]
    second = outcomes[-1].position
    assert isinstance(second, AskingValue) and second.indicator_id != indicator
    outcomes += [
        conversation.text_typed(services, chat, "95"),
        guided_input.confirm(services, chat, task, second.indicator_id),
        conversation.file_sent(services, chat, {"kind": "photo", "file_id": "f1"}),
        guided_input.skip(services, chat, task, second.indicator_id),
        guided_input.summary(services, chat, task),
        guided_input.evidence(services, chat, task),
        guided_input.summary(services, chat, task),
        guided_input.edit(services, chat, task, indicator),
        guided_input.no_data(services, chat, task, indicator),
        guided_input.submit(services, chat, task),
    ]
    table_effects = {t.effects for t in TABLE}
    for outcome in outcomes:
        assert outcome.refusal is None, outcome
        assert outcome.effects in table_effects, outcome.effects
