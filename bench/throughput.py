"""Update throughput: sopbot's guided input for 200 users against a bare PTB echo bot.

Both bots run in a child process of their own (as in production, where
Telegram is another machine) and long-poll the embedded fake Bot API server,
which runs in this process together with the simulated users. The fake's rate
limits are off, and sopbot's own ``AIORateLimiter`` (29 messages/s, which would
cap any bot at Telegram's 30/s) is removed in the child, so the figures show
what the bot's update handling can do, not what Telegram lets it send. The
bare bots process updates one at a time (PTB's default); sopbot processes as
many at once as its settings say for the database's backend
(``bot.app.concurrent_updates``: SOPBOT_CONCURRENT_UPDATES, else the measured
default), different chats side by side and one chat's updates in order.

The *anchor* is a third bare PTB bot that plays sopbot's part without a
database: the same script of presses and typed figures, answered with the same
Bot API calls per update as the guided input (answer the callback, remove the
pressed message's buttons where sopbot does, send the next question with its
buttons). sopbot's ratio to it says what the database and the logic cost; the
echo ratio stays as a reported figure. The *floor* bot (``bench.floor``) is the
anchor plus one minimal transaction per update on each backend: its ratio to the
anchor is what committing every update costs at the least, and sopbot's ratio to
it is what sopbot's own reads, logic and rendering cost.

The world: 200 bidang with one indicator and a Kabid, a Kasubid and an Analis
each, 10 bidang per organisation (the sample organisation and 19 copies),
every bidang at step 3 of a TW3 run of SOP 004, reached through the engine.
``SOPBOT_BENCH_PROFILE=/tmp/p`` writes a cProfile of each bot process to
``/tmp/p.<kind>.<pid>.prof`` (its main thread: where sopbot's service calls run
when it takes one update at a time, ``bot.telegram.calls``).

``--one-org`` (``run(one_org=True)``) puts all 200 in the sample organisation
instead. Every other run measures that world too, on SQLite, as one more bot in
the same rounds (its own database and process), and reports
"one-org/per-org throughput" (target: within 1.2x): an update reads only the
role holders near its unit and the unit tree as plain rows, so its cost should
not grow with the organisation. "one-org/per-org CPU per update" is reported beside it:
the bot's CPU per update, which a busy machine disturbs less than the rate.

Every user runs the real conversation, in the bot's own database: the task
notice (sent by the real outbox), "Buka tugas", "Isi data", type a
figure, "Benar, simpan", "Selesai" at the task's evidence question (kendala and
tindak lanjut are not asked: the capaian is above the threshold), then "Ubah", a
new figure, confirm and "Kirim" — 9 updates. The echo bot gets 9 text messages
from each user. Two phases, the same for every bot:

* *paced*: the first update of 50 users, offered at 5 updates/s (200 users
  each acting every 40 s) — the latency a user sees when the bot is not
  saturated (p50/p95, from the user's message stored at the fake to the bot's
  answer stored there);
* *burst*: everything else, every user acting the moment the bot answered
  them — updates/s = answered updates / wall time (capped; what was not
  answered by the cap is not counted). It is played in four rounds: in each,
  every bot in turn serves its next quarter of the users, so the bots compared
  share the machine's good and bad moments (one 20 s burst per bot let the
  anchor's rate move by a third between two runs on this shared machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bench.common import Figure

if TYPE_CHECKING:
    from telegram.ext import Application

SOP = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
PERIOD = "2026-TW3"
NOW = datetime(2026, 10, 12, 8, 0, tzinfo=ZoneInfo("Asia/Makassar"))
"""Monday 12 October 2026 08.00 WITA: inside TW3's collection window."""
P95_TARGET_MS = {"sqlite": 30.0, "postgresql": 50.0}
"""Paced p95 of guided input per backend (issue 15's targets)."""
FIRST_CHAT = 500_000
TOKENS = {
    "echo": "654321:bench-echo",
    "sqlite": "654322:bench-sqlite",
    "postgresql": "654323:bench-pg",
    "anchor": "654324:bench-anchor",
    "floor-sqlite": "654325:bench-floor-sqlite",
    "floor-postgresql": "654326:bench-floor-pg",
    "sqlite, one org": "654327:bench-sqlite-one-org",
    "anchor-pool": "654328:bench-anchor-pool",
}
ONE_ORG = "sqlite, one org"
"""The one-organisation world's backend name, measured beside the per-organisation ones."""
FLOOR_AT_ONCE = "SOPBOT_BENCH_FLOOR_AT_ONCE"
"""Updates the floor bots take at once (default 1), each transaction in a worker thread
when more than one: how a floor that overlaps its waits for the database fares."""
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
"""Where a throw-away database is created (``SOPBOT_BENCH_PG_URL`` overrides)."""


@dataclass(frozen=True)
class Plan:
    users: int
    paced_users: int
    paced_rate: float
    burst_cap: float
    postgres: bool
    per_org: int = 10
    """Bidang per organisation (``--one-org``: all of them in the sample organisation)."""


