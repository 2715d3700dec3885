"""The multi-worker drill: nginx in front of several ``sopbot run --webhook`` workers.

The production layout the README describes, run for real on loopback: nginx
(the Debian package, started here with a generated config) spreads the
webhook posts of the project's fake Bot API over N workers, each a real
``sopbot run --webhook`` process, all on one PostgreSQL database made for the
drill and dropped after it. The world is bench/throughput.py's: one bidang per
user at step 3 (the Analis's guided input) of a TW3 run, plus a Telegram
account for each Kasubid, who gets the review notice when the Analis sends.

Every simulated Analis does the guided input as a person would: reads the
newest message from the bot (reminders aside) and presses what moves on
("Buka tugas", "Isi data", "Benar, simpan", "Selesai", "Kirim"), types the
figure when asked, and when no answer comes within a few seconds presses or
types again, as people do; after repeated silence they ask ``/tugas``.

With ``faults`` (the drill proper, ``tests/e2e/test_multiworker_drill.py``):

* a follower is killed with ``kill -9`` at a quarter of the load and started
  again a second later; the updates it had accepted (answered 200) but not
  finished are lost, as in production, and their users press again;
* the leader (the holder of the scheduler's advisory lock) is killed the same
  way at a half, and started again;
* some "Benar, simpan" and "Kirim" presses are delivered twice, once to each of
  two workers (nginx's round robin; checked in its access log), as Telegram
  does after a timeout.

The leader is sampled every 0.1 s from ``pg_locks`` (each worker's database
connections carry its name as ``application_name``). What the drill checks is
in :class:`Outcome`; :func:`run` gives the bench figures: updates/s with one
worker and with three, in the same run (the fake's rate limits off; each
worker keeps its own 29 messages/s limiter, as in production).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from bench.common import Figure
from bench.throughput import FIRST_CHAT, ROOT, postgres_database

TOKEN = "654330:drill-multiworker"
SECRET = "drill-secret-3f9c1e0b7a"
"""SOPBOT_WEBHOOK_SECRET of every worker: the fake sends it with each post."""
HOOK_PATH = "sopbot-drill-3f9c1e"
KASUBID_CHAT = 700_000
"""Kasubid of bidang i: chat KASUBID_CHAT + i."""
ELECTION_INTERVAL = 2.0
"""The workers' SOPBOT_ELECTION_INTERVAL: how long the lead may stay vacant after a kill."""
FIGURE = "82,5"
DONE_TEXT = "telah dikirim"
REMINDER_HEADS = ("Pengingat", "Batas waktu sekarang", "Terlambat", "Perlu perhatian")
"""First words of the reminders (bot/templates/telegram/reminder_*.html.j2)."""
NOTICE_HEAD = "Tugas baru"
PRESS_ORDER = ("Kirim", "Selesai", "Lewati", "Benar, simpan", "Isi data", "Buka tugas")
"""What a user presses when a message offers several of these: the one that moves on."""
PRESS_ORDER_SAVED = ("Kirim", "Ajukan", "Selesai", "Lewati", "Benar, simpan", "Buka tugas")
"""The same once the figure is saved: the task card's "Ajukan" sends, "Isi data" would loop."""
SAVED_TEXT = "Tersimpan:"


