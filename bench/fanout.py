"""Reminder fan-out: 1,000 recipients against a fake Bot API enforcing Telegram's 30/s.

The notices are real: 1,000 Kabid of one bidang, all on Telegram, and a run of
SOP 004 whose first step goes to every one of them — one outbox event with
1,000 recipients. sopbot's own delivery path sends them: ``dispatch_pending``
through the Application's bot with its ``AIORateLimiter`` (one message per
1/29 s), the reminder log committing the intent before each send and the
confirmation after it. The fake answers 429 with ``retry_after`` beyond 30
messages/s (and 1/s per chat) and records nothing then.

* *clean*: delivered in this process; total time from the first delivery pass
  to the last message stored at the fake, against the floor of 1,000/30 s.
* *crash*: a delivery process (``python -m bench.fanout deliver ...``, the same
  code) is killed with SIGKILL once half the recipients have their message,
  and a new one finishes the job on the same SQLite file.

Counted at the fake: 429 answers, lost recipients (no message) and repeats
(messages beyond the first to a recipient).
"""

from __future__ import annotations

import asyncio
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Figure
from bench.throughput import child, stop_child

RECIPIENTS, QUICK_RECIPIENTS = 1000, 40
FIRST_CHAT = 800_000
TOKENS = {"clean": "765431:fanout-clean", "crash": "765432:fanout-crash"}
RATE = 30
"""The fake's overall limit, messages per second (Telegram's)."""


def prepare_database(url: str, recipients: int) -> None:
    """``recipients`` Kabid of BID-IWK on Telegram, and a run whose first step goes to them."""
    from bot.definitions import load_catalog
    from bot.engine import Engine
    from bot.persistence.db import make_engine
    from bot.persistence.migrate import upgrade
    from bot.persistence.models import Person, RoleAssignment
    from bot.persistence.uow import make_uow_factory
    from bot.settings import get_settings
    from bot.simulate.setup import SAMPLE_SLUG, import_sample

    upgrade(url)
    db = make_engine(url)
    try:
        uow_factory = make_uow_factory(db)
        import_sample(uow_factory)
        with uow_factory() as uow:
            org = uow.orgs.organisation(SAMPLE_SLUG)
            unit = uow.orgs.unit(org.id, "BID-IWK") if org else None
            assert org is not None and unit is not None
            for i in range(recipients):
                person = Person(
                    organisation_id=org.id,
                    name=f"Pegawai Uji {i:04d}",
                    telegram_user_id=FIRST_CHAT + i,
                )
                uow.session.add(person)
                uow.session.flush()
                uow.session.add(
                    RoleAssignment(person_id=person.id, role_key="kabid", unit_id=unit.id)
                )
            uow.commit()
        catalog = load_catalog([get_settings().definitions_dir])
        Engine(uow_factory, catalog).start_run(
            "kesbangpol", SAMPLE_SLUG, "2026-TW3", now=datetime.now(UTC), units=["BID-IWK"]
        )
    finally:
        db.dispose()


async def deliver(api_url: str, token: str, url: str) -> int:
    """sopbot's real Application (its rate limiter included) sends until the outbox is empty."""
    from bot.app import build_application
    from bot.services.context import Services
    from bot.settings import Settings
    from bot.telegram.outbox import dispatch_pending

    services: Services = _services(url)
    settings = Settings(TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE_URL=api_url, DATABASE_URL=url)
    application = build_application(settings, services=services, background_jobs=False)
    sent = 0
    try:
        await application.initialize()
        while True:
            sent += await dispatch_pending(application.bot, services, limit=50)
            with services.uow_factory() as uow:
                if not uow.audit.pending_events(1):
                    return sent
    finally:
        await application.shutdown()
        services.close()


def _services(url: str) -> Any:
    from bot.definitions import load_catalog
    from bot.engine import Engine
    from bot.persistence.db import make_engine
    from bot.persistence.uow import make_uow_factory
    from bot.services.context import Services
    from bot.settings import get_settings

    db = make_engine(url)
    uow_factory = make_uow_factory(db)
    catalog = load_catalog([get_settings().definitions_dir])
    return Services(uow_factory, catalog, Engine(uow_factory, catalog), db=db)


@dataclass
class Outcome:
    seconds: float
    rate_limited: int
    lost: int
    repeats: int
    delivered: int
    note: str = ""


def _count(api: Any, token: str, recipients: int) -> tuple[int, int, int]:
    """(lost, repeats, delivered messages) over the recipients' chats."""
    per_chat = api.control(token).stats()["messages_per_chat"]
    counts = [per_chat.get(FIRST_CHAT + i, 0) for i in range(recipients)]
    return counts.count(0), sum(n - 1 for n in counts if n > 1), sum(counts)