FULL = Plan(users=200, paced_users=50, paced_rate=5.0, burst_cap=20.0, postgres=True)
QUICK = Plan(users=6, paced_users=3, paced_rate=20.0, burst_cap=20.0, postgres=False)


# --- the database: N bidang, each with a Kabid, a Kasubid and an Analis on Telegram ------
def indicator_code(i: int) -> str:
    return f"UJI-{i:03d}"


def prepare_database(url: str, users: int, per_org: int = 10) -> None:
    """Migrate; then ``users`` bidang with one indicator and a Kabid, a Kasubid and an Analis
    each, ``per_org`` of them in each organisation (the sample organisation and copies of
    it); start a TW3 run in each organisation for its bidang and bring every bidang to
    step 3 (the Analis's input) through the engine."""
    from bot.definitions import load_catalog
    from bot.domain.enums import TaskState, UnitKind
    from bot.engine import Engine
    from bot.imports.org_file import read_org_file
    from bot.imports.org_import import import_org
    from bot.imports.problems import Problems
    from bot.persistence.db import make_engine
    from bot.persistence.migrate import upgrade
    from bot.persistence.models import Indicator, Person, RoleAssignment, Target, Unit
    from bot.persistence.uow import make_uow_factory
    from bot.settings import get_settings
    from bot.simulate.setup import SAMPLE_SLUG, import_sample, sample_dir

    upgrade(url)
    db = make_engine(url)
    try:
        uow_factory = make_uow_factory(db)
        import_sample(uow_factory)
        problems = Problems()
        sample = read_org_file(sample_dir() / "organisation.yaml", problems)
        problems.raise_if_any()
        assert sample.org is not None
        engine = Engine(uow_factory, load_catalog([get_settings().definitions_dir]))
        with uow_factory() as uow:
            org = uow.orgs.organisation(SAMPLE_SLUG)
            found = uow.indicators.indicator(org.id, "IWK-01") if org else None
            assert found is not None
            template = {c.key: getattr(found, c.key) for c in Indicator.__table__.columns}
            targets = [(t.year, t.period, t.value) for t in found.targets]
        for first in range(0, users, per_org):
            numbers = range(first, min(first + per_org, users))
            slug = SAMPLE_SLUG if first == 0 else f"{SAMPLE_SLUG}-uji-{first // per_org:03d}"
            people: dict[str, tuple[int, int]] = {}  # unit code -> (kabid, kasubid)
            with uow_factory() as uow:
                if first:
                    values = {**sample.org.values, "name": f"Organisasi uji {slug}"}
                    spec = replace(sample.org, slug=slug, values=values)
                    import_org(uow, replace(sample, org=spec), None)
                    uow.flush()
                org = uow.orgs.organisation(slug)
                badan = uow.orgs.unit(org.id, "BADAN") if org else None
                assert org is not None and badan is not None
                session = uow.session
                for i in numbers:
                    unit = Unit(
                        organisation_id=org.id,
                        parent_id=badan.id,
                        code=f"BENCH-{i:03d}",
                        name=f"Bidang Uji {i:03d}",
                        kind=UnitKind.BIDANG,
                    )
                    session.add(unit)
                    session.flush()
                    ids = []
                    for role in ("kabid", "kasubid", "analis"):
                        person = Person(
                            organisation_id=org.id,
                            name=f"{role.title()} Uji {i:03d}",
                            nip=f"88880000{i:04d}{len(ids):06d}",
                            telegram_user_id=FIRST_CHAT + i if role == "analis" else None,
                        )
                        session.add(person)
                        session.flush()
                        session.add(
                            RoleAssignment(person_id=person.id, role_key=role, unit_id=unit.id)
                        )
                        ids.append(person.id)
                    people[unit.code] = (ids[0], ids[1])
                    indicator = Indicator(
                        **{
                            **template,
                            "id": None,
                            "organisation_id": org.id,
                            "unit_id": unit.id,
                            "code": indicator_code(i),
                            "name": f"Persentase kegiatan uji {i:03d} yang terlaksana",
                        }
                    )
                    indicator.targets = [Target(year=y, period=p, value=v) for y, p, v in targets]
                    session.add(indicator)
                uow.commit()
            run_id = engine.start_run(SOP, slug, PERIOD, now=NOW, units=list(people))
            for step, holder in ((1, 0), (2, 1)):
                with uow_factory() as uow:
                    tasks = {
                        t.unit.code: t.id
                        for t in uow.work.tasks_of_run(run_id, state=TaskState.OPEN)
                        if t.step_no == step
                    }
                for code, holders in people.items():
                    engine.complete_task(tasks[code], holders[holder], now=NOW)
    finally:
        db.dispose()


