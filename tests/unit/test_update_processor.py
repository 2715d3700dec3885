"""PerChatUpdateProcessor: one chat's updates in order, other chats alongside, lanes cleaned up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User

from bot.telegram.concurrency import PerChatUpdateProcessor, lane_of

WHEN = datetime(2026, 10, 12, tzinfo=UTC)


def message_update(update_id: int, chat_id: int, user_id: int | None = None) -> Update:
    user = User(user_id or abs(chat_id), False, "Uji")
    chat = Chat(chat_id, Chat.PRIVATE if chat_id > 0 else Chat.GROUP)
    message = Message(update_id, WHEN, chat, from_user=user, text=f"pesan {update_id}")
    return Update(update_id, message=message)


def inline_press(update_id: int, user_id: int) -> Update:
    """A button on an inline message: a user but no chat."""
    query = CallbackQuery(str(update_id), User(user_id, False, "Uji"), "ci", inline_message_id="x")
    return Update(update_id, callback_query=query)


def test_lanes_are_chats_else_users() -> None:
    assert lane_of(message_update(1, 42)) == 42
    assert lane_of(message_update(2, -100123, user_id=42)) == -100123
    assert lane_of(inline_press(3, 42)) == 42
    assert lane_of(object()) is None


async def feed(processor: PerChatUpdateProcessor, updates: list[tuple[Update, Any]]) -> None:
    """As PTB's update fetcher does: one task per update, created in arrival order."""
    tasks = [asyncio.create_task(processor.process_update(u, c)) for u, c in updates]
    await asyncio.gather(*tasks)


async def test_one_chat_in_order_other_chats_alongside() -> None:
    processor = PerChatUpdateProcessor(4)
    log: list[tuple[str, int, int]] = []
    running = 0
    most = 0

    async def handle(chat: int, n: int, seconds: float) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        log.append(("start", chat, n))
        await asyncio.sleep(seconds)
        log.append(("end", chat, n))
        running -= 1

    updates = []
    for n in range(5):  # chat 1's first update is the slowest: the rest must still wait
        updates.append((message_update(10 + n, 1), handle(1, n, 0.05 if n == 0 else 0.001)))
        updates.append((message_update(20 + n, 2), handle(2, n, 0.001)))
    async with processor:
        await feed(processor, updates)
    for chat in (1, 2):
        mine = [(kind, n) for kind, c, n in log if c == chat]
        assert mine == [(kind, n) for n in range(5) for kind in ("start", "end")]
    # chat 2 finished all five while chat 1's first was still running
    assert log.index(("end", 2, 4)) < log.index(("end", 1, 0))
    assert most == 2  # never two of one chat at once
    assert processor.lanes == 0


async def test_limit_bounds_what_runs() -> None:
    processor = PerChatUpdateProcessor(3)
    running = most = 0

    async def handle() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1

    await feed(processor, [(message_update(n, 100 + n), handle()) for n in range(12)])
    assert most == 3
    assert processor.lanes == 0


async def test_order_holds_when_the_backlog_is_full() -> None:
    """PTB's own semaphore (the backlog) full: updates still enter their lanes in order."""
    processor = PerChatUpdateProcessor(2, backlog=2)
    seen: list[int] = []

    async def handle(n: int) -> None:
        await asyncio.sleep(0.001 * (n % 3))
        seen.append(n)

    await feed(processor, [(message_update(n, 7), handle(n)) for n in range(20)])
    assert seen == list(range(20))
    assert processor.lanes == 0


async def test_lanes_are_freed_after_errors_and_cancellation() -> None:
    processor = PerChatUpdateProcessor(2)
    release = asyncio.Event()

    async def fail() -> None:
        raise RuntimeError("handler failed")

    async def wait() -> None:
        await release.wait()

    with pytest.raises(RuntimeError):
        await processor.process_update(message_update(1, 5), fail())
    assert processor.lanes == 0

    first = asyncio.create_task(processor.process_update(message_update(2, 6), wait()))
    second = asyncio.create_task(processor.process_update(message_update(3, 6), wait()))
    await asyncio.sleep(0.01)
    assert processor.lanes == 1
    second.cancel()  # cancelled while waiting for its lane: its coroutine is closed, not leaked
    await asyncio.sleep(0.01)
    release.set()
    await first
    assert second.cancelled()
    assert processor.lanes == 0


async def test_thousands_of_chats_leave_nothing_behind() -> None:
    processor = PerChatUpdateProcessor(8)

    async def handle() -> None:
        await asyncio.sleep(0)

    await feed(processor, [(message_update(n, 1000 + n), handle()) for n in range(2000)])
    assert processor.lanes == 0


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        PerChatUpdateProcessor(0)


def test_the_setting_and_the_default_per_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.app import CONCURRENT_UPDATES, concurrent_updates
    from bot.settings import Settings

    monkeypatch.delenv("SOPBOT_CONCURRENT_UPDATES", raising=False)
    sqlite = Settings(DATABASE_URL="sqlite:///x.sqlite3")
    postgres = Settings(DATABASE_URL="postgres://u@h/db")
    assert concurrent_updates(sqlite) == CONCURRENT_UPDATES["sqlite"]
    assert concurrent_updates(postgres) == CONCURRENT_UPDATES["postgresql"]
    monkeypatch.setenv("SOPBOT_CONCURRENT_UPDATES", "6")
    assert concurrent_updates(Settings(DATABASE_URL="sqlite:///x.sqlite3")) == 6
    monkeypatch.setenv("SOPBOT_CONCURRENT_UPDATES", "0")
    with pytest.raises(ValueError):
        Settings()
