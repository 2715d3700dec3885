"""ReportMaker: files rendered in a worker process, shared, cached, and the pool's life."""

from __future__ import annotations

import asyncio
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bot.reports.worker import ReportMaker
from tests.e2e.report_hooks import dying_render
from tests.unit.reports.factory import quarterly_report


async def test_two_asking_at_once_share_one_render_and_the_next_is_a_cache_hit(
    tmp_path: Path,
) -> None:
    maker = ReportMaker(tmp_path)
    report = quarterly_report()
    try:
        first, second = await asyncio.gather(
            maker.files(report, ("xlsx",)), maker.files(report, ("xlsx",))
        )
        assert maker.renders == 1 and first == second
        assert first[0].name == f"{report.file_stem}.xlsx" and first[0].data.startswith(b"PK")
        again = await maker.files(report, ("xlsx",))
        assert again == first and maker.renders == 1 and maker.hits == 1
    finally:
        maker.close()


async def test_a_worker_that_dies_fails_that_report_only(tmp_path: Path) -> None:
    dying = ReportMaker(tmp_path, render=dying_render)
    try:
        with pytest.raises(BrokenProcessPool):
            await dying.files(quarterly_report(), ("xlsx",))
        dying.render = ReportMaker().render  # the real render again: a fresh pool serves it
        made = await dying.files(quarterly_report(), ("xlsx",))
        assert made[0].data.startswith(b"PK")
    finally:
        dying.close()


async def test_idle_workers_end_and_come_back_when_needed(tmp_path: Path) -> None:
    maker = ReportMaker(tmp_path / "cache", idle_seconds=0.2)
    try:
        await maker.files(quarterly_report(), ("xlsx",))
        assert maker._pool is not None
        await asyncio.sleep(0.5)
        assert maker._pool is None  # ended: its memory is the system's again
        await maker.files(quarterly_report("2026-TW2"), ("xlsx",))
        assert maker.renders == 2
    finally:
        maker.close()
