"""The real sopbot with SOPBOT_CONCURRENT_UPDATES: other chats are not held back by a slow
update, and one chat's updates still run one after the other.

The slow update is a real handler (/bantuan: a database read for the sender, then the
reply) whose reply the fake Bot API stores at once and then answers only after a delay
(``faults.delay_next``, Telegram being slow): the handler is busy until the answer comes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.fakebotapi import FakeBotApi
from bot.telegram.concurrency import PerChatUpdateProcessor
from tests.e2e.sopbot_app import Running, open_sample_services, running_sopbot
from tests.integration.engine_helpers import Clock

SLOW = 2.0
"""Seconds the fake holds back the first reply."""


@pytest.fixture
async def concurrent_bot(
    fake_api: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: Any
) -> AsyncIterator[Running]:
    if request.param is None:  # the default for the backend
        monkeypatch.delenv("SOPBOT_CONCURRENT_UPDATES", raising=False)
    else:
        monkeypatch.setenv("SOPBOT_CONCURRENT_UPDATES", str(request.param))
    clock = Clock()
    services = open_sample_services(tmp_path, clock)
    async with running_sopbot(fake_api, services, clock) as running:
        yield running


async def slow_then_fast(bot: Running, first_chat: int, second_chat: int) -> float:
    """/bantuan from ``first_chat`` (its reply held back SLOW s), then from ``second_chat``
    as soon as the first reply is stored; returns the seconds between the two replies."""
    api = bot.api
    first = api.user(first_chat, "Pertama")
    second = first if second_chat == first_chat else api.user(second_chat, "Kedua")
    for user in [first] if second is first else [first, second]:  # warm up
        await user.send_command("/bantuan")
        await user.wait_for_message()
    api.faults.delay_next("sendMessage", SLOW)
    await first.send_command("/bantuan")
    slow = await first.wait_for_message()
    await second.send_command("/bantuan")
    fast = await second.wait_for_message(timeout=SLOW + 5)
    return fast.time - slow.time


@pytest.mark.parametrize("concurrent_bot", [4], indirect=True)
async def test_other_chats_are_not_held_back(concurrent_bot: Running) -> None:
    processor = concurrent_bot.application.update_processor
    assert isinstance(processor, PerChatUpdateProcessor) and processor.limit == 4
    gap = await slow_then_fast(concurrent_bot, 7001, 7002)
    assert gap < SLOW / 2, f"the second chat waited {gap:.2f} s for the first"


@pytest.mark.parametrize("concurrent_bot", [None], indirect=True)
async def test_sqlite_takes_other_chats_meanwhile_with_its_calls_on_the_loop_thread(
    concurrent_bot: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's default: several updates at once (the Bot API's round trips of one update
    overlap another's work), and every service call on the event loop's thread, so that
    no two transactions of the bot interleave and none waits for SQLite's write lock held
    by another of its own updates."""
    processor = concurrent_bot.application.update_processor
    assert isinstance(processor, PerChatUpdateProcessor) and processor.limit > 1
    services = concurrent_bot.services
    assert services.inline_calls
    threads: set[int] = set()
    blocking = services.blocking

    async def recorded(function: Any, /, *args: Any, **kwargs: Any) -> Any:
        def call() -> Any:
            threads.add(threading.get_ident())
            return function(*args, **kwargs)

        return await blocking(call)

    monkeypatch.setattr(services, "blocking", recorded)
    gap = await slow_then_fast(concurrent_bot, 7001, 7002)
    assert gap < SLOW / 2, f"the second chat waited {gap:.2f} s for the first"
    assert threads == {threading.get_ident()}


@pytest.mark.parametrize("concurrent_bot", [1], indirect=True)
async def test_one_at_a_time_holds_everyone_back(concurrent_bot: Running) -> None:
    """The contrast: with 1 (PTB's own loop) the second chat waits for the first."""
    assert not isinstance(concurrent_bot.application.update_processor, PerChatUpdateProcessor)
    gap = await slow_then_fast(concurrent_bot, 7001, 7002)
    assert gap >= SLOW * 0.8


@pytest.mark.parametrize("concurrent_bot", [4], indirect=True)
async def test_one_chat_waits_for_its_previous_update(concurrent_bot: Running) -> None:
    gap = await slow_then_fast(concurrent_bot, 7001, 7001)
    assert gap >= SLOW * 0.8, f"the second update ran {gap:.2f} s after the first began"
    processor = concurrent_bot.application.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)
    for _ in range(100):  # the reply is stored before the handler has its answer
        if processor.current_concurrent_updates == 0:
            break
        await asyncio.sleep(0.02)
    assert processor.lanes == 0  # nothing kept once the chat is quiet


PEOPLE = [  # (nip, role, unit): the sample organisation's people with one role each
    ("999900000000000002", "kabid", "BID-IWK"),
    ("999900000000000003", "kasubid", "BID-IWK"),
    ("999900000000000004", "analis", "BID-IWK"),
    ("999900000000000006", "kasubid", "BID-PDN"),
    ("999900000000000007", "analis", "BID-PDN"),
    ("999900000000000009", "kasubid", "BID-KNPK"),
    ("999900000000000010", "analis", "BID-KNPK"),
]


@pytest.mark.parametrize("concurrent_bot", [8], indirect=True)
async def test_writes_of_many_chats_at_once_on_sqlite(
    concurrent_bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """Seven people join at once (each update a write transaction: SQLite's BEGIN IMMEDIATE
    makes them wait their turn, none fails with "database is locked"), then five strangers
    tap one invite link at once: exactly one of them gets it."""
    bot = concurrent_bot
    users = [bot.api.user(7100 + n, f"Pegawai {n}") for n in range(len(PEOPLE))]
    codes = [bot.invite(role, unit, nip) for nip, role, unit in PEOPLE]
    await asyncio.gather(*(u.send_command("/start", c) for u, c in zip(users, codes, strict=True)))
    replies = await asyncio.gather(*(u.wait_for_message(timeout=20) for u in users))
    assert all("Selamat datang" in (r.text or "") for r in replies), [r.text for r in replies]

    code = bot.invite("kabid", "BID-PDN", "999900000000000005")
    strangers = [bot.api.user(7200 + n, f"Tamu {n}") for n in range(5)]
    await asyncio.gather(*(s.send_command("/start", code) for s in strangers))
    answers = [(await s.wait_for_message(timeout=20)).text or "" for s in strangers]
    assert sum("Selamat datang" in a for a in answers) == 1, answers
    assert sum("sudah dipakai" in a for a in answers) == 4, answers
    assert not [r for r in caplog.records if r.name == "sopbot.errors"]