def open_services(url: str) -> Any:
    """sopbot's services on ``url`` with the benchmark's fixed clock."""
    from bot.definitions import load_catalog
    from bot.engine import Engine
    from bot.persistence.db import make_engine
    from bot.persistence.uow import make_uow_factory
    from bot.services.context import Services
    from bot.settings import get_settings

    db = make_engine(url)
    uow_factory = make_uow_factory(db)
    catalog = load_catalog([get_settings().definitions_dir])
    return Services(uow_factory, catalog, Engine(uow_factory, catalog), db=db, clock=lambda: NOW)


async def deliver_outbox(api_url: str, token: str, url: str) -> int:
    """Send every pending outbox event through sopbot's real outbox; returns messages sent."""
    from telegram import Bot

    from bot.telegram.outbox import dispatch_pending

    services = open_services(url)
    bot = Bot(token, base_url=f"{api_url}/bot", base_file_url=f"{api_url}/file/bot")
    sent = 0
    try:
        async with bot:
            while True:
                sent += await dispatch_pending(bot, services, limit=100)
                with services.uow_factory() as uow:
                    if not uow.audit.pending_events(1):
                        return sent
    finally:
        services.close()


# --- child processes: the database preparation and the bots ---------------------------
ROOT = Path(__file__).resolve().parents[1]


async def child(*args: str, module: str = "bench.throughput") -> asyncio.subprocess.Process:
    """``python -m <module> <args>`` in the repository root."""
    return await asyncio.create_subprocess_exec(sys.executable, "-m", module, *args, cwd=ROOT)


async def stop_child(process: asyncio.subprocess.Process) -> None:
    """SIGTERM (a clean stop), then SIGKILL if it does not come."""
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


def bare_application(
    api_url: str, token: str, *, pooled: bool = False, at_once: int = 1
) -> Application:
    """A plain PTB application on the fake Bot API (the echo, the anchor, the floor bots);
    ``pooled``: with sopbot's Bot API client (``PoolRequest``) instead of PTB's default;
    ``at_once`` > 1: that many updates at once, one chat's in order, as sopbot takes them."""
    from telegram.ext import Application

    builder = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
    )
    if pooled:
        from bot.telegram.http_client import PoolRequest

        builder = builder.request(PoolRequest(256)).get_updates_request(PoolRequest())
    if at_once > 1:
        from bot.telegram.concurrency import PerChatUpdateProcessor

        builder = builder.concurrent_updates(PerChatUpdateProcessor(at_once))
    return builder.build()


async def serve_bot(kind: str, api_url: str, token: str, url: str | None) -> None:
    """The bot in a child process until SIGTERM: the bare echo bot or the real sopbot."""
    from telegram import Update
    from telegram.ext import ContextTypes, MessageHandler, filters

    services = None
    store = None
    if kind == "echo":

        async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if update.message is not None and update.message.text is not None:
                await update.message.reply_text(update.message.text)

        application = bare_application(api_url, token)
        application.add_handler(MessageHandler(filters.TEXT, echo))
    elif kind in ("anchor", "anchor-pool"):
        application = bare_application(api_url, token, pooled=kind == "anchor-pool")
        anchor_handlers(application)
    elif kind == "floor":
        from bench.floor import FloorStore, floor_handlers

        assert url is not None
        store = FloorStore(url, range(FIRST_CHAT, FIRST_CHAT + FULL.users))
        at_once = int(os.environ.get(FLOOR_AT_ONCE, "1"))
        application = bare_application(api_url, token, at_once=at_once)
        floor_handlers(application, store, in_thread=at_once > 1)
    else:
        from bot.app import build_application
        from bot.settings import Settings

        assert url is not None
        services = open_services(url)
        settings = Settings(
            TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE_URL=api_url, DATABASE_URL=url
        )  # the database's backend picks the concurrency (SOPBOT_CONCURRENT_UPDATES overrides)
        application = build_application(settings, services=services, background_jobs=False)
        application.bot._rate_limiter = None  # Telegram's 30/s is not what is measured here
    try:
        await poll_until_sigterm(application)
    finally:
        if services is not None:
            services.close()
        if store is not None:
            store.close()


async def poll_until_sigterm(application: Application) -> None:
    """Run ``application`` with long polling until the process gets SIGTERM."""
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    assert application.updater is not None
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=10)
    try:
        await stop.wait()
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


# --- the anchor: sopbot's Bot API calls without sopbot ------------------------------------
ANCHOR_BUTTONS = (
    ("Buka tugas", "open"),
    ("Isi data", "fill"),
    ("Benar, simpan", "confirm"),
    ("Selesai", "done"),
    ("Ubah {code}", "edit"),
    ("Kirim", "submit"),
)
ANCHOR_EDITS = frozenset({"confirm", "done", "submit"})
"""Presses after which sopbot removes the pressed message's buttons before it answers."""
ANCHOR_TEXT = (
    "<b>Kesbangpol Jeneponto · TW III 2026</b>\nIndikator {code}: jumlah dokumen yang "
    "diselesaikan tepat waktu.\nTarget: <b>100</b> dokumen · Realisasi TW II: 95\n"
    "Ketik realisasi triwulan ini (contoh: 82,5), atau pilih tombol di bawah."
)


