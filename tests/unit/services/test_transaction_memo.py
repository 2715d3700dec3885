"""What one unit of work remembers (issue 15: an update's engine calls read once) is
forgotten at a rollback and a commit, so nothing read before either is trusted after."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.conversation.state import AskingValue, Conversation
from bot.engine import actions
from bot.persistence.uow import make_memory_uow_factory, make_uow_factory
from bot.services import review
from bot.services.turn import Outcome, Turn, run_turn
from tests.unit.services.conftest import World
from tests.unit.services.test_guided_input import _input_task

NOW = datetime(2026, 10, 12, 1, 0, tzinfo=UTC)
CHAT = 7_123


def _asking(task_id: int) -> Conversation:
    return Conversation().with_position(
        AskingValue(task_id=task_id, indicator_id=1, single=True, code="IWK-01")
    )


def test_remembered_reads_once_and_a_rollback_forgets() -> None:
    uow_factory = make_memory_uow_factory()
    reads: list[int] = []

    def read() -> int:
        reads.append(1)
        return len(reads)

    with uow_factory() as uow:
        assert uow.remembered("key", read) == 1
        assert uow.remembered("key", read) == 1  # not read again
        uow.rollback()
        assert uow.remembered("key", read) == 2  # read again after the rollback
    with uow_factory() as uow:
        assert uow.remembered("key", read) == 3  # a new unit of work starts empty


def test_a_position_saved_after_a_rollback_is_stored() -> None:
    """The chat row read before a rollback is not reused after it (it is no longer in the
    session): the position saved after the rollback reaches the database."""
    uow_factory = make_memory_uow_factory()
    with uow_factory() as uow:
        assert uow.chats.conversation(CHAT).empty
        uow.chats.save(CHAT, _asking(1), NOW)
        uow.session.flush()
        uow.rollback()  # e.g. the engine refused: its change is undone, the turn goes on
        uow.chats.save(CHAT, _asking(2), NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.chats.conversation(CHAT).active == 2


def test_a_position_read_and_saved_twice_in_one_unit_of_work() -> None:
    uow_factory = make_memory_uow_factory()
    with uow_factory() as uow:
        uow.chats.save(CHAT, _asking(1), NOW)
        uow.commit()
        uow.chats.save(CHAT, _asking(2), NOW)  # after a commit, in the same block
        uow.commit()
    with uow_factory() as uow:
        assert uow.chats.conversation(CHAT).active == 2
        uow.chats.save(CHAT, Conversation(), NOW)  # empty: the row goes
        uow.chats.save(CHAT, _asking(3), NOW)  # and comes back
        uow.commit()
    with uow_factory() as uow:
        assert uow.chats.conversation(CHAT).active == 3


def test_the_next_update_sees_a_target_and_a_role_changed_in_between(world: World) -> None:
    """What the process keeps between updates (``bot.persistence.reference``) goes when it
    changes: a target changed (as ``targets import`` does) and a role taken away (as
    ``org import`` does) between two updates show at the next one, in the same process."""
    task = _input_task(world)
    chat = world.chat_of("analis")
    before = review.open_card(world.services, chat, task).card
    assert before is not None
    line = before.lines[0]
    with world.uow_factory() as uow:
        indicator = uow.indicators.indicator_by_id(line.indicator_id)
        assert indicator is not None
        assert uow.indicators.set_target(indicator, 2026, "2026-TW3", Decimal("77.5"))
        uow.commit()
    after = review.open_card(world.services, chat, task).card
    assert after is not None and after.lines[0].target == Decimal("77.5") != line.target

    with world.uow_factory() as uow:
        for assignment in uow.orgs.assignments_of(world.people["analis"]):
            uow.session.delete(assignment)
        uow.commit()
    refused = review.open_card(world.services, chat, task)
    assert refused.refusal is not None and refused.card is None


def test_a_change_made_by_another_process_is_seen_at_the_next_update(world: World) -> None:
    """Another process (the CLI's ``targets import``) keeps its own reference rows; its
    change bumps the database's counter, and this process reads again."""
    task = _input_task(world)
    chat = world.chat_of("analis")
    before = review.open_card(world.services, chat, task).card
    assert before is not None
    with world.uow_factory() as uow:
        other_process = make_uow_factory(uow.session.get_bind())  # its own ReferenceCache
    with other_process() as uow:
        indicator = uow.indicators.indicator_by_id(before.lines[0].indicator_id)
        assert indicator is not None
        indicator.name = "Indikator yang diganti dari proses lain"
        uow.commit()
    after = review.open_card(world.services, chat, task).card
    assert after is not None
    assert after.lines[0].name == "Indikator yang diganti dari proses lain"


def test_a_turn_reads_its_card_again_after_a_write_or_an_undo(world: World) -> None:
    """``Turn.card`` keeps the card it read only while nothing was written or undone since:
    a saved figure shows on the next read, and so does a rollback that took it back."""
    task = _input_task(world)
    seen: list[Decimal | None] = []

    def body(turn: Turn) -> Outcome:
        first = turn.card(task)
        assert turn.card(task) is first  # nothing written: the same read
        line = first.lines[0]
        actions.save_value(
            turn.uow, task, turn.member.person_id, line.indicator_id, now=turn.now,
            value=Decimal("91"), no_data_reason=None, kendala=None, tindak_lanjut=None,
            evidence=None,
        )  # fmt: skip
        seen.append(turn.card(task).lines[0].value)
        turn.uow.rollback()  # not the turn's own rollback: the session's
        seen.append(turn.card(task).lines[0].value)
        return turn.outcome()

    run_turn(world.services, world.chat_of("analis"), body)
    assert seen == [Decimal("91"), None]
