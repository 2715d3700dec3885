"""Two bot processes deciding the same review at the same moment: exactly one wins.

Real processes (spawned, each with its own connection pool) meet at a barrier
and call ``decide`` together. Whichever loses, by the task's state or by the
version check at flush, gets AlreadyProcessed; one decision and one event remain.
"""

from __future__ import annotations

import multiprocessing
from datetime import datetime
from typing import Any

import pytest

from bot.domain.enums import TaskState
from bot.engine import AlreadyProcessed, EventKind
from bot.persistence.db import make_engine
from bot.persistence.uow import make_uow_factory
from tests.integration.engine_helpers import WITA, Clock, events, person_id
from tests.integration.engine_helpers import make_engine as make_sop_engine
from tests.integration.test_engine_seed004 import BIDANG, SOP, _to_review


def _decide(url: str, task_id: int, person: int, barrier: Any, results: Any) -> None:
    engine = make_sop_engine(make_uow_factory(make_engine(url)))
    barrier.wait()
    try:
        engine.decide(task_id, person, approve=True, now=datetime(2026, 10, 13, 9, 0, tzinfo=WITA))
        results.put("won")
    except AlreadyProcessed:
        results.put("lost")


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"], indirect=True)
def test_two_processes_approve_the_same_task(db_url: str, uow_factory, sample_org: str) -> None:
    engine = make_sop_engine(uow_factory)
    clock = Clock()
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    kabid, kasubid, analis = (person_id(uow_factory, sample_org, n) for n in BIDANG["BID-IWK"])
    review = _to_review(engine, clock, kabid, kasubid, analis)

    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(2), spawn.Queue()
    workers = [
        spawn.Process(target=_decide, args=(db_url, review, kabid, barrier, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    outcomes = sorted(results.get(timeout=5) for _ in workers)

    assert outcomes == ["lost", "won"]
    assert len(events(uow_factory, EventKind.APPROVED)) == 1
    with uow_factory() as uow:
        task = uow.work.task(review)
        assert task is not None and task.state is TaskState.DONE
        assert len(uow.work.decisions_for_task(review)) == 1
