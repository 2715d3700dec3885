"""End-to-end fixtures: the fake Bot API on a free loopback port, and a polling PTB app.

Both run in the test's own event loop, so ``await u.wait_for_message()`` lets
the bot work and returns as soon as it answered: no sleeps, no threads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import Application, ApplicationBuilder

from bot.fakebotapi import FakeBotApi
from tests.e2e.sopbot_app import Running, open_sample_services, running_sopbot
from tests.integration.engine_helpers import Clock

POLL_TIMEOUT = 5  # seconds PTB long-polls; the fake answers at once when an update arrives


@pytest.fixture
async def bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Running]:
    """The real sopbot on a fresh database with the sample organisation, clock at
    Monday 12 October 2026 08.00 WITA (the test moves ``bot.clock``)."""
    clock = Clock()
    services = open_sample_services(tmp_path, clock)
    async with running_sopbot(fake_api, services, clock) as running:
        yield running


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    """The fake server (default token ``api.token``); it is also the control client."""
    async with FakeBotApi("127.0.0.1", 0) as api:
        yield api


def build_application(api: FakeBotApi, token: str | None = None) -> ApplicationBuilder:
    """An ApplicationBuilder pointed at the fake; add handlers or options before ``build()``."""
    return (
        Application.builder()
        .token(token or api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
    )


@pytest.fixture
async def application(fake_api: FakeBotApi) -> AsyncIterator[Application]:
    """A started, polling PTB Application; tests add their handlers, then act as users."""
    app = build_application(fake_api).build()
    assert app.updater is not None
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
    try:
        yield app
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