def anchor_keyboard(chat_id: int) -> Any:
    """Every button the script presses, so any answer carries the next one."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    code = indicator_code(chat_id - FIRST_CHAT)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label.format(code=code), callback_data=data)]
            for label, data in ANCHOR_BUTTONS
        ]
    )


def anchor_text(chat_id: int) -> str:
    return ANCHOR_TEXT.format(code=indicator_code(chat_id - FIRST_CHAT))


def anchor_handlers(application: Any) -> None:
    """A press: answer, remove the buttons where sopbot does, send the next question. A
    typed figure: send the echo. No database, no templates: the Bot API calls alone."""
    from telegram import Update
    from telegram.constants import ParseMode
    from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.message is None:
            return
        await query.answer()
        if query.data in ANCHOR_EDITS:
            await query.edit_message_reply_markup(None)
        chat_id = query.message.chat.id
        await context.bot.send_message(
            chat_id, anchor_text(chat_id), ParseMode.HTML, reply_markup=anchor_keyboard(chat_id)
        )

    async def typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is None:
            return
        chat_id = update.message.chat.id
        await update.message.reply_text(
            anchor_text(chat_id), ParseMode.HTML, reply_markup=anchor_keyboard(chat_id)
        )

    application.add_handler(CallbackQueryHandler(press))
    application.add_handler(MessageHandler(filters.TEXT, typed))


async def seed_anchor(api_url: str, token: str, users: int) -> None:
    """The anchor's "task notice": one message with the buttons to each user."""
    from telegram import Bot
    from telegram.constants import ParseMode

    bot = Bot(token, base_url=f"{api_url}/bot", base_file_url=f"{api_url}/file/bot")
    async with bot:
        for i in range(users):
            chat_id = FIRST_CHAT + i
            await bot.send_message(
                chat_id, anchor_text(chat_id), ParseMode.HTML, reply_markup=anchor_keyboard(chat_id)
            )


class BotProcess:
    """A bot in a child process, polling the fake with ``token``; ready once it polls."""

    def __init__(self, kind: str, api: Any, token: str, url: str | None = None) -> None:
        self.api, self.token = api, token
        self.args = ["bot", kind, api.url, token, url or ""]
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> BotProcess:
        self.process = await child(*self.args)
        control = self.api.control(self.token)
        deadline = time.monotonic() + 60
        while control.stats()["requests"].get("getUpdates", 0) == 0:
            if self.process.returncode is not None or time.monotonic() > deadline:
                await stop_child(self.process)
                raise RuntimeError(f"the bot process for {self.token} did not start polling")
            await asyncio.sleep(0.05)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.process is not None:
            await stop_child(self.process)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the bot's process so far (``/proc/<pid>/stat``)."""
        if self.process is None:
            return float("nan")
        return process_cpu_seconds(self.process.pid)


def process_cpu_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return float("nan")
    fields = stat.rsplit(")", 1)[1].split()  # after "(comm)": state is fields[0]
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the users ------------------------------------------------------------------------
Step = tuple[str, str]  # ("text", value) or ("press", button text; "" = the first button)


def sopbot_script(i: int) -> list[Step]:
    return [
        ("press", ""),  # "Buka tugas" on the task notice
        ("press", "Isi data"),
        ("text", "82,5"),
        ("press", "Benar, simpan"),
        ("press", "Selesai"),  # the task's evidence, asked once: none
        ("press", f"Ubah {indicator_code(i)}"),
        ("text", "85"),
        ("press", "Benar, simpan"),  # a single edit goes back to the summary
        ("press", "Kirim"),
    ]


def echo_script(i: int) -> list[Step]:
    return [("text", f"{80 + n},5") for n in range(len(sopbot_script(i)))]


@dataclass
class Tally:
    """What one phase saw: a latency per answered update, and when the last answer came."""

    latencies: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    last_answer: float = 0.0
    errors: list[str] = field(default_factory=list)
    offered: int = 0
    capped: bool = False
    cpu_s: float = float("nan")
    """CPU seconds (user + system) the bot's process used during the phase: a figure that
    other work on a shared machine disturbs far less than the wall-clock rate."""
    elapsed_s: float | None = None
    """Set when the phase was played in rounds (``combined``): their wall time added up."""

    def cpu_ms_per_update(self) -> float:
        return self.cpu_s / len(self.latencies) * 1000 if self.latencies else float("nan")

    def elapsed(self) -> float:
        if self.elapsed_s is not None:
            return self.elapsed_s
        return (self.last_answer or time.time()) - self.started

    def rate(self) -> float:
        elapsed = self.elapsed()
        return len(self.latencies) / elapsed if elapsed > 0 else 0.0

    @classmethod
    def combined(cls, rounds: list[Tally]) -> Tally:
        """One bot's bursts of every round as one phase: answers over their summed time."""
        return cls(
            latencies=[latency for part in rounds for latency in part.latencies],
            errors=[error for part in rounds for error in part.errors],
            offered=sum(part.offered for part in rounds),
            capped=any(part.capped for part in rounds),
            cpu_s=sum(part.cpu_s for part in rounds),
            elapsed_s=sum(part.elapsed() for part in rounds),
        )

    def percentile(self, q: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1] * 1000