def nginx_binary() -> str | None:
    """nginx on PATH or in /usr/sbin (Debian's package), else None."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_reminder(text: str | None) -> bool:
    return bool(text) and any(text.startswith(head) for head in REMINDER_HEADS)  # type: ignore[union-attr]


# --- nginx ------------------------------------------------------------------------------
def nginx_config(prefix: Path, port: int, upstreams: list[int]) -> str:
    """A complete nginx.conf: one loopback server passing the hook's path to the workers.

    Round robin; a refused connection goes to the next worker (nginx's default for a
    request not yet sent); a POST already sent to a worker that died is not retried by
    nginx (not idempotent) but answered 502, and the Bot API delivers it again.
    """
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in upstreams
    )
    return f"""daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    log_format drill escape=json '$msec $status "$upstream_addr" $request_body';
    access_log {prefix}/access.log drill;
    upstream sopbot {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location /{HOOK_PATH} {{
            proxy_pass http://sopbot;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_next_upstream error timeout http_502;
        }}
    }}
}}
"""


class Nginx:
    """nginx in the foreground of a child process, with its own prefix directory."""

    def __init__(self, prefix: Path, upstreams: list[int]) -> None:
        self.prefix, self.upstreams = prefix, upstreams
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{HOOK_PATH}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def write_config(self, upstreams: list[int]) -> Path:
        self.upstreams = upstreams
        path = self.prefix / "nginx.conf"
        path.write_text(nginx_config(self.prefix, self.port, upstreams))
        return path

    async def start(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
        self.prefix.mkdir(parents=True, exist_ok=True)
        config = self.write_config(self.upstreams)
        self.process = await asyncio.create_subprocess_exec(
            binary, "-p", str(self.prefix), "-c", str(config), stderr=asyncio.subprocess.PIPE
        )
        await wait_listening(self.port, self.process, "nginx")

    async def reload(self, upstreams: list[int]) -> None:
        """New upstreams, by SIGHUP (nginx's graceful reload)."""
        self.write_config(upstreams)
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)
        await asyncio.sleep(0.5)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish the open requests
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    def deliveries(self) -> dict[int, list[str]]:
        """update_id -> the upstream addresses its posts went to, from the access log."""
        found: dict[int, list[str]] = {}
        if not self.access_log.exists():
            return found
        for line in self.access_log.read_text().splitlines():
            entry = re.match(r'\S+ \d+ "([^"]*)" .*?update_id\\?":\s*(\d+)', line)
            if entry:
                found.setdefault(int(entry.group(2)), []).append(entry.group(1))
        return found


async def wait_listening(port: int, process: asyncio.subprocess.Process, name: str) -> None:
    deadline = time.monotonic() + 120  # a loaded 2-core machine starts Python slowly
    while True:
        if process.returncode is not None:
            err = await process.stderr.read() if process.stderr else b""
            raise RuntimeError(f"{name} exited with {process.returncode}: {err.decode()[-500:]}")
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} does not listen on 127.0.0.1:{port}")
        await asyncio.sleep(0.1)


# --- the workers ------------------------------------------------------------------------
def worker_name(index: int) -> str:
    return f"sopbot-drill-w{index}"


class Worker:
    """One ``sopbot run --webhook`` process; its database sessions are named after it."""

    def __init__(self, index: int, database_url: str, api_url: str, hook_url: str, logs: Path):
        self.index, self.port = index, free_port()
        self.database_url, self.api_url, self.hook_url = database_url, api_url, hook_url
        self.log_path = logs / f"worker-{index}.log"
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @property
    def name(self) -> str:
        return worker_name(self.index)

    def env(self) -> dict[str, str]:
        separator = "&" if "?" in self.database_url else "?"
        return {
            **os.environ,
            "DATABASE_URL": f"{self.database_url}{separator}application_name={self.name}",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.api_url,
            "SOPBOT_WEBHOOK_SECRET": SECRET,
            "SOPBOT_ELECTION_INTERVAL": str(ELECTION_INTERVAL),
            "PYTHONUNBUFFERED": "1",
        }

    async def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("ab")
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                "--webhook",
                self.hook_url,
                "--listen",
                f"127.0.0.1:{self.port}",
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=log,
            )
        finally:
            log.close()
        await wait_listening(self.port, self.process, f"worker {self.index} ({self.log_path})")

    def kill(self) -> None:
        """``kill -9``: no shutdown, no lock release; the connection dies with the process."""
        if self.process is not None and self.process.returncode is None:
            os.kill(self.process.pid, signal.SIGKILL)

    async def wait_dead(self) -> None:
        if self.process is not None:
            await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


