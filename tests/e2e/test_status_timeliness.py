"""/status: how complete and timely the period's data is, and (overseers) earlier quarters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.fakebotapi import FakeBotApi
from tests.e2e.sopbot_app import Running, open_sample_services, running_sopbot
from tests.integration.engine_helpers import WITA, Clock
from tests.integration.seed004_play import play_quarter

ORG = "contoh-kesbangpol-jeneponto"


@pytest.fixture
async def bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Running]:
    clock = Clock()
    services = open_sample_services(tmp_path, clock)
    async with running_sopbot(fake_api, services, clock) as running:
        yield running


async def test_status_shows_completeness_and_timeliness(bot: Running) -> None:
    # TW II was played in July, every bidang approved on 13 July (on time).
    july = Clock(datetime(2026, 7, 13, 8, 0, tzinfo=WITA))
    play_quarter(bot.services.engine, bot.services.uow_factory, ORG, "2026-TW2", july)
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    kabid = await bot.join(7301, "kabid", "999900000000000002")
    analis = await bot.join(7302, "analis", "999900000000000004")
    await kabid.send_command("/status")
    text = (await kabid.wait_for_message(lambda m: "berjalan" in m.text)).text
    assert "Kelengkapan 0/3 unit, tepat waktu 0/3" in text
    assert "Sebelumnya: TW II 2026: 100% lengkap, 100% tepat waktu" in text
    await analis.send_command("/status")  # not an overseer: this period only
    own = (await analis.wait_for_message(lambda m: "berjalan" in m.text)).text
    assert "Kelengkapan 0/3 unit, tepat waktu 0/3" in own
    assert "Sebelumnya" not in own
