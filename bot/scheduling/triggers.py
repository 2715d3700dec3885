"""SOP triggers as jobs: when each organisation's SOPs next start, and starting them once.

A job is identified by ``trigger:<organisation>:<sop>:<n>``; its run date is the
trigger's next firing (after the non-working-day policy). Starting is
idempotent: a period that already has a run (open, done or cancelled) is not
started again, so a job that fires twice, or late after a restart, is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.definitions import Catalog
from bot.domain.schedules import Firing, iter_firings, next_firings
from bot.engine import Engine, OverlappingRun, RunConflict
from bot.engine.context import calendar_of
from bot.persistence.uow import SqlAlchemyUnitOfWork, UowFactory

DEFAULT_TRIGGER_TIME = time(8, 0)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TriggerJob:
    job_id: str
    organisation: str
    sop_id: str
    trigger_index: int
    firing: Firing


def job_id(organisation: str, sop_id: str, trigger_index: int) -> str:
    return f"trigger:{organisation}:{sop_id}:{trigger_index}"


def planned_trigger_jobs(
    uow: SqlAlchemyUnitOfWork, catalog: Catalog, *, after: datetime
) -> list[TriggerJob]:
    """The next firing of every trigger of every SOP each organisation runs."""
    jobs = []
    for org in uow.orgs.organisations():
        calendar = calendar_of(org)
        for sop_id in uow.orgs.sop_ids(org.id):
            if sop_id not in catalog.definitions:
                continue  # named in the org file but not (or no longer) defined
            definition = catalog.definitions[sop_id].definition
            for index, trigger in enumerate(definition.triggers):
                (firing,) = next_firings(
                    trigger,
                    calendar,
                    after=after,
                    count=1,
                    default_time=DEFAULT_TRIGGER_TIME,
                    frequency=definition.frequency,
                )
                jobs.append(
                    TriggerJob(job_id(org.slug, sop_id, index), org.slug, sop_id, index, firing)
                )
    return jobs


def latest_firing(
    uow: SqlAlchemyUnitOfWork,
    catalog: Catalog,
    organisation: str,
    sop_id: str,
    index: int,
    now: datetime,
) -> Firing | None:
    """The most recent firing at or before ``now`` (what a job firing now stands for)."""
    org = uow.orgs.organisation(organisation)
    if org is None or sop_id not in catalog.definitions:
        return None
    definition = catalog.definitions[sop_id].definition
    triggers = definition.triggers
    if index >= len(triggers):
        return None
    calendar = calendar_of(org)
    start = now - timedelta(days=400)  # a trigger fires at least once a year
    latest = None
    for firing in iter_firings(
        triggers[index],
        calendar,
        after=start,
        default_time=DEFAULT_TRIGGER_TIME,
        frequency=definition.frequency,
    ):
        if firing.at > now:
            break
        latest = firing
    return latest


def start_triggered_run(
    uow_factory: UowFactory,
    engine: Engine,
    catalog: Catalog,
    organisation: str,
    sop_id: str,
    index: int,
    now: datetime,
) -> int | None:
    """Start the run the trigger stands for, unless its period already has one; its id."""
    with uow_factory() as uow:
        firing = latest_firing(uow, catalog, organisation, sop_id, index, now)
        org = uow.orgs.organisation(organisation)
        if firing is None or org is None:
            return None
        period = str(firing.period)
        if any(run.sop_id == sop_id for run in uow.runs.runs_for_period(org.id, period)):
            return None
    try:
        return engine.start_run(sop_id, organisation, period, now=now)
    except OverlappingRun as exc:
        # A scheduled start never overrides: an admin may start it by hand, explicitly.
        log.warning("jadwal %s %s %s dilewati: %s", sop_id, organisation, period, exc)
        return None
    except RunConflict:
        return None  # another process started it a moment ago
