"""A turn that loses the race for the database before it knows who is writing (SQLite's
write lock held past its timeout by another update) is tried once more and never taken
for a stranger: "belum terdaftar" would be a lie to a registered member."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.engine import AlreadyProcessed
from bot.services import conversation, guided_input
from bot.services.turn import STRANGER
from tests.unit.services.conftest import World
from tests.unit.services.test_guided_input import _input_task


def _losing(world: World, times: int) -> list[int]:
    """Make the next ``times`` units of work fail at their start, as a held lock does."""
    engine = world.services.engine
    real = engine.writing
    calls = [0]

    @contextmanager
    def writing() -> Iterator[object]:
        calls[0] += 1
        if calls[0] <= times:
            raise AlreadyProcessed("Baru saja diproses oleh orang lain")
        with real() as uow:
            yield uow

    engine.writing = writing  # type: ignore[method-assign]
    return calls


def test_a_member_who_loses_the_lock_once_is_served_on_the_second_try(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    calls = _losing(world, times=1)
    asked = guided_input.fill(services, chat, task)
    assert asked is not STRANGER and asked.member is not None
    assert asked.refusal is None and calls[0] == 2


def test_a_member_who_keeps_losing_gets_the_error_not_the_invite_hint(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    task = _input_task(world)
    _losing(world, times=5)
    with pytest.raises(AlreadyProcessed):
        conversation.text_typed(services, chat, "82,5")
    with pytest.raises(AlreadyProcessed):
        guided_input.fill(services, chat, task)
