"""The jobs the running scheduler keeps in the database, for people to read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy.exc import SQLAlchemyError

from bot.persistence.db import make_engine


@dataclass(frozen=True)
class LiveJob:
    job_id: str
    name: str
    next_run_time: datetime | None
    sop_id: str | None = None
    """The SOP a trigger job starts (its second argument); None for other jobs."""


class JobsUnavailable(RuntimeError):
    """The database cannot be read (not there, not migrated, down)."""


def live_jobs(database_url: str) -> list[LiveJob]:
    """Every job in the job store, soonest first."""
    engine = make_engine(database_url)
    try:
        store = SQLAlchemyJobStore(engine=engine)
        jobs = store.get_all_jobs()
    except SQLAlchemyError as exc:
        raise JobsUnavailable(str(exc).splitlines()[0]) from exc
    finally:
        engine.dispose()
    return [LiveJob(job.id, job.name, job.next_run_time, _sop_of(job)) for job in jobs]


def _sop_of(job: object) -> str | None:
    """A trigger job's SOP id (``fire_trigger(organisation, sop_id, trigger_index)``)."""
    args = getattr(job, "args", ())
    if str(getattr(job, "id", "")).startswith("trigger:") and len(args) >= 2:
        return str(args[1])
    return None