class Player:
    """One user walking through their script, one step at a time."""

    def __init__(self, user: Any, script: list[Step], timeout: float) -> None:
        self.user, self.script, self.timeout = user, script, timeout
        self.position = 0
        self.last: Any = user.last_message()

    async def step(self, tally: Tally) -> None:
        kind, arg = self.script[self.position]
        if kind == "text":
            sent_at = (await self.user.send_text(arg)).time
        else:
            if self.last is None:
                raise LookupError("no bot message to press a button on")
            button = arg or self.last.buttons[0][0].text
            sent_at = (await self.user.press(self.last, button)).time
        reply = await self.user.wait_for_message(timeout=self.timeout)
        self.last = reply
        self.position += 1
        tally.latencies.append(reply.time - sent_at)
        tally.last_answer = max(tally.last_answer, reply.time)

    @property
    def done(self) -> bool:
        return self.position >= len(self.script)


async def _paced(players: list[Player], rate: float) -> Tally:
    """One step of each player, started 1/rate s apart (not waiting for the previous)."""
    tally = Tally()
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(n: int, player: Player) -> None:
        await asyncio.sleep(max(0.0, start + n / rate - loop.time()))
        try:
            await player.step(tally)
        except (LookupError, TimeoutError) as error:
            tally.errors.append(str(error))

    await asyncio.gather(*(one(n, p) for n, p in enumerate(players)))
    return tally


async def _burst(players: list[Player], cap: float) -> Tally:
    """Every player runs the rest of its script as fast as the bot answers, up to ``cap`` s."""
    tally = Tally()

    async def run(player: Player) -> None:
        try:
            while not player.done:
                await player.step(tally)
        except (LookupError, TimeoutError) as error:
            tally.errors.append(str(error))

    tasks = [asyncio.create_task(run(p)) for p in players]
    _, pending = await asyncio.wait(tasks, timeout=cap)
    for task in pending:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*pending, return_exceptions=True)
    if pending:
        tally.capped = True
        tally.last_answer = tally.started + cap
    return tally


ROUNDS = 4
"""The burst is played in this many rounds, each bot in turn on its next quarter of the
users (see ``_play``)."""


@dataclass
class Contender:
    """One bot of the comparison: its token, its users' script, its process's CPU so far."""

    token: str
    script: Callable[[int], list[Step]]
    cpu: Callable[[], float] = lambda: float("nan")


async def _play(api: Any, plan: Plan, bots: list[Contender]) -> dict[str, tuple[Tally, Tally]]:
    """Each bot's warm-up (the last user's first update: connections, caches) and paced
    phase, one bot after the other; then the burst in ``ROUNDS`` rounds: in each round every
    bot in turn plays the rest of the script of its next quarter of the users, as fast as it
    answers (cap: ``plan.burst_cap`` / ``ROUNDS``). A bot's burst is its rounds together.

    Played in rounds, the bots compared share the machine's good and bad moments: on a
    shared 2-core machine one bot's 20 s burst could run 30% slower than the next bot's for
    reasons of its own, and the ratios between bots moved with it."""
    players = {
        bot.token: [
            Player(api.control(bot.token).user(FIRST_CHAT + i), bot.script(i), plan.burst_cap + 10)
            for i in range(plan.users)
        ]
        for bot in bots
    }
    paced: dict[str, Tally] = {}
    for bot in bots:
        await players[bot.token][-1].step(Tally())
        paced[bot.token] = await _paced(players[bot.token][: plan.paced_users], plan.paced_rate)
    rounds: dict[str, list[Tally]] = {bot.token: [] for bot in bots}
    for n in range(ROUNDS):
        for bot in bots:
            group = players[bot.token][n::ROUNDS]
            offered = sum(len(p.script) - p.position for p in group)
            cpu_before = bot.cpu()
            burst = await _burst(group, plan.burst_cap / ROUNDS)
            burst.cpu_s = bot.cpu() - cpu_before  # the cap's cancelled waits cost nothing
            burst.offered = offered
            rounds[bot.token].append(burst)
    return {bot.token: (paced[bot.token], Tally.combined(rounds[bot.token])) for bot in bots}


