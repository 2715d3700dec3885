"""Memory: resident memory with 10,000 people, 500 active runs and 5,000 open tasks loaded.

The database (SQLite, migrated) holds 100 organisations of 100 people each
(10,000 people, 9,100 role assignments, 1,400 units, 5,000 indicators with
2025 and 2026 targets), inserted with Core ``insert()``. The first
organisation's five runs (2025-TW3 to 2026-TW3) are started through the real
Engine, each fanning out to its 10 bidang; their runs, branches and tasks are
then copied to the 99 other organisations (same layout, ids shifted): 500 open
runs, 5,000 open step-1 tasks and 500 step-6 joins waiting for the bidang.
Building it is not measured (its time is printed).

The measured process is a fresh interpreter (``multiprocessing`` spawn) that
does what a bot process does: it imports the bot (``bot.app``, every handler
module: the "after imports" baseline), opens its Services, builds the real
Application (``build_application``: handlers, job queue, rate limiter) and
initialises it against the fake Bot API served from the parent process
(``getMe``; no polling, no job runs, nothing is sent). Then, three working days
after the runs started, it does the periodic work over everything open: the
reminder sweep's deadline check (``Engine.check_deadlines``: 5,500 overdue
events written) and planning (``plan_all_reminders``: the notices for every open
task, built but not sent), ``run_status`` of every organisation's open runs,
and the ``/tugas`` list (``Engine.open_tasks``) of every 5th person (2,000;
all 10,000 take over two minutes, and each list is dropped after use).

Figures: ``VmRSS`` from ``/proc/self/status`` after imports and after the work
(garbage collected, results dropped), and the peak (``VmHWM``), which is what
the target is checked against: a container needs room for the peak. Not
``ru_maxrss``: Linux keeps it across the fork and exec of a spawned child, so
it reported this parent's high water mark after building the database and the
throughput run (180 MB in one full run, where the bot's own peak is about
130 MB; see ``bench.reports.peak_rss_mb``).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.common import Figure, status_mb
from bench.reports import in_fresh_process, peak_rss_mb

SOP_ID = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
TARGET_MB = 150.0
"""Peak RSS with the data above (issue 15)."""
IMPORTS_TARGET_MB = 80.0
"""RSS after the bot's imports alone (issue 15)."""
DEV_ONLY = ("rich", "pygments", "cryptography")
"""Loaded by python-telegram-bot / httpx when installed (httpx's command line, Telegram
Passport); installed only because the dev extras' tools need them (import-linter,
pdfplumber): the production image (``pip install sopbot``) has none of them. The bot
declines them (bot/optional_imports.py); reported here should that stop working."""
STARTED = datetime(2026, 10, 12, 0, 0, tzinfo=UTC)  # 08:00 WITA, the SOP's trigger
NOW = STARTED + timedelta(days=3, hours=2)  # Thursday 10:00 WITA: every step-1 task is late
PERIODS = ("2025-TW3", "2025-TW4", "2026-TW1", "2026-TW2", "2026-TW3")
ROLES_PER_BIDANG = (("kabid", 1), ("kasubid", 2), ("analis", 6))
INDICATORS_PER_BIDANG = 5
HANDLER_MODULES = (
    "cancel",
    "errors",
    "fallback",
    "help",
    "input",
    "messages",
    "report",
    "review",
    "start",
    "status",
    "task_card",
    "tasks",
)


@dataclass(frozen=True)
class Sizes:
    organisations: int
    people_per_org: int
    bidang_per_org: int
    runs_per_org: int
    list_every: int = 1
    """Whose ``/tugas`` list is loaded: every n-th person (all 10,000 take minutes)."""

    @property
    def people(self) -> int:
        return self.organisations * self.people_per_org

    @property
    def runs(self) -> int:
        return self.organisations * self.runs_per_org

    @property
    def open_tasks(self) -> int:
        return self.runs * self.bidang_per_org


FULL = Sizes(organisations=100, people_per_org=100, bidang_per_org=10, runs_per_org=5, list_every=5)
QUICK = Sizes(organisations=2, people_per_org=20, bidang_per_org=2, runs_per_org=2)


