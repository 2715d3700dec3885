"""What one unit of work remembers (issue 15: an update's engine calls read once) is
forgotten at a rollback and a commit, so nothing read before either is trusted after."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.conversation.state import AskingValue, Conversation
from bot.persistence.uow import make_memory_uow_factory

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
