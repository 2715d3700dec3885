"""Optimistic concurrency: of two simultaneous updates of a task or measurement, one wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest

from bot.persistence.errors import ConcurrentUpdateError
from bot.persistence.models import Organisation, Task, TaskState, Unit, UnitKind
from bot.persistence.uow import SqlAlchemyUnitOfWork
from tests.integration.conftest import BACKENDS

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def _task(uow_factory: UowFactory) -> int:
    from bot.persistence.models import Run, SopDefinitionVersion

    with uow_factory() as uow:
        org = Organisation(slug="org", name="Organisasi Uji")
        unit = Unit(organisation=org, code="BID-1", name="Bidang 1", kind=UnitKind.BIDANG)
        version = SopDefinitionVersion(sop_id="uji", content_hash="0" * 64, canonical_json="{}")
        run = Run(definition_version=version, sop_id="uji", organisation=org, period="2026-TW1")
        task = Task(run=run, step_no=1, role_key="kabid", unit=unit)
        for obj in (org, unit, version, run, task):
            uow.orgs.add(obj)
        uow.commit()
        return task.id


def _finish(uow: SqlAlchemyUnitOfWork, task_id: int, who: str) -> None:
    task = uow.work.task(task_id)
    assert task is not None
    task.state = TaskState.DONE
    task.payload = {"by": who}


@pytest.mark.parametrize("backend", [BACKENDS[1]], indirect=True)
def test_second_writer_of_a_task_loses(uow_factory: UowFactory) -> None:
    """Both read version 1 in open transactions, then both write: the version check stops one.

    PostgreSQL only: SQLite transactions begin IMMEDIATE (bot.persistence.db), so a
    second writer cannot even read until the first has committed; the engine-level
    race on SQLite is covered by test_engine_concurrency.
    """
    task_id = _task(uow_factory)
    with uow_factory() as first, uow_factory() as second:
        a, b = first.work.task(task_id), second.work.task(task_id)
        assert a is not None and b is not None and a.version == b.version == 1
        _finish(first, task_id, "a")
        first.commit()
        with pytest.raises(ConcurrentUpdateError):
            _finish(second, task_id, "b")
            second.commit()
    with uow_factory() as uow:
        task = uow.work.task(task_id)
        assert task is not None
        assert (task.payload, task.version) == ({"by": "a"}, 2)


@pytest.mark.parametrize("backend", [BACKENDS[1]], indirect=True)
def test_two_threads_one_task_exactly_one_wins(uow_factory: UowFactory) -> None:
    """Real simultaneity: both read version 1, then both write (PostgreSQL row locks)."""
    task_id = _task(uow_factory)
    both_read = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def writer(name: str) -> None:
        try:
            with uow_factory() as uow:
                assert uow.work.task(task_id) is not None
                both_read.wait()
                _finish(uow, task_id, name)
                uow.commit()
            outcomes[name] = "won"
        except ConcurrentUpdateError:
            outcomes[name] = "lost"

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcomes.values()) == ["lost", "won"]
    winner = next(n for n, o in outcomes.items() if o == "won")
    with uow_factory() as uow:
        task = uow.work.task(task_id)
        assert task is not None
        assert (task.payload, task.version) == ({"by": winner}, 2)


def test_two_corrections_of_one_figure_exactly_one_wins(
    uow_factory: UowFactory, sample_org: str, backend: str
) -> None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        indicator = uow.indicators.indicator(org.id, "PDN-02")
        assert indicator is not None
        indicator_id = indicator.id
        uow.work.record_measurement(indicator_id, "2026-TW1", value=Decimal(2), entered_by_id=None)
        uow.commit()
    outcomes: dict[str, str] = {}
    both_read = threading.Barrier(2, timeout=10)

    def corrector(name: str, value: int) -> None:
        try:
            with uow_factory() as uow:
                assert uow.work.current_measurement(indicator_id, "2026-TW1") is not None
                if backend == "postgresql":
                    both_read.wait()
                uow.work.record_measurement(
                    indicator_id, "2026-TW1", value=Decimal(value), entered_by_id=None
                )
                uow.commit()
            outcomes[name] = "won"
        except ConcurrentUpdateError:
            outcomes[name] = "lost"

    if backend == "postgresql":
        threads = [threading.Thread(target=corrector, args=a) for a in (("a", 3), ("b", 4))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
    else:  # SQLite: interleave by hand, the second one having read before the first wrote
        try:
            with uow_factory() as late:
                assert late.work.current_measurement(indicator_id, "2026-TW1") is not None
                corrector("a", 3)
                late.work.record_measurement(
                    indicator_id, "2026-TW1", value=Decimal(4), entered_by_id=None
                )
                late.commit()
            outcomes["b"] = "won"
        except ConcurrentUpdateError:
            outcomes["b"] = "lost"
    assert sorted(outcomes.values()) == ["lost", "won"]
    with uow_factory() as uow:
        history = uow.work.measurement_history(indicator_id, "2026-TW1")
        assert [m.revision for m in history] == [1, 2]
        assert [m.is_current for m in history] == [False, True]
