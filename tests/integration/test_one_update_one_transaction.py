"""One update, one unit of work: the typed figure and the next position commit together.

The service of a button press saves the figure through the engine and stores the
conversation's next position in the same transaction. A crash between the two,
or at the commit, leaves both as they were; without a crash both are stored.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.conversation.state import AskingValue, Confirming, ReviewReason
from bot.persistence.repositories.chat import ChatRepository
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services import conversation, guided_input
from bot.services.context import Services
from tests.integration.engine_helpers import Clock, finish, make_engine, person_id, single_task
from tests.integration.seed004_play import BIDANG

ANALIS_CHAT = 4_000_001
KABID_CHAT = 4_000_002


class Killed(RuntimeError):
    """The process dies here."""


@pytest.fixture
def setting(uow_factory, sample_org):  # type: ignore[no-untyped-def]
    engine = make_engine(uow_factory)
    clock = Clock()
    kabid, kasubid, analis = (person_id(uow_factory, sample_org, nip) for nip in BIDANG["BID-IWK"])
    with uow_factory() as uow:
        for person, chat in ((analis, ANALIS_CHAT), (kabid, KABID_CHAT)):
            found = uow.orgs.person_by_id(person)
            assert found is not None
            found.telegram_user_id = chat
        uow.commit()
    engine.start_run("kesbangpol", sample_org, "2026-TW3", now=clock.now, unit="BID-IWK")
    finish(engine, kabid, 1, clock.advance(minutes=5))
    finish(engine, kasubid, 2, clock.advance(minutes=5))
    task = single_task(engine, analis, clock.now, 3)
    services = Services(uow_factory, engine._catalog, engine, clock=lambda: clock.now)
    return services, task, analis


def _echoed(services: Services, task: int) -> Confirming:
    asked = guided_input.fill(services, ANALIS_CHAT, task)
    assert isinstance(asked.position, AskingValue), asked
    echoed = conversation.text_typed(services, ANALIS_CHAT, "85")
    assert isinstance(echoed.position, Confirming), echoed
    return echoed.position


def _stored(services: Services, task: int, analis: int, indicator: int):  # type: ignore[no-untyped-def]
    line = next(
        line
        for line in services.engine.input_sheet(task, analis, now=services.now())
        if line.indicator_id == indicator
    )
    return line.value, conversation.conversation_of(services, ANALIS_CHAT).at(task)


def test_killed_between_the_figure_and_the_position_stores_neither(
    setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, task, analis = setting
    position = _echoed(services, task)

    def die(*args: object, **kwargs: object) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(ChatRepository, "save", die)
        with pytest.raises(Killed):
            guided_input.confirm(services, ANALIS_CHAT, task, position.indicator_id)
    assert _stored(services, task, analis, position.indicator_id) == (None, position)


def test_killed_at_the_commit_stores_neither(setting, monkeypatch: pytest.MonkeyPatch) -> None:
    services, task, analis = setting
    position = _echoed(services, task)

    def die(self: SqlAlchemyUnitOfWork) -> None:
        self.session.flush()  # figure and position are written, then the process dies
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(SqlAlchemyUnitOfWork, "commit", die)
        with pytest.raises(Killed):
            guided_input.confirm(services, ANALIS_CHAT, task, position.indicator_id)
    assert _stored(services, task, analis, position.indicator_id) == (None, position)


def test_without_a_crash_both_are_stored(setting) -> None:
    services, task, analis = setting
    position = _echoed(services, task)
    outcome = guided_input.confirm(services, ANALIS_CHAT, task, position.indicator_id)
    value, stored = _stored(services, task, analis, position.indicator_id)
    assert value == Decimal(85)
    # Issue 16: no kendala asked at 103 % of the target; the next indicator's question.
    assert isinstance(stored, AskingValue) and stored == outcome.position


def test_an_input_in_progress_survives_a_review(setting, uow_factory) -> None:
    """A return begun on another task does not overwrite the input's position (the key is
    the chat and the task, not the chat alone)."""
    services, task, _ = setting
    position = _echoed(services, task)
    other = ReviewReason(task_id=task + 1000, card_chat_id=1, card_message_id=2)
    with uow_factory() as uow:
        chat = uow.chats.conversation(ANALIS_CHAT).with_position(other)
        uow.chats.save(ANALIS_CHAT, chat, services.now())
        uow.commit()
    kept = conversation.conversation_of(services, ANALIS_CHAT)
    assert kept.current == other and kept.at(task) == position
    refused = conversation.text_typed(services, ANALIS_CHAT, "Data belum lengkap")
    assert refused.refusal is not None  # the reason goes to the review (no such task here)
    assert conversation.conversation_of(services, ANALIS_CHAT).at(task) == position
    with uow_factory() as uow:
        uow.chats.save(
            ANALIS_CHAT, uow.chats.conversation(ANALIS_CHAT).without(other.task_id), services.now()
        )
        uow.commit()
    again = conversation.text_typed(services, ANALIS_CHAT, "90")
    assert isinstance(again.position, Confirming) and again.position.task_id == task
