"""Making reports in a worker process, with the files kept by the report's data hash.

A 2,000-row report takes seconds to read and to render, most of it Python
holding the GIL: in a worker *thread* it would still slow every other user
of the bot, so the work runs in a separate process. The worker reads the
report with :func:`bot.reports.files.produce` from its own connection to the
database (a snapshot: on SQLite it holds no write lock), renders it with
:func:`bot.reports.files.render_report`, and keeps each file in the cache
(:mod:`bot.reports.cache`) under the report's data hash: the same data asked
again is read from disk, not rendered again. Only the worker imports the
rendering libraries (openpyxl, the PDF engine, matplotlib); the bot process
sends a small job and receives the files and their caption.

:class:`ReportMaker` owns the pool (created at the first report, a small
number of processes, ended after a while without work and when the services
close). Two requests for the same report at the same time share one job.
No Telegram here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.definitions import Catalog
from bot.domain.periods import Period
from bot.reports.cache import DEFAULT_MAX_BYTES, ReportCache, cache_key
from bot.reports.model import PerformanceReport

if TYPE_CHECKING:
    from bot.persistence.uow import UowFactory
    from bot.reports.files import ReportFile

log = logging.getLogger("sopbot.reports")

Render = Callable[[PerformanceReport, Any], "ReportFile"]
"""``render_report``'s shape; a module-level function (it is pickled by name for the worker)."""
Describe = Callable[[PerformanceReport], str]
"""What is said with the files (the caption); module-level, like ``Render``."""


def render_report(report: PerformanceReport, fmt: Any) -> ReportFile:
    """:func:`bot.reports.files.render_report`, imported in the worker process only."""
    from bot.reports.files import render_report as render

    return render(report, fmt)


def no_caption(report: PerformanceReport) -> str:
    return ""


@dataclass(frozen=True)
class Collect:
    """Which report to read (:func:`bot.reports.files.produce`'s arguments) and from where."""

    database_url: str
    """A database the worker can open itself (a file or a server, not ``sqlite://``)."""
    catalog: Catalog
    organisation_id: int
    sop_id: str
    period: Period
    unit_code: str | None
    now: datetime

    @property
    def identity(self) -> tuple[object, ...]:
        return (self.database_url, self.organisation_id, self.sop_id, self.period, self.unit_code)


@dataclass(frozen=True)
class Made:
    """A report's files and their caption, or why it cannot be made as asked."""

    files: list[Any] = field(default_factory=list)
    caption: str = ""
    refused: str | None = None
    """The reason of a ``ReportError`` or an unknown SOP (said to the member as it is)."""
    rendered: int = 0
    cached: int = 0


class RenderFailed(RuntimeError):
    """The worker failed; the message carries its traceback (plain text, so it always
    travels back: not every exception can be pickled)."""


# --- in the worker process ---------------------------------------------------------------
_READERS: dict[str, UowFactory] = {}


def _load_renderers() -> None:
    """The worker's initialiser: the rendering libraries load while the bot goes on."""
    import bot.reports.files  # noqa: F401


def _reader(database_url: str) -> UowFactory:
    """Units of work on the worker's own snapshot engine (no pool kept between reports)."""
    if database_url not in _READERS:
        from sqlalchemy.pool import NullPool

        from bot.persistence.db import make_snapshot_engine
        from bot.persistence.uow import make_uow_factory

        _READERS[database_url] = make_uow_factory(
            make_snapshot_engine(database_url, poolclass=NullPool)
        )
    return _READERS[database_url]


def _files_of(
    report: PerformanceReport, formats: Sequence[str], render: Render, cache: ReportCache
) -> tuple[list[Any], int, int]:
    """(files, how many rendered, how many from the cache)."""
    from bot.reports.files import ReportFile

    key = cache_key(report)
    files, rendered = [], 0
    for fmt in formats:
        hit = cache.get(key, fmt)
        if hit is not None:
            name, mime, data = hit
            files.append(ReportFile(name, data, mime))
            continue
        made = render(report, fmt)
        rendered += 1
        try:
            cache.put(key, fmt, made.name, made.mime, made.data)
        except OSError as error:  # a full or read-only disk costs a render next time, no more
            log.warning("report cache: %s not stored: %s", fmt, error)
        files.append(made)
    return files, rendered, len(formats) - rendered


