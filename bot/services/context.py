"""What the use cases need, opened once per process (the bot's ``post_init``) and closed at
shutdown: the unit-of-work factory, the SOP catalog, the engine and the one clock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine as DbEngine

from bot.definitions import Catalog, load_catalog
from bot.engine import Engine
from bot.persistence.db import make_engine
from bot.persistence.uow import UowFactory, make_uow_factory
from bot.reports.worker import ReportMaker
from bot.services.outage import DatabaseOutage
from bot.settings import Settings

T = TypeVar("T")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    uow_factory: UowFactory
    catalog: Catalog
    engine: Engine
    db: DbEngine | None = None
    clock: Callable[[], datetime] = field(default=_utc_now)
    """The only clock handlers read; tests and the demo pass their own."""
    leader: bool = True
    """Whether this process sends (outbox, reminders) and runs the scheduler; with several
    processes on one PostgreSQL only the holder of the advisory lock does."""
    dispatch_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Serialises outbox passes within the process (see ``bot.telegram.outbox``)."""
    reports: ReportMaker = field(default_factory=ReportMaker)
    """Report files: rendered in worker processes, kept by data hash."""
    report_jobs: dict[tuple[int, str, str], asyncio.Task[Any]] = field(default_factory=dict)
    """Completed runs' reports the outbox is preparing (see ``bot.telegram.outbox``)."""
    background: set[asyncio.Task[Any]] = field(default_factory=set)
    """Tasks the outbox started outside any update, held until they finish."""
    outage: DatabaseOutage = field(default_factory=DatabaseOutage)
    """Whether the database is out of reach now (``bot.services.outage``)."""

    inline_calls: bool = False
    """Run blocking calls (a transaction each) on the event loop's thread: set on SQLite,
    and when the application takes one update at a time (``bot.app.runs_calls_inline``),
    where the hop to a worker thread and back only costs."""

    def now(self) -> datetime:
        return self.clock()

    async def blocking(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)``, in a worker thread unless ``inline_calls``."""
        if self.inline_calls:
            return function(*args, **kwargs)
        return await asyncio.to_thread(function, *args, **kwargs)

    def close(self) -> None:
        for task in [*self.background, *self.report_jobs.values()]:
            with contextlib.suppress(RuntimeError):  # the event loop is closed already
                task.cancel()
        self.reports.close()
        if self.db is not None:
            self.db.dispose()


class DefinitionsBroken(RuntimeError):
    """The bot refuses to start on definitions with problems (they are listed)."""


def open_services(settings: Settings) -> Services:
    catalog = load_catalog()
    if catalog.problems:
        listing = "\n".join(str(problem) for problem in catalog.problems)
        raise DefinitionsBroken(f"definisi SOP bermasalah:\n{listing}")
    db = make_engine(settings.database_url)
    uow_factory = make_uow_factory(db)
    reports = ReportMaker(
        settings.report_cache_dir,
        cache_bytes=settings.report_cache_mb * 1024 * 1024,
        workers=settings.report_workers,
    )
    return Services(uow_factory, catalog, Engine(uow_factory, catalog), db=db, reports=reports)
