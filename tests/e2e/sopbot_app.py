"""The real sopbot Application against the fake Bot API, on a fresh SQLite database.

Shared by the end-to-end tests of each conversation. The clock is the test's:
``services.clock`` returns ``clock.now``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from telegram.ext import Application

from bot.app import build_application
from bot.definitions import load_catalog
from bot.engine import Engine
from bot.fakebotapi import FakeBotApi
from bot.imports.invites import create_invite
from bot.persistence.db import make_engine
from bot.persistence.migrate import upgrade
from bot.persistence.uow import make_uow_factory
from bot.settings import Settings
from bot.telegram.services import Services
from tests.integration.conftest import SAMPLE_SLUG, import_sample
from tests.integration.engine_helpers import ROOT, Clock

POLL_TIMEOUT = 5


@dataclass
class Running:
    api: FakeBotApi
    application: Application
    services: Services
    clock: Clock

    def invite(self, role_key: str, unit: str, nip: str | None, days: int = 7) -> str:
        with self.services.uow_factory() as uow:
            org = uow.orgs.organisation(SAMPLE_SLUG)
            assert org is not None
            created = create_invite(
                uow,
                org,
                role_key=role_key,
                unit_code=unit,
                person_ref=nip,
                days=days,
                now=self.clock.now,
            )
            uow.commit()
            return created.code


def open_sample_services(tmp_path: Path, clock: Clock) -> Services:
    url = f"sqlite:///{tmp_path / 'sopbot.sqlite3'}"
    upgrade(url)
    db = make_engine(url)
    uow_factory = make_uow_factory(db)
    import_sample(uow_factory)
    catalog = load_catalog([ROOT / "sop_definitions"])
    return Services(
        uow_factory, catalog, Engine(uow_factory, catalog), db=db, clock=lambda: clock.now
    )


@asynccontextmanager
async def running_sopbot(
    api: FakeBotApi, services: Services, clock: Clock
) -> AsyncIterator[Running]:
    settings = Settings(TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.url)
    application = build_application(settings, services=services)
    assert application.updater is not None
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
    try:
        yield Running(api, application, services, clock)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        services.close()