def _collect_and_render(
    collect: Collect,
    formats: Sequence[str],
    render: Render,
    describe: Describe,
    cache: ReportCache,
) -> Made:
    from bot.definitions import DefinitionNotFound
    from bot.reports.collect import ReportError
    from bot.reports.files import produce

    try:
        try:
            report = produce(
                _reader(collect.database_url),
                collect.catalog,
                organisation_id=collect.organisation_id,
                sop_id=collect.sop_id,
                period=collect.period,
                unit_code=collect.unit_code,
                now=collect.now,
            )
        except (ReportError, DefinitionNotFound) as error:
            return Made(refused=str(error))
        files, rendered, cached = _files_of(report, formats, render, cache)
        return Made(files, describe(report), None, rendered, cached)
    except Exception:
        raise RenderFailed(traceback.format_exc()) from None


def _render_with_cache(
    report: PerformanceReport, formats: Sequence[str], render: Render, cache: ReportCache
) -> Made:
    try:
        files, rendered, cached = _files_of(report, formats, render, cache)
    except Exception:
        raise RenderFailed(traceback.format_exc()) from None
    return Made(files, "", None, rendered, cached)


# --- in the bot process ------------------------------------------------------------------
class ReportMaker:
    """Reports read and rendered in worker processes, served from the cache when the data is
    the same.

    ``render`` replaces :func:`render_report` (tests make it slow or failing);
    it must be a module-level function, as it travels to the worker by name.
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        cache_bytes: int = DEFAULT_MAX_BYTES,
        workers: int = 1,
        render: Render = render_report,
        idle_seconds: float = 300.0,
    ) -> None:
        self.cache = ReportCache(cache_dir, cache_bytes)
        self.workers = max(1, workers)
        self.render = render
        self.renders = 0
        """Files rendered by the worker processes since start (cache hits are not counted)."""
        self.hits = 0
        """Files served from the cache."""
        self.idle_seconds = idle_seconds
        """The worker processes end after this long without work (their memory is returned)."""
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0
        self._idle_timer: asyncio.TimerHandle | None = None
        self._inflight: dict[tuple[object, ...], asyncio.Future[Made]] = {}

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a fresh interpreter, not a fork of a process with threads and sockets
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_load_renderers,
            )
        return self._pool

    def warm(self) -> None:
        """Start the worker processes now (their imports take a second or two)."""
        pool = self._executor()
        for _ in range(self.workers):
            pool.submit(_load_renderers)
        self._idle_from_now()

    def _idle_from_now(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to time
            loop = asyncio.get_running_loop()
            self._idle_timer = loop.call_later(self.idle_seconds, self._end_if_idle)

    def _end_if_idle(self) -> None:
        self._idle_timer = None
        if self._busy == 0:
            self._discard_pool()  # the workers finish nothing and exit; the next report starts one

    async def made(
        self, collect: Collect, formats: Sequence[str], describe: Describe = no_caption
    ) -> Made:
        """Read ``collect``'s report and make it in each of ``formats``, all in a worker process.

        Raises :class:`RenderFailed` (and ``BrokenProcessPool`` for a worker that died).
        """
        cache = ReportCache(self.cache.directory, self.cache.max_bytes)  # resolved here, once
        job = (_collect_and_render, collect, tuple(formats), self.render, describe, cache)
        return await self._shared((*collect.identity, tuple(formats)), job)

    async def files(self, report: PerformanceReport, formats: Sequence[str]) -> list[ReportFile]:
        """A report read already, made in each of ``formats`` in a worker process."""
        cache = ReportCache(self.cache.directory, self.cache.max_bytes)
        job = (_render_with_cache, report, tuple(formats), self.render, cache)
        key = await asyncio.to_thread(cache_key, report)
        return (await self._shared((key, tuple(formats)), job)).files

    async def _shared(self, identity: tuple[object, ...], job: tuple[Any, ...]) -> Made:
        shared = self._inflight.get(identity)
        if shared is not None:
            return await asyncio.shield(shared)
        future: asyncio.Future[Made] = asyncio.get_running_loop().create_future()
        self._inflight[identity] = future
        try:
            made = await self._run(job)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as error:
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning when nobody shared it
            raise
        else:
            future.set_result(made)
            return made
        finally:
            del self._inflight[identity]

    async def _run(self, job: tuple[Any, ...]) -> Made:
        loop = asyncio.get_running_loop()
        self._busy += 1
        try:
            made: Made = await loop.run_in_executor(self._executor(), *job)
        except BrokenProcessPool:
            self._discard_pool()  # a worker died (killed, out of memory): a new pool next time
            raise
        finally:
            self._busy -= 1
            self._idle_from_now()
        self.renders += made.rendered
        self.hits += made.cached
        return made

    def _discard_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the worker processes, a render in progress included (it is not waited for)."""
        if self._idle_timer is not None:
            with contextlib.suppress(RuntimeError):
                self._idle_timer.cancel()
            self._idle_timer = None
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())  # no public handle in 3.11
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(5)
