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

from bot.fakebotapi import FakeBotApi
from bot.fakebotapi.users import FakeUser
from bot.imports.invites import create_invite
from bot.services.context import Services
from bot.simulate import setup
from bot.simulate.setup import SAMPLE_SLUG
from tests.integration.engine_helpers import Clock


@dataclass
class Running:
    api: FakeBotApi
    application: Application
    services: Services
    clock: Clock

    async def join(self, user_id: int, role_key: str, nip: str, unit: str = "BID-IWK") -> FakeUser:
        """A person opens their invite link; returns their chat once the bot has answered."""
        user = self.api.user(user_id, f"Pengguna {user_id}")
        await user.send_command("/start", self.invite(role_key, unit, nip))
        await user.wait_for_message()
        return user

    def person_id(self, nip: str) -> int:
        with self.services.uow_factory() as uow:
            org = uow.orgs.organisation(SAMPLE_SLUG)
            person = uow.orgs.person_by_nip(org.id, nip) if org else None
            assert person is not None, nip
            return person.id

    def invite(
        self, role_key: str, unit: str, nip: str | None, days: int = 7, name: str | None = None
    ) -> str:
        with self.services.uow_factory() as uow:
            org = uow.orgs.organisation(SAMPLE_SLUG)
            assert org is not None
            created = create_invite(
                uow,
                org,
                role_key=role_key,
                unit_code=unit,
                person_ref=nip,
                name=name,
                days=days,
                now=self.clock.now,
            )
            uow.commit()
            return created.code


def open_sample_services(tmp_path: Path, clock: Clock) -> Services:
    return setup.open_sample_services(tmp_path, lambda: clock.now)


@asynccontextmanager
async def running_sopbot(
    api: FakeBotApi, services: Services, clock: Clock
) -> AsyncIterator[Running]:
    try:
        async with setup.running_bot(api.url, api.token, services) as application:
            yield Running(api, application, services, clock)
    finally:
        services.close()
