"""A question step (``kind: question``) on Telegram: a card with the question, the unit's
figures (``shows_figures``) and YA / TIDAK buttons; one press answers, nothing is approved."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.fakebotapi import FakeBotApi
from bot.settings import get_settings
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running, open_sample_services, running_sopbot
from tests.integration.engine_helpers import ROOT, Clock, fill_all, finish, single_task

ORG = "contoh-kesbangpol-jeneponto"
UJI = "uji-monitoring-fitur"
NIP = {
    "kabid": "999900000000000005",  # BID-PDN
    "kasubid": "999900000000000006",
    "analis": "999900000000000007",
}


@pytest.fixture
async def bot(
    fake_api: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Running]:
    defs = tmp_path / "defs"
    defs.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "features" / "monitoring_uji.yaml", defs)
    monkeypatch.setenv("SOPBOT_DEFINITIONS_DIR", str(defs))
    get_settings.cache_clear()
    clock = Clock()
    services = open_sample_services(tmp_path, clock)
    async with running_sopbot(fake_api, services, clock) as running:
        yield running
    get_settings.cache_clear()


async def test_question_card_answers_yes_once(bot: Running) -> None:
    kabid = await bot.join(7201, "kabid", NIP["kabid"], unit="BID-PDN")
    engine = bot.services.engine
    engine.start_run(UJI, ORG, "2026-TW3", now=bot.clock.now, units=["BID-PDN"])
    ids = {role: bot.person_id(nip) for role, nip in NIP.items()}
    finish(engine, ids["kabid"], 1, bot.clock.now)
    finish(engine, ids["kasubid"], 1, bot.clock.now)
    entry = single_task(engine, ids["analis"], bot.clock.now, 2)
    fill_all(engine, entry, ids["analis"], bot.clock.now)
    engine.complete_task(entry, ids["analis"], now=bot.clock.now)
    await dispatch_pending(bot.application.bot, bot.services)

    notice = await kabid.wait_for_message(lambda m: "Langkah 3" in m.text)
    await kabid.press(notice, "Buka tugas")
    card = await kabid.wait_for_message(lambda m: m.buttons and "YA" in str(m.buttons))
    assert "Ada hambatan?" in card.text
    assert "Target" in card.text and "Realisasi" in card.text  # shows_figures, read only
    assert [[b.text for b in row] for row in card.buttons] == [["YA", "TIDAK"]]

    yes_data = card.buttons[0][0].callback_data
    await kabid.press(card, "YA")
    await kabid.wait_until(lambda: "Dijawab" in card.text and not card.buttons)
    assert "Dijawab YA oleh" in card.text
    assert single_task(engine, ids["kasubid"], bot.clock.now, 4)

    # The old card pressed again: already processed, nothing changes.
    stale = await kabid.wait_answered(await kabid.press(card, yes_data, force=True))
    assert "diproses" in (stale.answer.get("text") or "")  # a toast; nothing is sent