# --- the leader, sampled from PostgreSQL --------------------------------------------------
LEADER_QUERY = """
SELECT a.application_name, l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = :key
  AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


class Sample(NamedTuple):
    at: float
    holders: tuple[str, ...]
    """The workers (``application_name``) holding the lock."""
    backends: frozenset[int]
    """Their PostgreSQL backends' pids: a restarted worker keeps its name, not its pid."""


class LeaderSampler:
    """Who holds the scheduler's advisory lock, every ``interval`` s, in a thread of its own."""

    def __init__(self, database_url: str, interval: float = 0.1) -> None:
        self.database_url, self.interval = database_url, interval
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="leader-sampler", daemon=True)

    def _run(self) -> None:
        from sqlalchemy import create_engine, text

        from bot.persistence.db import normalise_url
        from bot.scheduling.leader import LOCK_KEY

        engine = create_engine(normalise_url(self.database_url))
        try:
            with engine.connect() as conn:
                while not self._stop.is_set():
                    rows = conn.execute(text(LEADER_QUERY), {"key": LOCK_KEY}).all()
                    conn.commit()
                    self.record(time.monotonic(), rows)
                    self._stop.wait(self.interval)
        finally:
            engine.dispose()

    def record(self, at: float, rows: Sequence[tuple[str, int]]) -> None:
        """One sample: the (application_name, pid) rows of the lock's holders."""
        holders = tuple(sorted(name for name, _ in rows))
        self.samples.append(Sample(at, holders, frozenset(pid for _, pid in rows)))

    def current(self) -> tuple[str, ...]:
        return self.samples[-1].holders if self.samples else ()

    def __enter__(self) -> LeaderSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def most_at_once(self) -> int:
        return max((len(s.holders) for s in self.samples), default=0)

    def vacancies(self) -> list[float]:
        """Lengths (s) of the spans with no leader, after the first leader appeared."""
        spans, began, seen = [], None, False
        for at, holders, _ in self.samples:
            if holders:
                if began is not None:
                    spans.append(at - began)
                began, seen = None, True
            elif seen and began is None:
                began = at
        if began is not None:
            spans.append(self.samples[-1].at - began)
        return spans

    def handovers(self) -> int:
        """Times the lock passed from one backend to another, with or without a vacancy seen.

        A vacancy shorter than a sampling interval falls between two samples, so a
        leader's death shows as a change of the holding backend, not always as a gap.
        """
        count, last = 0, frozenset[int]()
        for sample in self.samples:
            if sample.backends:
                if last and sample.backends != last:
                    count += 1
                last = sample.backends
        return count

    async def wait_for_leader(self, timeout: float, other_than: str | None = None) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            holders = self.current()
            if len(holders) == 1 and holders[0] != other_than:
                return holders[0]
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no leader within {timeout:g} s (last sample {self.current()})")


# --- the world ----------------------------------------------------------------------------
def give_kasubids_telegram(url: str, users: int) -> None:
    """Kasubid of bidang i gets the Telegram account KASUBID_CHAT + i (the review notice)."""
    from sqlalchemy import text

    from bot.persistence.db import make_engine

    db = make_engine(url)
    try:
        with db.begin() as conn:
            for i in range(users):
                conn.execute(
                    text("UPDATE people SET telegram_user_id = :chat WHERE name = :name"),
                    {"chat": KASUBID_CHAT + i, "name": f"Kasubid Uji {i:03d}"},
                )
    finally:
        db.dispose()