def run(quick: bool = False) -> list[Figure]:
    from bot.fakebotapi import ThreadedFakeBotApi

    sizes = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="sopbot-bench-memory-") as workdir:
        started = time.perf_counter()
        url = build_database(Path(workdir), sizes)
        print(
            f"  data: {sizes.people:,} people, {sizes.runs:,} open runs, "
            f"{sizes.open_tasks:,} open tasks, built in {time.perf_counter() - started:.1f} s "
            "(not measured)",
            flush=True,
        )
        with ThreadedFakeBotApi() as api:
            found = in_fresh_process(measure_bot, url, api.url, api.api.token, sizes.list_every)
    found.update(imports_alone())
    if found["open_tasks"] != sizes.open_tasks or found["runs"] != sizes.runs:
        raise RuntimeError(f"expected {sizes}, the bot saw {found}")
    loaded = f"{sizes.people:,} people, {found['runs']:,} runs, {found['open_tasks']:,} open tasks"
    return [
        Figure(
            "Bot process RSS after imports only",
            found["baseline_mb"],
            "MB",
            IMPORTS_TARGET_MB,
            note=f"VmRSS, the modules compiled by an earlier start (the first, compiling: "
            f"{found['first_start_mb']:.1f} MB); bare interpreter {found['bare_mb']:.0f} MB; "
            + (
                f"dev-only packages loaded here: {', '.join(found['dev_only'])}"
                if found["dev_only"]
                else "no dev-only package loaded"
            ),
        ),
        Figure(
            "Bot process RSS after the periodic work",
            found["after_mb"],
            "MB",
            note=f"VmRSS, {loaded}",
        ),
        Figure(
            "Bot process peak RSS",
            found["peak_mb"],
            "MB",
            TARGET_MB,
            note=f"VmHWM, {loaded}; ru_maxrss {found['inherited_maxrss_mb']:.0f} MB "
            "(inherited from the bench process through spawn: not the bot's)",
        ),
        Figure(
            "Deadline check over all open tasks",
            found["deadlines_s"],
            "s",
            note=f"{found['overdue']:,} overdue events written",
        ),
        Figure(
            "Reminder planning over all open tasks",
            found["plan_s"],
            "s",
            note=f"{found['notices']:,} notices planned, not sent",
        ),
        Figure("run_status of all open runs", found["status_s"], "s"),
        Figure(
            "Open-task list (/tugas) of one person, mean",
            found["lists_s"] / found["people"] * 1000,
            "ms",
            note=f"Engine.open_tasks for {found['people']:,} of {sizes.people:,} people, "
            f"{found['lists_s']:.1f} s in all",
        ),
    ]


IMPORTS_PROBE = f"""
import importlib, json, sys
from bench.common import status_mb
bare = status_mb()["VmRSS"]
import bot.app, bot.engine.status, bot.services.reminding, bot.telegram.reminders
for name in {HANDLER_MODULES!r}:
    importlib.import_module("handlers." + name)
print(json.dumps({{"bare_mb": bare, "baseline_mb": status_mb()["VmRSS"],
                  "dev_only": [m for m in {DEV_ONLY!r} if m in sys.modules]}}))
"""


def imports_alone() -> dict[str, Any]:
    """RSS of a bot process after its imports: a plain ``python`` (as ``sopbot run`` is)
    that imports what ``measure_bot`` imports first. Measured apart from the spawned
    process, whose interpreter already holds the benchmark's own modules (about 10 MB
    more before the bot's first import).

    Twice, with the bytecode kept in a directory of its own (``PYTHONPYCACHEPREFIX``, as
    the container does): the first start compiles every module it imports, the
    libraries' too, and keeps several MB of the compiler's memory; every later start
    reads the compiled modules. The later start is the figure, as in the container, where
    the entrypoint's ``sopbot db upgrade`` has compiled nearly all of it before the bot
    starts; the first is reported beside it. (Without this, a machine with
    ``PYTHONDONTWRITEBYTECODE`` set measured every start as a first one.)"""
    with tempfile.TemporaryDirectory(prefix="sopbot-bench-pycache-") as cache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        first, later = (_imports_probe(env) for _ in range(2))
    return {**later, "first_start_mb": first["baseline_mb"]}