# --- databases --------------------------------------------------------------------------
@contextlib.contextmanager
def postgres_database() -> Any:
    """A new database on the local server, dropped afterwards; yields its URL or None."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.persistence.db import normalise_url

    server = normalise_url(os.environ.get("SOPBOT_BENCH_PG_URL", PG_SERVER))
    name = f"sopbot_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:  # any driver error: no usable server
        admin.dispose()
        yield None
        return
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


async def _prepare(users: int, per_org: int, url: str, api_url: str, token: str) -> int | None:
    """The database and the task notices, in a child process (several run side by side)."""
    process = await child("prepare", url, str(users), str(per_org), api_url, token)
    return await process.wait()


# --- the benchmark ----------------------------------------------------------------------
async def _measure(
    plan: Plan, workdir: Path, pg_url: str | None, *, one_org_beside: bool = False
) -> list[Figure]:
    """Prepare the databases and start every bot process side by side (nothing is measured
    yet), then play the users against all of them (``_play``: one bot at a time while the
    others idle in their long poll). ``one_org_beside``: also sopbot on SQLite with every
    bidang in one organisation, compared with the per-organisation figure."""
    from bot.fakebotapi import FakeBotApi

    figures: list[Figure] = []
    backends = {"sqlite": f"sqlite:///{workdir / 'bench.sqlite3'}"}
    if pg_url is not None:
        backends["postgresql"] = pg_url
    per_org = dict.fromkeys(backends, plan.per_org)
    if one_org_beside:
        backends[ONE_ORG] = f"sqlite:///{workdir / 'bench-one-org.sqlite3'}"
        per_org[ONE_ORG] = plan.users
    async with FakeBotApi(rate_limits=None) as api, contextlib.AsyncExitStack() as stack:
        for token in TOKENS.values():
            control = api.control(token)
            for i in range(plan.users):
                control.user(FIRST_CHAT + i, f"Analis {i:03d}")
        started = time.monotonic()
        floors = {name: TOKENS[f"floor-{name}"] for name in backends if name != ONE_ORG}
        bots = [
            BotProcess("echo", api, TOKENS["echo"]),
            BotProcess("anchor", api, TOKENS["anchor"]),
            BotProcess("anchor-pool", api, TOKENS["anchor-pool"]),
            *(
                BotProcess("floor", api, token, _floor_url(name, backends[name], workdir))
                for name, token in floors.items()
            ),
            *(BotProcess("sopbot", api, TOKENS[name], url) for name, url in backends.items()),
        ]
        cpu_of = {bot.token: bot.cpu_seconds for bot in bots}
        results = await asyncio.gather(
            *(
                _prepare(plan.users, per_org[name], url, api.url, TOKENS[name])
                for name, url in backends.items()
            ),
            *(stack.enter_async_context(bot) for bot in bots),
            *(  # the anchor's "task notice", for the anchor and the floor bots
                seed_anchor(api.url, token, plan.users)
                for token in [TOKENS["anchor"], TOKENS["anchor-pool"], *floors.values()]
            ),
        )
        setup_s = time.monotonic() - started
        for name, code in zip(list(backends), results[: len(backends)], strict=True):
            if code != 0:
                failed = Figure(f"throughput setup ({name})", code or -1, "exit", note="failed")
                figures.append(failed)
                del backends[name]

        contenders = [
            Contender(TOKENS["echo"], echo_script, cpu_of[TOKENS["echo"]]),
            Contender(TOKENS["anchor"], sopbot_script, cpu_of[TOKENS["anchor"]]),
            Contender(TOKENS["anchor-pool"], sopbot_script, cpu_of[TOKENS["anchor-pool"]]),
            *(
                Contender(token, sopbot_script, cpu_of[token])
                for name in backends
                for token in [*([floors[name]] if name in floors else []), TOKENS[name]]
            ),
        ]
        played = await _play(api, plan, contenders)
        echo_paced, echo_burst = played[TOKENS["echo"]]
        echo_rate = echo_burst.rate()
        common = f"{plan.users} users, sequential updates, fake's rate limits off"
        figures += _baseline_figures("echo", echo_paced, echo_burst, common)
        anchor_paced, anchor_burst = played[TOKENS["anchor"]]
        anchor_rate = anchor_burst.rate()
        anchor_cpu = anchor_burst.cpu_ms_per_update()
        same = f"{plan.users} users, sopbot's script and Bot API calls, no database"
        figures += _baseline_figures("anchor", anchor_paced, anchor_burst, same)
        pool_paced, pool_burst = played[TOKENS["anchor-pool"]]
        pool_rate = pool_burst.rate()
        figures += _pool_anchor_figures(pool_paced, pool_burst, anchor_rate, anchor_cpu)
        for name, url in backends.items():
            paced, burst = played[TOKENS[name]]
            world = f"{plan.users} bidang, {per_org[name]} per organisation"
            at_once = f"{world}, {concurrency(url)} updates at once"
            sopbot = _sopbot_figures(name, plan, paced, burst, echo_rate, setup_s, at_once)
            if name == ONE_ORG:
                figures += one_org_figures(plan, figures, sopbot, burst)
                continue
            figures += sopbot
            floor_paced, floor_burst = played[floors[name]]
            floor_rate = floor_burst.rate()
            figures += _floor_figures(name, floor_paced, floor_burst, anchor_rate)
            ratio = burst.rate() / anchor_rate if anchor_rate else 0.0
            figures.append(Figure(f"sopbot/anchor ratio ({name})", ratio, "x", 0.8, ">="))
            figures.append(
                Figure(
                    f"sopbot/pooled anchor ratio ({name})",
                    burst.rate() / pool_rate if pool_rate else 0.0,
                    "x",
                    note="against the anchor on sopbot's own Bot API client",
                )
            )
            beside = burst.rate() / floor_rate if floor_rate else 0.0
            figures.append(
                Figure(
                    f"sopbot/floor ratio ({name})",
                    beside,
                    "x",
                    note="what sopbot's own reads, logic and rendering cost",
                )
            )
            own_cpu = burst.cpu_ms_per_update()
            figures.append(
                Figure(
                    f"sopbot: CPU per update ({name}, burst)",
                    own_cpu,
                    "ms",
                    note=f"the bot's process only (not the database server); anchor/sopbot "
                    f"CPU {anchor_cpu / own_cpu:.2f} x"
                    if own_cpu > 0
                    else "the bot's process only",
                )
            )
    return figures


def _floor_url(backend: str, url: str, workdir: Path) -> str:
    """The floor bot's database: its own SQLite file, or its own tables in the PostgreSQL
    database made for this run."""
    return f"sqlite:///{workdir / 'floor.sqlite3'}" if backend == "sqlite" else url


def _floor_figures(backend: str, paced: Tally, burst: Tally, anchor_rate: float) -> list[Figure]:
    """The floor bot on ``backend`` (``bench.floor``): its rate, latencies, CPU, and its ratio
    to the anchor (the most a bot committing every update can reach here)."""
    rate = burst.rate()
    return [
        Figure(
            f"floor bot ({backend}): updates/s (burst)",
            rate,
            "upd/s",
            note="the anchor + one transaction per update: read the position, write the "
            "answer and the next position (SQLAlchemy Core, sopbot's engine settings)",
        ),
        Figure(f"floor bot ({backend}): p95 latency (paced)", paced.percentile(95), "ms"),
        Figure(f"floor bot ({backend}): CPU per update (burst)", burst.cpu_ms_per_update(), "ms"),
        Figure(
            f"floor/anchor ratio ({backend})",
            rate / anchor_rate if anchor_rate else 0.0,
            "x",
            note="the best any bot that commits each update could do against the anchor",
        ),
    ]


def _pool_anchor_figures(
    paced: Tally, burst: Tally, anchor_rate: float, anchor_cpu: float
) -> list[Figure]:
    """The anchor on sopbot's Bot API client (``PoolRequest``, not PTB's ``HTTPXRequest``):
    how much of what sopbot gains against the anchor is its cheaper client, not its own work."""
    rate, cpu = burst.rate(), burst.cpu_ms_per_update()
    return [
        Figure(
            "anchor bot on sopbot's client: updates/s (burst)",
            rate,
            "upd/s",
            note=f"{rate / anchor_rate if anchor_rate else 0.0:.2f} x the anchor; CPU per update "
            f"{cpu:.2f} against {anchor_cpu:.2f} ms",
        ),
        Figure("anchor bot on sopbot's client: p95 latency (paced)", paced.percentile(95), "ms"),
    ]


def _baseline_figures(bot: str, paced: Tally, burst: Tally, note: str) -> list[Figure]:
    """A bare PTB bot's rate, paced latencies and CPU per update (the echo, the anchor)."""
    return [
        Figure(f"{bot} bot (bare PTB): updates/s (burst)", burst.rate(), "upd/s", note=note),
        Figure(f"{bot} bot: p50 latency (paced)", paced.percentile(50), "ms"),
        Figure(f"{bot} bot: p95 latency (paced)", paced.percentile(95), "ms"),
        Figure(f"{bot} bot: CPU per update (burst)", burst.cpu_ms_per_update(), "ms"),
    ]