async def prepare_world(url: str, users: int, api_url: str) -> None:
    """bench/throughput.py's world (task notices sent through the real outbox), in a child."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.throughput",
        "prepare",
        url,
        str(users),
        "10",
        api_url,
        TOKEN,
        cwd=ROOT,
    )
    if await process.wait() != 0:
        raise RuntimeError("preparing the drill's database failed")
    await asyncio.to_thread(give_kasubids_telegram, url, users)


@dataclass
class World:
    """What the database says after the load."""

    submitted: int = 0
    figures_right: int = 0
    review_tasks: Counter[str] = field(default_factory=Counter)
    decisions_per_task: Counter[int] = field(default_factory=Counter)


def read_world(url: str, users: int) -> World:
    from sqlalchemy import text

    from bot.persistence.db import make_engine

    db = make_engine(url)
    world = World()
    try:
        with db.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT u.code, t.step_no, t.state, t.id FROM tasks t "
                    "JOIN units u ON u.id = t.unit_id WHERE u.code LIKE 'BENCH-%'"
                )
            ).all()
            for code, step, state, _ in rows:
                if step == 3 and state == "done":
                    world.submitted += 1
                if step == 4:
                    world.review_tasks[code] += 1
            decided = conn.execute(
                text(
                    "SELECT d.task_id FROM decisions d JOIN tasks t ON t.id = d.task_id "
                    "JOIN units u ON u.id = t.unit_id WHERE u.code LIKE 'BENCH-%'"
                )
            ).scalars()
            world.decisions_per_task = Counter(decided)
            world.figures_right = conn.execute(
                text(
                    "SELECT count(*) FROM measurements m JOIN indicators i "
                    "ON i.id = m.indicator_id WHERE i.code LIKE 'UJI-%' AND m.is_current "
                    "AND m.value = 82.5"
                )
            ).scalar_one()
    finally:
        db.dispose()
    return world


# --- the users ----------------------------------------------------------------------------
@dataclass
class Load:
    """What the users saw."""

    answered: int = 0
    repeats_by_user: int = 0
    asked_tasks: int = 0
    unfinished: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0

    def rate(self) -> float:
        took = self.finished - self.started
        return self.answered / took if took > 0 else 0.0


class Analis:
    """One simulated Analis doing the guided input until the bot says it was sent."""

    def __init__(self, user: Any, timeout: float, twice: set[str]) -> None:
        self.user, self.timeout, self.twice = user, timeout, twice
        self.done = self.saved = False

    twice_delivered: ClassVar[list[int]] = []
    """update_ids delivered twice on purpose (for the check on nginx's access log)."""

    def _is_mine(self, update: dict[str, Any]) -> bool:
        mine = update.get("callback_query", {}).get("from", {}).get("id") == self.user.id
        if mine:
            Analis.twice_delivered.append(int(update["update_id"]))
        return mine

    def newest(self) -> Any:
        for message in reversed(self.user.messages()):
            if message.from_bot and not message.deleted and not is_reminder(message.text):
                return message
        return None

    async def act(self, control: Any) -> None:
        """One step from the newest message; returns once the bot answered."""
        message = self.newest()
        text = (message.text or "") if message is not None else ""
        labels = [b.text for row in message.buttons for b in row] if message else []
        self.saved = self.saved or SAVED_TEXT in text
        order = PRESS_ORDER_SAVED if self.saved else PRESS_ORDER
        choice = next((p for p in order for label in labels if label == p), None)
        asks_figure = "realisasi" in text.lower() and "ketik" in text.lower()
        if choice is None and labels and not asks_figure:
            choice = labels[0]  # the task list's entry, or a card's first button
        if choice is not None:
            if choice in self.twice:
                self.twice.discard(choice)
                control.faults.deliver_twice(self._is_mine)
            await self.user.press(message, choice)
        elif asks_figure:
            await self.user.send_text(FIGURE)
        else:
            await self.user.send_command("/tugas")
        await self.user.wait_for_message(lambda m: not is_reminder(m.text), self.timeout)

    async def play(self, control: Any, load: Load, limit: int = 40) -> None:
        silent = 0
        for _ in range(limit):
            newest = self.newest()
            if newest is not None and DONE_TEXT in (newest.text or ""):
                self.done = True
                return
            try:
                if silent >= 2:
                    silent = 0
                    load.asked_tasks += 1
                    await self.user.send_command("/tugas")
                    await self.user.wait_for_message(lambda m: not is_reminder(m.text), 5)
                else:
                    await self.act(control)
                load.answered += 1
                silent = 0
            except TimeoutError:
                silent += 1
                load.repeats_by_user += 1
            except LookupError:
                await asyncio.sleep(0.2)  # the message changed under the press: look again
        load.unfinished.append(f"{self.user.id}: {self.newest().text if self.newest() else ''}")


async def play_users(
    control: Any, indices: list[int], *, timeout: float, twice: dict[int, set[str]]
) -> tuple[Load, list[Analis]]:
    load = Load(started=time.monotonic())
    players = [
        Analis(control.user(FIRST_CHAT + i), timeout, set(twice.get(i, set()))) for i in indices
    ]
    await asyncio.gather(*(p.play(control, load) for p in players))
    load.finished = time.monotonic()
    return load, players


# --- the drill ----------------------------------------------------------------------------
@dataclass
class Outcome:
    """Everything the drill measured; :meth:`problems` lists what went wrong."""

    users: int
    workers: int
    world: World = field(default_factory=World)
    load: Load = field(default_factory=Load)
    single: Load | None = None
    most_leaders: int = 0
    vacancies: list[float] = field(default_factory=list)
    handovers: int = 0
    """Times the lock changed backend: 1 with faults (the leader's kill), else 0."""
    final_leaders: tuple[str, ...] = ()
    killed: list[str] = field(default_factory=list)
    duplicated_updates: dict[int, list[str]] = field(default_factory=dict)
    notices: Counter[int] = field(default_factory=Counter)
    """Kasubid chat -> review notices ("Tugas baru") received."""
    reminders: Counter[tuple[int, str]] = field(default_factory=Counter)
    """(chat, reminder text) -> times received."""
    analis_notices: Counter[int] = field(default_factory=Counter)
    fake_stats: dict[str, Any] = field(default_factory=dict)
    took: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds from the start at which each phase ended."""

    def mark(self, phase: str, began: float) -> None:
        self.phases[phase] = round(time.monotonic() - began, 1)

    def repeats(self) -> int:
        """Messages received more than once (notices and reminders)."""
        extra = sum(n - 1 for n in self.notices.values() if n > 1)
        extra += sum(n - 1 for n in self.reminders.values() if n > 1)
        return extra + sum(n - 1 for n in self.analis_notices.values() if n > 1)

    def problems(self, *, faults: bool) -> list[str]:
        found = []
        if self.world.submitted != self.users or self.world.figures_right != self.users:
            found.append(
                f"{self.world.submitted}/{self.users} bidang sent, "
                f"{self.world.figures_right}/{self.users} figures 82.5; "
                f"unfinished users: {self.load.unfinished[:3]}"
            )
        twice = {c: n for c, n in self.world.review_tasks.items() if n != 1}
        if len(self.world.review_tasks) != self.users or twice:
            found.append(
                f"review tasks not one per bidang: {len(self.world.review_tasks)}, {twice}"
            )
        doubled = {t: n for t, n in self.world.decisions_per_task.items() if n > 1}
        if doubled:
            found.append(f"decisions duplicated: {doubled}")
        if self.most_leaders != 1:
            found.append(f"at most {self.most_leaders} leaders at once in the samples (want 1)")
        if len(self.final_leaders) != 1:
            found.append(f"leaders at the end: {self.final_leaders}")
        limit = ELECTION_INTERVAL + 3.0
        if any(span > limit for span in self.vacancies):
            found.append(f"the lead stayed vacant longer than {limit:g} s: {self.vacancies}")
        if self.handovers != int(faults):
            found.append(f"the lead passed {self.handovers} times (want {int(faults)})")
        missing = [c for c in range(self.users) if self.notices[KASUBID_CHAT + c] == 0]
        if missing:
            found.append(
                f"{len(missing)} Kasubid got no review notice (first chat offset {missing[0]})"
            )
        if self.repeats() > 1:
            found.append(f"{self.repeats()} repeated notices/reminders (documented: at most 1)")
        if faults:
            if len(self.killed) != 2:
                found.append(f"kills: {self.killed}")
            split = [u for u, ups in self.duplicated_updates.items() if len(set(ups)) < 2]
            if not self.duplicated_updates or split:
                found.append(f"duplicate deliveries not on two workers: {self.duplicated_updates}")
        return found


def duplicate_plan(users: int) -> dict[int, set[str]]:
    """Whose presses are delivered twice: three "Benar, simpan" and three "Kirim"."""
    step = max(1, users // 6)
    plan: dict[int, set[str]] = {}
    for n, i in enumerate(range(step // 2, users, step)):
        plan[i] = {"Benar, simpan" if n % 2 else "Kirim"}
    return plan


async def _faults_during(
    load_task: asyncio.Task[Any],
    load: Load,
    expected: int,
    workers: list[Worker],
    sampler: LeaderSampler,
    killed: list[str],
) -> None:
    """kill -9 a follower at a quarter of the answers, the leader at a half; restart each."""
    for share, leader in ((0.25, False), (0.5, True)):
        while load.answered < expected * share and not load_task.done():
            await asyncio.sleep(0.05)
        if load_task.done():
            return
        holder = await sampler.wait_for_leader(ELECTION_INTERVAL * 3)
        victim = next(w for w in workers if (w.name == holder) == leader)
        victim.kill()
        await victim.wait_dead()
        killed.append(f"{'leader' if leader else 'follower'} {victim.name} at {load.answered}")
        await asyncio.sleep(1.0)
        await victim.start()


async def _wait_notices(control: Any, users: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(_notices(control, KASUBID_CHAT + i) for i in range(users)):
            return
        await asyncio.sleep(0.5)


def _notices(control: Any, chat: int) -> int:
    return sum(1 for m in control.sent(chat) if (m.text or "").startswith(NOTICE_HEAD))


def _collect(control: Any, outcome: Outcome, users: int) -> None:
    for i in range(users):
        for chat in (FIRST_CHAT + i, KASUBID_CHAT + i):
            for message in control.sent(chat):
                if is_reminder(message.text):
                    outcome.reminders[(chat, message.text)] += 1
        outcome.notices[KASUBID_CHAT + i] = _notices(control, KASUBID_CHAT + i)
        outcome.analis_notices[FIRST_CHAT + i] = _notices(control, FIRST_CHAT + i)


async def drill(
    users: int = 200,
    workers: int = 3,
    *,
    faults: bool = True,
    compare_single: bool = False,
    step_timeout: float = 20.0,
) -> Outcome:
    """Run the drill and return what it measured (raises only if it cannot start).

    ``compare_single``: the first half of the users with one worker behind nginx,
    then the others started and the second half with all of them (the bench figure).
    """
    from bot.fakebotapi import FakeBotApi

    outcome = Outcome(users=users, workers=workers)
    began = time.monotonic()
    Analis.twice_delivered.clear()
    with (
        postgres_database() as url,
        tempfile.TemporaryDirectory(prefix="sopbot-drill-") as tmp,
    ):
        if url is None:
            raise RuntimeError("PostgreSQL unreachable (SOPBOT_BENCH_PG_URL)")
        async with FakeBotApi(rate_limits=None) as api:
            control = api.control(TOKEN)
            for i in range(users):
                control.user(FIRST_CHAT + i, f"Analis {i:03d}")
                control.user(KASUBID_CHAT + i, f"Kasubid {i:03d}")
            await prepare_world(url, users, api.url)
            outcome.mark("prepared", began)
            nginx = Nginx(Path(tmp) / "nginx", [])
            pool = [Worker(n + 1, url, api.url, "", Path(tmp)) for n in range(workers)]
            nginx.upstreams = [w.port for w in pool]
            for worker in pool:
                worker.hook_url = nginx.url
            first = pool[:1] if compare_single else pool
            if compare_single:
                nginx.upstreams = [pool[0].port]
            await nginx.start()
            try:
                with LeaderSampler(url) as sampler:
                    await asyncio.gather(*(w.start() for w in first))
                    await sampler.wait_for_leader(ELECTION_INTERVAL * 5)
                    outcome.mark("workers up", began)
                    indices = list(range(users))
                    if compare_single:
                        half = users // 2
                        outcome.single, _ = await play_users(
                            control, indices[:half], timeout=step_timeout, twice={}
                        )
                        await asyncio.gather(*(w.start() for w in pool[1:]))
                        await nginx.reload([w.port for w in pool])
                        indices = indices[half:]
                    twice = duplicate_plan(users) if faults else {}
                    play = asyncio.create_task(
                        play_users(control, indices, timeout=step_timeout, twice=twice)
                    )
                    if faults:
                        live = Load()
                        # the players' tally lives in the task; watch the fake's counter instead
                        await _watch_and_kill(play, control, pool, sampler, outcome, live, indices)
                    outcome.load, _ = await play
                    outcome.mark("load done", began)
                    await _wait_notices(control, users, 240)  # the leader sends ~4 tx each
                    outcome.mark("notices in", began)
                    await asyncio.sleep(ELECTION_INTERVAL + 1)  # a repeat would come by now
                    outcome.most_leaders = sampler.most_at_once()
                    outcome.vacancies = sampler.vacancies()
                    outcome.handovers = sampler.handovers()
                    outcome.final_leaders = sampler.current()
            finally:
                await asyncio.gather(*(w.stop() for w in pool))
                await nginx.stop()
            _collect(control, outcome, users)
            outcome.fake_stats = control.stats()
            deliveries = nginx.deliveries()
            outcome.duplicated_updates = {u: deliveries.get(u, []) for u in Analis.twice_delivered}
            outcome.world = await asyncio.to_thread(read_world, url, users)
    outcome.took = time.monotonic() - began
    return outcome


async def _watch_and_kill(
    play: asyncio.Task[Any],
    control: Any,
    pool: list[Worker],
    sampler: LeaderSampler,
    outcome: Outcome,
    live: Load,
    indices: list[int],
) -> None:
    """Count the users' presses and texts as they reach the fake, and kill on schedule."""
    base = _user_updates(control)
    expected = len(indices) * 8

    async def follow() -> None:
        while not play.done():
            live.answered = _user_updates(control) - base
            await asyncio.sleep(0.05)

    follower = asyncio.create_task(follow())
    try:
        await _faults_during(play, live, expected, pool, sampler, outcome.killed)
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower


def _user_updates(control: Any) -> int:
    return int(control.stats().get("webhook_deliveries", 0))


# --- the bench figures ------------------------------------------------------------------
def run(quick: bool = False) -> list[Figure]:
    """Updates/s through nginx with one worker and then with three, in the same run."""
    if nginx_binary() is None:
        return [Figure("multi-worker drill", 0, "", note="nginx not installed: skipped")]
    users = 30 if quick else 200
    outcome = asyncio.run(drill(users, 3, faults=False, compare_single=True))
    single = outcome.single.rate() if outcome.single else 0.0
    three = outcome.load.rate()
    note = (
        f"{users // 2} users each, guided input (8 updates each) through nginx; "
        "each worker's 29 msg/s limiter on"
    )
    problems = outcome.problems(faults=False)
    again = outcome.single.repeats_by_user if outcome.single else 0
    dropped = outcome.fake_stats.get("webhook_failures", 0)
    return [
        Figure(
            "multi-worker: 1 worker, updates/s",
            single,
            "upd/s",
            note=f"{note}; users pressed/typed again after silence {again} times",
        ),
        Figure(
            "multi-worker: 3 workers, updates/s",
            three,
            "upd/s",
            note=f"again {outcome.load.repeats_by_user} times; "
            f"{dropped} webhook posts given up by the fake in the whole run",
        ),
        Figure("multi-worker: 3 workers / 1 worker", three / single if single else 0.0, "x"),
        Figure(
            "multi-worker: checks failed",
            len(problems),
            "",
            0,
            "<=",
            note="; ".join(problems)[:200] or "figures complete, one leader, notices once",
        ),
    ]


if __name__ == "__main__":
    for line in run(quick="--quick" in sys.argv):
        print(line.line())