def _imports_probe(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
        env=env,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure_bot(url: str, api_url: str, token: str, list_every: int = 1) -> dict[str, Any]:
    """In the fresh process: import the bot, open it, do the periodic work, measure."""
    import asyncio
    import gc
    import importlib

    bare_mb = status_mb()["VmRSS"]
    import bot.app
    import bot.engine.status
    import bot.services.reminding
    import bot.telegram.reminders

    for name in HANDLER_MODULES:
        importlib.import_module(f"handlers.{name}")
    baseline_mb = status_mb()["VmRSS"]
    dev_only = [name for name in DEV_ONLY if name in sys.modules]

    from bot.engine.status import run_status
    from bot.services.context import open_services
    from bot.services.reminding import plan_all_reminders
    from bot.settings import Settings

    settings = Settings(DATABASE_URL=url, TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE_URL=api_url)  # type: ignore[call-arg]
    services = open_services(settings)
    services.clock = lambda: NOW
    application = bot.app.build_application(settings, services=services)
    found: dict[str, Any] = {"bare_mb": bare_mb, "baseline_mb": baseline_mb, "dev_only": dev_only}

    def timed(key: str, work: Any) -> Any:
        started = time.perf_counter()
        result = work()
        found[key] = time.perf_counter() - started
        return result

    def statuses() -> list[Any]:
        with services.uow_factory() as uow:
            return [
                status
                for org in uow.orgs.organisations()
                for status in run_status(
                    uow, organisation_id=org.id, period=None, unit_id=None, now=NOW
                )
            ]

    def plan() -> list[Any]:
        return plan_all_reminders(services.uow_factory, services.catalog, services.now())

    def lists() -> tuple[int, int]:
        with services.uow_factory() as uow:
            people = [p.id for org in uow.orgs.organisations() for p in uow.orgs.people(org.id)]
        people = people[::list_every]
        shown = sum(len(services.engine.open_tasks(pid, now=NOW)) for pid in people)
        return len(people), shown

    async def work() -> None:
        await application.initialize()  # getMe, against the fake Bot API
        try:
            found["overdue"] = await asyncio.to_thread(
                timed, "deadlines_s", lambda: services.engine.check_deadlines(now=NOW)
            )
            found["notices"] = len(await asyncio.to_thread(timed, "plan_s", plan))
            runs = await asyncio.to_thread(timed, "status_s", statuses)
            found["runs"] = len(runs)
            found["open_tasks"] = sum(
                1 for status in runs for w in status.work if w.state == "dikerjakan"
            )
            del runs
            found["people"], found["listed"] = await asyncio.to_thread(timed, "lists_s", lists)
            gc.collect()
            memory = status_mb()
            found["after_mb"] = memory["VmRSS"]
            found["peak_mb"] = peak_rss_mb()
            found["inherited_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        finally:
            await application.shutdown()

    asyncio.run(work())
    services.close()
    return found


# --- the database ---------------------------------------------------------------------


def build_database(workdir: Path, sizes: Sizes) -> str:
    """A migrated SQLite file with the organisations and their open runs; returns its URL."""
    from sqlalchemy import insert

    from bot.definitions import load_catalog
    from bot.engine import Engine
    from bot.persistence.db import make_engine
    from bot.persistence.migrate import upgrade
    from bot.persistence.models import (
        Indicator,
        Organisation,
        Person,
        RoleAssignment,
        Target,
        Unit,
        organisation_admins,
    )
    from bot.persistence.uow import make_uow_factory
    from bot.settings import get_settings

    url = f"sqlite:///{workdir / 'memory.sqlite3'}"
    upgrade(url)
    rows = _rows(sizes)
    db = make_engine(url)
    with db.begin() as conn:
        conn.execute(insert(Organisation), rows["organisations"])
        conn.execute(insert(Unit), rows["units"])
        conn.execute(insert(Person), rows["people"])
        conn.execute(insert(organisation_admins), rows["admins"])
        conn.execute(insert(RoleAssignment), rows["roles"])
        conn.execute(insert(Indicator), rows["indicators"])
        conn.execute(insert(Target), rows["targets"])
    engine = Engine(make_uow_factory(db), load_catalog([get_settings().definitions_dir]))
    first = rows["organisations"][0]
    for k, period in enumerate(PERIODS[-sizes.runs_per_org :]):
        engine.start_run(SOP_ID, first["slug"], period, now=STARTED + timedelta(minutes=k))
    _clone_runs(db, sizes)
    db.dispose()
    return url


def _clone_runs(db: Any, sizes: Sizes) -> None:
    """Copy the first organisation's runs, branches and tasks to every other organisation.

    Every organisation has the same layout (units and people numbered in the same
    order), so organisation ``k``'s copy only shifts the unit and person ids.
    """
    from sqlalchemy import insert, select

    from bot.persistence.models import Run, RunBranch, Task

    with db.begin() as conn:
        runs = [dict(r._mapping) for r in conn.execute(select(Run.__table__).order_by(Run.id))]
        branches = [dict(r._mapping) for r in conn.execute(select(RunBranch.__table__))]
        tasks = [dict(r._mapping) for r in conn.execute(select(Task.__table__))]
        units_per_org = 4 + sizes.bidang_per_org
        next_run, next_branch, next_task = len(runs), len(branches), len(tasks)
        new_runs, new_branches, new_tasks = [], [], []
        for org_id in range(2, sizes.organisations + 1):
            du = (org_id - 1) * units_per_org
            dp = (org_id - 1) * sizes.people_per_org
            run_ids: dict[int, int] = {}
            branch_ids: dict[int, int] = {}
            for run in runs:
                next_run += 1
                run_ids[run["id"]] = next_run
                new_runs.append(
                    run
                    | {
                        "id": next_run,
                        "organisation_id": org_id,
                        "root_unit_id": None
                        if run["root_unit_id"] is None
                        else run["root_unit_id"] + du,
                        "participant_unit_ids": [u + du for u in run["participant_unit_ids"]],
                    }
                )
            for branch in branches:
                next_branch += 1
                branch_ids[branch["id"]] = next_branch
                new_branches.append(
                    branch
                    | {
                        "id": next_branch,
                        "run_id": run_ids[branch["run_id"]],
                        "unit_id": branch["unit_id"] + du,
                    }
                )
            for task in tasks:
                next_task += 1
                new_tasks.append(
                    task
                    | {
                        "id": next_task,
                        "run_id": run_ids[task["run_id"]],
                        "branch_id": None
                        if task["branch_id"] is None
                        else branch_ids[task["branch_id"]],
                        "unit_id": task["unit_id"] + du,
                        "assignee_id": None
                        if task["assignee_id"] is None
                        else task["assignee_id"] + dp,
                    }
                )
        for table, copies in ((Run, new_runs), (RunBranch, new_branches), (Task, new_tasks)):
            if copies:
                conn.execute(insert(table.__table__), copies)


def _rows(sizes: Sizes) -> dict[str, list[dict[str, Any]]]:
    """Plain rows for Core ``insert()``; explicit ids so nothing has to be read back."""
    needed = 1 + sizes.bidang_per_org * sum(n for _, n in ROLES_PER_BIDANG)
    if sizes.people_per_org < needed:
        raise ValueError(f"{sizes.people_per_org} people cannot fill {needed} posts")
    rows: dict[str, list[dict[str, Any]]] = {
        key: []
        for key in ("organisations", "units", "people", "admins", "roles", "indicators", "targets")
    }
    years = sorted({int(p[:4]) for p in PERIODS})

    def unit(org_id: int, code: str, name: str, kind: str, parent: int | None) -> int:
        uid = len(rows["units"]) + 1
        rows["units"].append(
            {"id": uid, "organisation_id": org_id, "parent_id": parent, "code": code}
            | {"name": name, "kind": kind}
        )
        return uid

    def person(org_id: int) -> int:
        pid = len(rows["people"]) + 1
        rows["people"].append(
            {
                "id": pid,
                "organisation_id": org_id,
                "name": f"Pegawai Contoh Nomor {pid}, S.E.",
                "nip": f"9999{pid:014d}",
                "telegram_user_id": 7_000_000_000 + pid,
            }
        )
        return pid

    for org_id in range(1, sizes.organisations + 1):
        rows["organisations"].append(
            {
                "id": org_id,
                "slug": f"bench-opd-{org_id:03d}",
                "name": f"Badan Contoh Nomor {org_id} (BENCHMARK)",
                "timezone": "Asia/Makassar",
                "is_sample": True,
            }
        )
        first = len(rows["people"]) + 1
        badan = unit(org_id, "BADAN", "Badan", "badan", None)
        sekr = unit(org_id, "SEKR", "Sekretariat", "sekretariat", badan)
        perencanaan = unit(org_id, "SUBAG-PRC", "Sub Bagian Perencanaan", "sub_bagian", sekr)
        unit(org_id, "SUBAG-UMP", "Sub Bagian Umum dan Kepegawaian", "sub_bagian", sekr)
        kasubag = person(org_id)
        rows["roles"].append(
            {"person_id": kasubag, "role_key": "kasubag_perencanaan", "unit_id": perencanaan}
        )
        rows["admins"].append({"organisation_id": org_id, "person_id": kasubag})
        for b in range(1, sizes.bidang_per_org + 1):
            bidang = unit(org_id, f"BID-{b:02d}", f"Bidang Urusan Nomor {b}", "bidang", badan)
            for role, count in ROLES_PER_BIDANG:
                for _ in range(count):
                    rows["roles"].append(
                        {"person_id": person(org_id), "role_key": role, "unit_id": bidang}
                    )
            for i in range(1, INDICATORS_PER_BIDANG + 1):
                iid = len(rows["indicators"]) + 1
                rows["indicators"].append(
                    {
                        "id": iid,
                        "organisation_id": org_id,
                        "unit_id": bidang,
                        "code": f"BID{b:02d}-{i:02d}",
                        "name": f"Persentase kegiatan nomor {i} bidang {b} yang tepat waktu",
                        "satuan": "%",
                    }
                )
                for year in years:
                    for q in range(1, 5):
                        rows["targets"].append(
                            {"indicator_id": iid, "year": year, "period": f"{year}-TW{q}"}
                            | {"value": Decimal(25 * q)}
                        )
                    rows["targets"].append(
                        {"indicator_id": iid, "year": year, "period": f"{year}-TAHUNAN"}
                        | {"value": Decimal(100)}
                    )
        while len(rows["people"]) - first + 1 < sizes.people_per_org:
            person(org_id)  # staff without a role in this SOP
    return rows
