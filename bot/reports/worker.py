"""Rendering reports in a worker process, with the files kept by the report's data hash.

A 2,000-row report takes seconds to render (tens with the old PDF engine) and
holds the GIL for most of it, so a worker *thread* would still slow every
other user of the bot; the render runs in a separate process instead. The
bot process collects the report from the database (:func:`bot.reports.files.produce`),
the worker process receives the pickled :class:`~bot.reports.model.PerformanceReport`
and runs :func:`bot.reports.files.render_report`; only the worker imports the
rendering libraries (openpyxl, the PDF engine, matplotlib).

:class:`ReportMaker` owns the pool (created at the first report, a small
number of processes, closed with the services) and the file cache
(:mod:`bot.reports.cache`): a report whose data hash and format were rendered
before is read from disk, not rendered again. Two requests for the same
report at the same time share one render. No Telegram and no database here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.reports.cache import DEFAULT_MAX_BYTES, ReportCache, cache_key
from bot.reports.model import PerformanceReport

if TYPE_CHECKING:
    from bot.reports.files import ReportFile

log = logging.getLogger("sopbot.reports")

Render = Callable[[PerformanceReport, Any], "ReportFile"]
"""``render_report``'s shape; a module-level function (it is pickled by name for the worker)."""


def render_report(report: PerformanceReport, fmt: Any) -> ReportFile:
    """:func:`bot.reports.files.render_report`, imported in the worker process only."""
    from bot.reports.files import render_report as render

    return render(report, fmt)


def _load_renderers() -> None:
    """The worker's initialiser: the rendering libraries load while the bot goes on."""
    import bot.reports.files  # noqa: F401


def _render_all(render: Render, report: PerformanceReport, formats: Sequence[str]) -> list[Any]:
    """In the worker process: each format in turn."""
    return [render(report, fmt) for fmt in formats]


def _report_file(name: str, data: bytes, mime: str) -> ReportFile:
    from bot.reports.files import ReportFile

    return ReportFile(name, data, mime)


class ReportMaker:
    """Report files made in worker processes, served from the cache when the data is the same.

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
        self._inflight: dict[tuple[str, tuple[str, ...]], asyncio.Future[list[Any]]] = {}

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

    async def files(self, report: PerformanceReport, formats: Sequence[str]) -> list[ReportFile]:
        """The report in each of ``formats``, from the cache or rendered in a worker process.

        Errors of the render (and a worker that died) are raised here.
        """
        key = await asyncio.to_thread(cache_key, report)
        wanted = (key, tuple(formats))
        shared = self._inflight.get(wanted)
        if shared is not None:
            return list(await asyncio.shield(shared))
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._inflight[wanted] = future
        try:
            made = await self._make(key, report, tuple(formats))
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
            del self._inflight[wanted]

    async def _make(
        self, key: str, report: PerformanceReport, formats: tuple[str, ...]
    ) -> list[ReportFile]:
        stored = await asyncio.to_thread(lambda: {f: self.cache.get(key, f) for f in formats})
        missing = [fmt for fmt in formats if stored[fmt] is None]
        made: dict[str, ReportFile] = {}
        if missing:
            loop = asyncio.get_running_loop()
            self._busy += 1
            try:
                rendered = await loop.run_in_executor(
                    self._executor(), _render_all, self.render, report, missing
                )
            except BrokenProcessPool:
                self._discard_pool()  # a worker died (killed, out of memory): a new pool next time
                raise
            finally:
                self._busy -= 1
                self._idle_from_now()
            self.renders += len(missing)
            made = dict(zip(missing, rendered, strict=True))
            await asyncio.to_thread(self._store, key, made)
        self.hits += len(formats) - len(missing)
        files = []
        for fmt in formats:
            hit = stored[fmt]
            if hit is None:
                files.append(made[fmt])
            else:
                name, mime, data = hit
                files.append(_report_file(name, data, mime))
        return files

    def _store(self, key: str, made: dict[str, ReportFile]) -> None:
        for fmt, file in made.items():
            try:
                self.cache.put(key, fmt, file.name, file.mime, file.data)
            except OSError as error:  # a full or read-only disk costs a render next time, no more
                log.warning("report cache: %s not stored: %s", fmt, error)

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