def _last_stored(api: Any, token: str, recipients: int) -> float:
    control = api.control(token)
    return max(
        (m.time for i in range(recipients) for m in control.sent(FIRST_CHAT + i)), default=0.0
    )


async def _clean(api: Any, url: str, recipients: int) -> Outcome:
    token = TOKENS["clean"]
    started = time.time()
    await deliver(api.url, token, url)
    seconds = _last_stored(api, token, recipients) - started
    lost, repeats, _ = _count(api, token, recipients)
    rate_limited = api.control(token).stats()["rate_limited"]
    return Outcome(seconds, rate_limited, lost, repeats, recipients - lost)


async def _crash(api: Any, url: str, recipients: int) -> Outcome:
    token = TOKENS["crash"]
    started = time.time()
    first = await child("deliver", api.url, token, url, module="bench.fanout")
    try:
        while True:
            delivered = _count(api, token, recipients)[2]
            if delivered >= recipients // 2 or first.returncode is not None:
                break
            await asyncio.sleep(0.02)
    finally:
        if first.returncode is None:
            first.send_signal(signal.SIGKILL)  # kill -9: no clean shutdown
        await first.wait()
    killed_at = _count(api, token, recipients)[2]
    kill_time = time.time()
    second = await child("deliver", api.url, token, url, module="bench.fanout")
    try:
        await asyncio.wait_for(second.wait(), 150)
    finally:
        await stop_child(second)
    seconds = _last_stored(api, token, recipients) - started
    lost, repeats, _ = _count(api, token, recipients)
    rate_limited = api.control(token).stats()["rate_limited"]
    resumed = min(
        (
            m.time
            for i in range(recipients)
            for m in api.control(token).sent(FIRST_CHAT + i)
            if m.time > kill_time
        ),
        default=kill_time,
    )
    note = (
        f"killed with {killed_at} delivered (exit {first.returncode}); "
        f"the new process sent again after {resumed - kill_time:.1f} s"
    )
    return Outcome(seconds, rate_limited, lost, repeats, recipients - lost, note)


async def _measure(workdir: Path, recipients: int) -> tuple[Outcome, Outcome]:
    from bot.fakebotapi import FakeBotApi
    from bot.fakebotapi.limits import RateLimits

    urls = {name: f"sqlite:///{workdir / f'fanout-{name}.sqlite3'}" for name in TOKENS}
    for url in urls.values():  # one after the other: Alembic's context is process-global
        await asyncio.to_thread(prepare_database, url, recipients)
    async with FakeBotApi(rate_limits=RateLimits(global_per_second=RATE)) as api:
        for token in TOKENS.values():
            control = api.control(token)
            for i in range(recipients):
                control.user(FIRST_CHAT + i, f"Pegawai {i:04d}")
        clean = await _clean(api, urls["clean"], recipients)
        crash = await _crash(api, urls["crash"], recipients)
    return clean, crash


def run(quick: bool = False) -> list[Figure]:
    """The fan-out figures; ``quick``: 40 recipients instead of 1,000."""
    recipients = QUICK_RECIPIENTS if quick else RECIPIENTS
    with tempfile.TemporaryDirectory(prefix="sopbot-fanout-") as tmp:
        clean, crash = asyncio.run(_measure(Path(tmp), recipients))
    floor = recipients / RATE
    who = f"{recipients:,} recipients"
    return [
        Figure(
            "fan-out: total time / floor (N/30 s)",
            clean.seconds / floor,
            "x",
            1.15,
            "<=",
            f"{clean.seconds:.1f} s for {who}; floor {floor:.1f} s; sopbot spaces sends at 29/s",
        ),
        Figure("fan-out: 429 answers", clean.rate_limited, "", 0, "=="),
        Figure("fan-out: lost recipients", clean.lost, "", 0, "=="),
        Figure("fan-out: duplicates", clean.repeats, "", 0, "=="),
        Figure(
            "fan-out with kill -9: lost recipients",
            crash.lost,
            "",
            0,
            "==",
            f"{crash.note}; {crash.seconds:.1f} s in all, restart included",
        ),
        Figure("fan-out with kill -9: repeats", crash.repeats, "", 1, "<="),
        Figure(
            "fan-out with kill -9: 429 answers",
            crash.rate_limited,
            "",
            note="the new process cannot know what the killed one sent in its last second",
        ),
    ]


def main(argv: list[str]) -> None:
    """``python -m bench.fanout [--quick]``; ``deliver API_URL TOKEN DB_URL`` is the
    delivery process of the crash drill."""
    if argv[:1] == ["deliver"]:
        api_url, token, url = argv[1:4]
        asyncio.run(deliver(api_url, token, url))
    else:
        for figure in run(quick="--quick" in argv):
            print(figure.line())


if __name__ == "__main__":
    main(sys.argv[1:])