def concurrency(url: str) -> int:
    """How many updates the sopbot child on ``url`` processes at once (its settings)."""
    from bot.app import concurrent_updates
    from bot.settings import Settings

    return concurrent_updates(Settings(DATABASE_URL=url))


def _sopbot_figures(
    name: str,
    plan: Plan,
    paced: Tally,
    burst: Tally,
    echo_rate: float,
    prepare_s: float,
    world: str,
) -> list[Figure]:
    rate = burst.rate()
    answered = len(burst.latencies)
    note = f"{answered}/{burst.offered} burst updates answered"
    if burst.capped:
        note += f" within the {plan.burst_cap:g} s cap ({ROUNDS} rounds)"
    errors = paced.errors + burst.errors
    if errors:
        note += f"; {len(errors)} conversation errors, first: {errors[0][:80]}"
    sqlite = name == "sqlite"
    return [
        Figure(
            f"sopbot guided input ({name}): updates/s (burst)",
            rate,
            "upd/s",
            note=f"{world}; {note}; its 29/s AIORateLimiter removed; setup {prepare_s:.0f} s",
        ),
        # Reported beside the anchor's ratio, which carries the target (issue 15).
        Figure(f"sopbot/echo ratio ({name})", rate / echo_rate if echo_rate else 0, "x"),
        Figure(
            f"sopbot p50 latency ({name}, paced)",
            paced.percentile(50),
            "ms",
            note=f"{len(paced.latencies)} updates at {plan.paced_rate:g}/s",
        ),
        Figure(
            f"sopbot p95 latency ({name}, paced)",
            paced.percentile(95),
            "ms",
            P95_TARGET_MS["sqlite" if sqlite else "postgresql"],
            "<=",
            note=f"burst p95 {burst.percentile(95):,.0f} ms (queueing behind "
            f"{-(-plan.users // ROUNDS)} users a round)",
        ),
    ]


