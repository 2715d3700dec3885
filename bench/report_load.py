"""Other users while a 2,000-row consolidated report is made: their paced p95.

The world is :mod:`bench.reports`' database (40 bidang x 50 indicators, a
completed TW III run, everyone on Telegram). The real sopbot runs in a child
process (as in :mod:`bench.throughput`: its own database, the fake Bot API and
the simulated users in this process, the fake's rate limits off and sopbot's
own 29/s limiter removed, updates processed one at a time as sopbot does),
with its report cache in a fresh directory, so the report is really made.

Three phases, the same users:

* *idle*: other members send ``/tugas`` at a steady rate (each waits for its
  answer before it may be picked again); their p95 without a report, for
  comparison;
* the Kasubag Perencanaan asks ``/laporan``, "Triwulan III 2026" and
  "Seluruh organisasi (gabungan)": the consolidated 2,000-row report, to
  XLSX, PDF and the chart;
* *busy*: from that last press until the three files arrived in the Kasubag's
  chat, the others go on at the same rate; the figure is their p95, from the
  message stored at the fake to the bot's answer stored there. Also printed:
  how long the last press took to be answered and how long the files took.

The report's outbox event is marked sent before the bot starts, so the bot
makes only the report that was asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench import reports, throughput
from bench.common import Figure

TOKEN = "654330:bench-report-load"
NOW = datetime(2026, 10, 15, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
"""Thursday after the TW III run completed: the report menu offers Triwulan III 2026."""
PERIOD_LABEL = "Triwulan III 2026"
EVERYTHING = "Seluruh organisasi (gabungan)"
CHAT_BASE = 7_000_000_000
"""``bench.reports`` gives person ``n`` the Telegram id ``CHAT_BASE + n``; person 1 is the
Kasubag Perencanaan (an admin, who may ask for the whole organisation)."""
TARGET_MS = 100.0


@dataclass(frozen=True)
class Plan:
    units: int
    per_unit: int
    users: int
    """Other members taking part (persons 2, 3, ...)."""
    rate: float
    """Updates offered per second by the other members together."""
    idle_updates: int
    cap: float
    """Seconds the report may take before the busy phase stops waiting for it."""


FULL = Plan(units=40, per_unit=50, users=100, rate=5.0, idle_updates=50, cap=240.0)
QUICK = Plan(units=3, per_unit=4, users=6, rate=10.0, idle_updates=10, cap=120.0)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    offered: int = 0
    skipped: int = 0
    """Offers dropped because every member was still waiting for an answer."""
    errors: list[str] = field(default_factory=list)

    def percentile(self, q: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


class Members:
    """The other members; one is picked per offer, never one still waiting for an answer."""

    def __init__(self, users: list[Any], timeout: float) -> None:
        self.idle = list(users)
        self.timeout = timeout

    async def tugas(self, tally: Tally) -> None:
        if not self.idle:
            tally.skipped += 1
            return
        user = self.idle.pop(0)
        tally.offered += 1
        try:
            sent = await user.send_command("/tugas")
            answer = await user.wait_for_message(timeout=self.timeout)
            tally.latencies.append(answer.time - sent.time)
        except TimeoutError as error:
            tally.errors.append(str(error))
        finally:
            self.idle.append(user)


async def _paced(members: Members, rate: float, *, count: int | None, until: Any = None) -> Tally:
    """Offers at ``rate``/s: ``count`` of them, or until the future ``until`` is done."""
    tally = Tally()
    loop = asyncio.get_running_loop()
    start = loop.time()
    running = []
    n = 0
    while (count is not None and n < count) or (until is not None and not until.done()):
        await asyncio.sleep(max(0.0, start + n / rate - loop.time()))
        running.append(asyncio.create_task(members.tugas(tally)))
        n += 1
    await asyncio.gather(*running)
    return tally


def settle(url: str) -> None:
    """The organisation runs the SOP (its /laporan offers it), and every outbox event is
    marked sent: the bot under test sends only what it is asked for."""
    from bot.persistence.db import make_engine
    from bot.persistence.uow import make_uow_factory

    db = make_engine(url)
    try:
        with make_uow_factory(db)() as uow:
            org = uow.orgs.organisation(reports.SLUG)
            assert org is not None
            uow.orgs.set_sops(org.id, [reports.SOP_ID])
            for event in uow.audit.pending_events(10_000):
                event.dispatched_at = NOW
            uow.commit()
    finally:
        db.dispose()


async def serve(api_url: str, token: str, url: str, cache_dir: str) -> None:
    """The child process: the real sopbot until SIGTERM, its report cache in ``cache_dir``."""
    from bot.app import build_application
    from bot.reports.worker import ReportMaker
    from bot.settings import Settings

    services = throughput.open_services(url)
    services.clock = lambda: NOW
    services.reports = ReportMaker(Path(cache_dir))
    settings = Settings(TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE_URL=api_url)
    application = build_application(settings, services=services, background_jobs=False)
    application.bot._rate_limiter = None  # Telegram's 30/s is not what is measured here
    try:
        await throughput.poll_until_sigterm(application)
    finally:
        services.close()


async def _measure(plan: Plan, url: str, workdir: Path) -> list[Figure]:
    from bot.fakebotapi import FakeBotApi

    async with FakeBotApi(rate_limits=None) as api:
        control = api.control(TOKEN)
        kasubag = control.user(CHAT_BASE + 1, "Kasubag Perencanaan")
        others = [control.user(CHAT_BASE + n, f"Pegawai {n}") for n in range(2, plan.users + 2)]
        process = await throughput.child(
            "bot", api.url, TOKEN, url, str(workdir / "cache"), module="bench.report_load"
        )
        try:
            deadline = time.monotonic() + 60
            while control.stats()["requests"].get("getUpdates", 0) == 0:
                if process.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError("the sopbot process did not start polling")
                await asyncio.sleep(0.05)
            members = Members(others, timeout=plan.cap + 60)
            for user in others:  # warm-up: connections, first queries
                await user.send_command("/tugas")
                await user.wait_for_message(timeout=30)
            idle = await _paced(members, plan.rate, count=plan.idle_updates)

            await kasubag.send_command("/laporan")
            menu = await kasubag.wait_for_message(timeout=30)
            await kasubag.press(menu, PERIOD_LABEL)
            units = await kasubag.wait_for_edit(menu, timeout=30)
            pressed = await kasubag.press(units, EVERYTHING)

            def is_file(message: Any) -> bool:
                return "document" in message.json or "photo" in message.json

            async def files() -> float:
                last = None
                for _ in range(3):
                    last = await kasubag.wait_for_message(is_file, timeout=plan.cap)
                return last.time - pressed.time

            async def answered() -> float:
                await kasubag.wait_for_edit(menu, timeout=plan.cap, edits=2)
                return time.time() - pressed.time

            made = asyncio.ensure_future(files())
            answer = asyncio.ensure_future(answered())
            busy = await _paced(members, plan.rate, count=None, until=made)
            with contextlib.suppress(TimeoutError):
                await made
            answer_s = await answer if answer.done() else float("nan")
        finally:
            await throughput.stop_child(process)
    rows = plan.units * plan.per_unit
    made_s = made.result() if made.done() and not made.exception() else float("nan")
    note = (
        f"{len(busy.latencies)} /tugas of {plan.users} members at {plan.rate:g}/s while "
        f"the report was made; idle p95 {idle.percentile(95):.0f} ms"
    )
    if busy.skipped:
        note += f"; {busy.skipped} offers skipped (every member still waiting)"
    if busy.errors or idle.errors:
        note += f"; {len(busy.errors) + len(idle.errors)} unanswered"
    return [
        Figure(
            f"other users' p95 while a {rows:,}-row report is made",
            busy.percentile(95),
            "ms",
            TARGET_MS,
            note=note,
        ),
        Figure("other users' p50 while the report is made", busy.percentile(50), "ms"),
        Figure(
            "/laporan: last press answered after",
            answer_s * 1000,
            "ms",
            note="the menu edited to say the report is being prepared",
        ),
        Figure(
            f"/laporan: {rows:,}-row report's 3 files arrived after",
            made_s,
            "s",
            note="collect, XLSX + PDF + chart in the worker process, three sends",
        ),
    ]


def run(quick: bool = False) -> list[Figure]:
    plan = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="sopbot-bench-report-load-") as tmp:
        built = reports.build_database(Path(tmp), plan.units, plan.per_unit)
        settle(built.url)
        print(
            f"  data: {plan.units} units x {plan.per_unit} indicators, "
            f"built in {built.seconds:.1f} s (not measured)",
            flush=True,
        )
        return asyncio.run(_measure(plan, built.url, Path(tmp)))


def main(argv: list[str]) -> None:
    """``python -m bench.report_load [--quick]``; ``bot ...`` is the child's entry point."""
    if argv[:1] == ["bot"]:
        api_url, token, url, cache_dir = argv[1:5]
        asyncio.run(serve(api_url, token, url, cache_dir))
    else:
        for figure in run(quick="--quick" in argv):
            print(figure.line())


if __name__ == "__main__":
    main(sys.argv[1:])
