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
    return [LiveJob(job.id, job.name, job.next_run_time) for job in jobs]
