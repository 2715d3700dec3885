"""Issue 18: the database lost while the bot runs. The bot stays up, tells users it is
"sedang gangguan", retries with a growing pause, logs once per outage and once on recovery.

The database (SQLite) goes away as a server would: the pool is emptied and its
directory moved, so every new connection fails until it is moved back.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.fakebotapi import FakeBotApi
from bot.services.outage import FIRST_RETRY
from tests.e2e.sopbot_app import open_sample_services, running_sopbot
from tests.integration.engine_helpers import Clock

KABID = "999900000000000002"


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_bot_stays_up_says_so_retries_and_logs_twice(
    fake_api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home, away = tmp_path / "db", tmp_path / "db-away"
    home.mkdir()
    clock = Clock()
    services = open_sample_services(home, clock)
    ticks = Ticks()
    services.outage.clock = ticks
    assert services.db is not None
    async with running_sopbot(fake_api, services, clock) as bot:
        kabid = await bot.join(7001, "kabid", KABID)

        caplog.set_level(logging.DEBUG)
        services.db.dispose()
        home.rename(away)  # the database is gone
        for _ in range(3):
            await kabid.send_command("/tugas")
            said = await kabid.wait_for_message()
            assert "sedang gangguan" in said.text, said.text
        problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(problems) == 1, [r.getMessage() for r in problems]
        assert "tidak dapat dihubungi" in problems[0].getMessage()
        assert problems[0].exc_info is None  # one line, no traceback

        # Retries with a growing pause: not before the pause is over, then twice as long.
        outage = services.outage
        assert outage.active and not outage.usable(services.db)  # the pause is not over
        ticks.now += FIRST_RETRY
        assert not outage.usable(services.db)
        assert outage.delay == 2 * FIRST_RETRY
        ticks.now += 2 * FIRST_RETRY
        assert not outage.usable(services.db)
        assert outage.delay == 4 * FIRST_RETRY

        away.rename(home)  # the database is back
        ticks.now += 4 * FIRST_RETRY
        assert outage.usable(services.db)
        assert not outage.active
        problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(problems) == 2 and "terhubung kembali" in problems[1].getMessage()

        await kabid.send_command("/tugas")
        back = await kabid.wait_for_message()
        assert "sedang gangguan" not in back.text
        await asyncio.sleep(0)