def run(quick: bool = False, one_org: bool = False) -> list[Figure]:
    """The throughput figures; ``quick``: a few users on SQLite only (a smoke test);
    ``one_org``: every bidang in one organisation (see the module doc). Otherwise the
    one-organisation world is measured too, on SQLite, in the same rounds as the others,
    and reported beside the per-organisation figure: what a call costs should not grow
    with the organisation."""
    plan = QUICK if quick else FULL
    if one_org:
        plan = replace(plan, per_org=plan.users)
    with tempfile.TemporaryDirectory(prefix="sopbot-bench-") as tmp:
        if not plan.postgres:
            figures = asyncio.run(_measure(plan, Path(tmp), None, one_org_beside=not one_org))
            return [*figures, Figure("PostgreSQL", 0, "", note="quick run: SQLite only")]
        with postgres_database() as pg_url:
            figures = asyncio.run(_measure(plan, Path(tmp), pg_url, one_org_beside=not one_org))
        if pg_url is None:
            figures.append(Figure("PostgreSQL", 0, "", note="PostgreSQL unreachable: skipped"))
    return figures


ONE_ORG_FACTOR = 1.2
"""The one-organisation world may be at most this much slower than the per-organisation one."""


def one_org_figures(
    plan: Plan, figures: list[Figure], one_org: list[Figure], burst: Tally
) -> list[Figure]:
    """The one-organisation world's rate and paced p95 (``one_org``, from ``_sopbot_figures``)
    beside the per-organisation SQLite figures already in ``figures``, by rate and by CPU
    per update (``burst``: the one-organisation world's)."""
    found = {figure.name: figure for figure in one_org}
    one = found[f"sopbot guided input ({ONE_ORG}): updates/s (burst)"]
    p95 = found[f"sopbot p95 latency ({ONE_ORG}, paced)"]
    by_name = {figure.name: figure.value for figure in figures}
    per_org = by_name.get("sopbot guided input (sqlite): updates/s (burst)", 0.0)
    per_org_cpu = by_name.get("sopbot: CPU per update (sqlite, burst)", 0.0)
    one_cpu = burst.cpu_ms_per_update()
    return [
        one,
        replace(p95, target=None),
        Figure(
            "one-org/per-org throughput (sqlite)",
            one.value / per_org if per_org else 0.0,
            "x",
            round(1 / ONE_ORG_FACTOR, 2),
            ">=",
            note=f"{plan.users} bidang in one organisation vs {plan.per_org} per organisation",
        ),
        # The same comparison by the bot's CPU per update, which a busy machine disturbs far
        # less than the rate: it tells a noisy run from a cost that grew with the organisation.
        Figure(
            "one-org/per-org CPU per update (sqlite)",
            one_cpu / per_org_cpu if per_org_cpu else 0.0,
            "x",
            note=f"{one_cpu:.2f} ms against {per_org_cpu:.2f} ms",
        ),
    ]


def main(argv: list[str]) -> None:
    """``python -m bench.throughput [--quick]``; ``prepare ...`` and ``bot ...`` are the
    child processes' entry points."""
    if argv[:1] == ["prepare"]:
        url, users, per_org, api_url, token = argv[1:6]
        prepare_database(url, int(users), int(per_org))
        asyncio.run(deliver_outbox(api_url, token, url))
    elif argv[:1] == ["bot"]:
        kind, api_url, token, url = argv[1:5]
        profile = os.environ.get("SOPBOT_BENCH_PROFILE")
        if not profile:
            asyncio.run(serve_bot(kind, api_url, token, url or None))
            return
        import cProfile  # a profile of the bot's process: the main thread only

        with cProfile.Profile() as profiler:
            asyncio.run(serve_bot(kind, api_url, token, url or None))
        profiler.dump_stats(f"{profile}.{kind}.{os.getpid()}.prof")
    else:
        for figure in run(quick="--quick" in argv, one_org="--one-org" in argv):
            print(figure.line())


if __name__ == "__main__":
    main(sys.argv[1:])
