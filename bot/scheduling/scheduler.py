"""APScheduler in the bot process, with its jobs in the project's database.

The job store pickles a job's callable by import path and its arguments, so a
job calls a module-level function with plain arguments (slug, SOP id, index);
the function finds the process's services through ``install``. Jobs are
rebuilt at start with explicit ids and ``replace_existing``: after any number
of restarts there is exactly one job per trigger. A job that was due while the
bot was down runs at start (a week of grace, coalesced), and starting a run is
idempotent, so a late or repeated firing does no harm.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduling.triggers import planned_trigger_jobs, start_triggered_run
from bot.services.context import Services

log = logging.getLogger("sopbot.scheduler")
_GRACE = timedelta(days=7)
_services: Services | None = None


def install(services: Services) -> None:
    """Make this process's services available to job functions."""
    global _services
    _services = services


def _current() -> Services:
    if _services is None:
        raise RuntimeError("scheduler jobs run only after bot.scheduling.scheduler.install()")
    return _services


def fire_trigger(organisation: str, sop_id: str, trigger_index: int) -> None:
    """A trigger's job: start the run it stands for, then schedule its next firing."""
    services = _current()
    run_id = start_triggered_run(
        services.uow_factory,
        services.engine,
        services.catalog,
        organisation,
        sop_id,
        trigger_index,
        services.now(),
    )
    if run_id is not None:
        log.info("trigger %s/%s/%s started run %s", organisation, sop_id, trigger_index, run_id)
    if _scheduler is not None:
        sync_trigger_jobs(_scheduler, services)


_scheduler: AsyncIOScheduler | None = None


def build_scheduler(services: Services) -> AsyncIOScheduler:
    """A scheduler on the services' database (SQLite file or PostgreSQL)."""
    global _scheduler
    if services.db is None:
        raise RuntimeError("the scheduler needs the database engine")
    install(services)
    _scheduler = AsyncIOScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=services.db)},
        job_defaults={"misfire_grace_time": int(_GRACE.total_seconds()), "coalesce": True},
        timezone=UTC,
    )
    return _scheduler


def sync_trigger_jobs(scheduler: AsyncIOScheduler, services: Services) -> int:
    """One job per (organisation, SOP, trigger), at its next firing; stale ones removed."""
    with services.uow_factory() as uow:
        planned = planned_trigger_jobs(uow, services.catalog, after=services.now())
    wanted = {job.job_id for job in planned}
    for job in planned:
        scheduler.add_job(
            fire_trigger,
            "date",
            run_date=job.firing.at,
            id=job.job_id,
            args=[job.organisation, job.sop_id, job.trigger_index],
            replace_existing=True,
            name=f"{job.sop_id} untuk {job.organisation}: laporan {job.firing.period}",
        )
    for existing in scheduler.get_jobs():
        if existing.id.startswith("trigger:") and existing.id not in wanted:
            existing.remove()
    return len(planned)
