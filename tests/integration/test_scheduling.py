"""SOP triggers as APScheduler jobs in the database: one job per trigger, across restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine as DbEngine

from bot.domain.enums import RunState
from bot.scheduling import scheduler as scheduling
from bot.scheduling.triggers import job_id, planned_trigger_jobs, start_triggered_run
from bot.services.context import Services
from tests.integration.engine_helpers import WITA, make_engine

SOP = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
JOB = job_id("contoh-kesbangpol-jeneponto", SOP, 0)


def _services(uow_factory, engine: DbEngine, now: datetime) -> Services:
    sop_engine = make_engine(uow_factory)
    return Services(uow_factory, sop_engine._catalog, sop_engine, db=engine, clock=lambda: now)


def test_the_next_firing_of_each_trigger(uow_factory, sample_org) -> None:
    services = _services(uow_factory, None, datetime(2026, 11, 23, tzinfo=WITA))  # type: ignore[arg-type]
    with uow_factory() as uow:
        (job,) = planned_trigger_jobs(uow, services.catalog, after=services.now())
    assert job.job_id == JOB
    assert job.firing.at == datetime(2027, 1, 11, 8, 0, tzinfo=WITA)  # the 10th is a Sunday
    assert str(job.firing.period) == "2026-TW4"


def test_a_trigger_starts_its_run_once(uow_factory, sample_org) -> None:
    services = _services(uow_factory, None, datetime(2027, 1, 11, 8, 0, tzinfo=WITA))  # type: ignore[arg-type]
    args = (services.uow_factory, services.engine, services.catalog, sample_org, SOP, 0)
    run_id = start_triggered_run(*args, services.now())
    assert run_id is not None
    assert start_triggered_run(*args, services.now() + timedelta(hours=3)) is None
    with uow_factory() as uow:
        run = uow.runs.run(run_id)
        assert run is not None and run.period == "2026-TW4" and run.state is RunState.OPEN


async def test_one_job_per_trigger_across_restarts(uow_factory, engine, sample_org) -> None:
    services = _services(uow_factory, engine, datetime(2026, 11, 23, tzinfo=WITA))
    for _restart in range(3):
        scheduler = scheduling.build_scheduler(services)
        scheduler.start(paused=True)
        scheduling.sync_trigger_jobs(scheduler, services)
        scheduling.sync_trigger_jobs(scheduler, services)
        jobs = scheduler.get_jobs()
        assert [j.id for j in jobs] == [JOB]
        assert jobs[0].next_run_time == datetime(2027, 1, 11, 8, 0, tzinfo=WITA)
        scheduler.shutdown(wait=False)


async def test_a_trigger_missed_while_down_runs_at_start(uow_factory, engine, sample_org) -> None:
    """The bot was down at 08.00 on the firing day; at start the job runs and the run begins."""
    services = _services(uow_factory, engine, datetime(2027, 1, 11, 10, 0, tzinfo=WITA))
    scheduler = scheduling.build_scheduler(services)
    scheduler.add_job(
        scheduling.fire_trigger,
        "date",
        run_date=datetime.now(UTC) - timedelta(hours=2),  # real time: APScheduler's own clock
        id=JOB,
        args=["contoh-kesbangpol-jeneponto", SOP, 0],
        replace_existing=True,
    )
    scheduler.start()
    try:
        for _ in range(100):
            with uow_factory() as uow:
                started = [run.sop_id for run in uow.runs.runs_for_period(1, "2026-TW4")]
            if started:
                break
            await asyncio.sleep(0.05)
        assert started == [SOP]
    finally:
        scheduler.shutdown(wait=False)


@pytest.fixture(autouse=True)
def _forget_scheduler() -> None:
    scheduling._scheduler = None


async def test_schedule_show_lists_the_live_jobs(
    uow_factory, engine, db_url: str, sample_org, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from bot.cli import cli
    from bot.settings import get_settings

    services = _services(uow_factory, engine, datetime(2026, 11, 23, tzinfo=WITA))
    scheduler = scheduling.build_scheduler(services)
    scheduler.start(paused=True)
    scheduling.sync_trigger_jobs(scheduler, services)
    scheduler.shutdown(wait=False)

    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["schedule", "show", "--from", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "Pekerjaan terjadwal di basis data:" in result.output
    assert (
        f"Senin, 11 Januari 2027 08.00 WITA  {SOP} untuk contoh-kesbangpol-jeneponto"
        in result.output
    )
    assert f"[{JOB}]" in result.output
    # --sop narrows the stored jobs too: another SOP's job is not listed under it.
    other = CliRunner().invoke(cli, ["schedule", "show", "--sop", "skpd", "--from", "2026-11-23"])
    assert other.exit_code == 0, other.output
    assert f"[{JOB}]" not in other.output
    assert "Pekerjaan terjadwal: belum ada" in other.output
    same = CliRunner().invoke(cli, ["schedule", "show", "--sop", "kesbang", "--from", "2026-11-23"])
    assert f"[{JOB}]" in same.output
