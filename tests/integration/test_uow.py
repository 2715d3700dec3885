"""Unit of work and repositories against a real database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from bot.persistence.errors import DuplicateKeyError, RunAlreadyOpenError
from bot.persistence.models import (
    Organisation,
    ReminderLog,
    RunState,
    Task,
    TaskState,
    Unit,
    UnitKind,
)
from bot.persistence.uow import SqlAlchemyUnitOfWork

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
NOW = datetime(2026, 4, 10, 0, 0, tzinfo=UTC)
DEFINITION = (
    Path(__file__).resolve().parents[2] / "sop_definitions" / "004_kesbangpol_jeneponto.yaml"
)


def _org(uow_factory: UowFactory, slug: str = "org") -> int:
    with uow_factory() as uow:
        org = Organisation(slug=slug, name="Organisasi Uji")
        uow.orgs.add(org)
        uow.orgs.add(Unit(organisation=org, code="BID-1", name="Bidang 1", kind=UnitKind.BIDANG))
        uow.commit()
        return org.id


def _definition():  # type: ignore[no-untyped-def]
    from bot.definitions import load_file

    definition, problems = load_file(DEFINITION)
    assert definition is not None, problems
    return definition


def test_commit_persists(uow_factory: UowFactory) -> None:
    _org(uow_factory)
    with uow_factory() as uow:
        org = uow.orgs.organisation("org")
        assert org is not None
        assert [u.code for u in uow.orgs.units(org.id)] == ["BID-1"]


def test_leaving_without_commit_rolls_back(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.orgs.add(Organisation(slug="gone", name="Tidak disimpan"))
        uow.flush()
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.orgs.add(Organisation(slug="gone2", name="Tidak disimpan"))
        raise RuntimeError("boom")
    with uow_factory() as uow:
        assert uow.orgs.organisations() == []


def test_datetimes_come_back_aware_utc(uow_factory: UowFactory) -> None:
    wita = timezone(timedelta(hours=8))
    with uow_factory() as uow:
        org = Organisation(
            slug="tz", name="Zona", created_at=datetime(2026, 1, 10, 8, 0, tzinfo=wita)
        )
        uow.orgs.add(org)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.orgs.organisation("tz")
        assert stored is not None
        assert stored.created_at == datetime(2026, 1, 10, 0, 0, tzinfo=UTC)
        assert stored.created_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.orgs.add(Organisation(slug="naive", name="N", created_at=datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            uow.flush()


def test_definition_versions_are_stored_once_per_content(uow_factory: UowFactory) -> None:
    definition = _definition()
    with uow_factory() as uow:
        first = uow.runs.ensure_definition_version(definition, now=NOW)
        again = uow.runs.ensure_definition_version(definition, now=NOW)
        uow.commit()
        assert first.id == again.id
    with uow_factory() as uow:
        stored = uow.runs.latest_definition_version(definition.id)
        assert stored is not None
        assert stored.definition() == definition


def test_only_one_open_run_per_sop_org_period(uow_factory: UowFactory) -> None:
    org_id = _org(uow_factory)
    definition = _definition()
    with uow_factory() as uow:
        version = uow.runs.ensure_definition_version(definition, now=NOW)
        run = uow.runs.start_run(version, org_id, "2026-TW1", now=NOW)
        with pytest.raises(RunAlreadyOpenError):
            uow.runs.start_run(version, org_id, "2026-TW1", now=NOW)
        other = uow.runs.start_run(version, org_id, "2026-TW2", now=NOW)  # session still usable
        uow.commit()
        assert run.id != other.id
    with uow_factory() as uow:
        stored = uow.runs.open_run(definition.id, org_id, "2026-TW1")
        assert stored is not None
        stored.state = RunState.CANCELLED
        stored.cancel_reason = "uji"
        uow.commit()
    with uow_factory() as uow:
        version = uow.runs.ensure_definition_version(definition)
        uow.runs.start_run(version, org_id, "2026-TW1", now=NOW)  # allowed again once closed
        uow.commit()
        assert len(uow.runs.runs_for_period(org_id, "2026-TW1")) == 2


def test_open_run_key_includes_the_root_unit(uow_factory: UowFactory) -> None:
    org_id = _org(uow_factory)
    with uow_factory() as uow:
        unit = uow.orgs.unit(org_id, "BID-1")
        assert unit is not None
        version = uow.runs.ensure_definition_version(_definition())
        uow.runs.start_run(version, org_id, "2026-TW1", root_unit_id=unit.id)
        uow.runs.start_run(version, org_id, "2026-TW1")  # a run without root unit differs
        with pytest.raises(RunAlreadyOpenError):
            uow.runs.start_run(version, org_id, "2026-TW1", root_unit_id=unit.id)
        uow.commit()


def test_measurement_corrections_keep_every_revision(
    uow_factory: UowFactory, sample_org: str
) -> None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        indicator = uow.indicators.indicator(org.id, "IWK-02")
        assert indicator is not None
        first = uow.work.record_measurement(
            indicator.id, "2026-TW1", value=Decimal("48"), entered_by_id=None
        )
        second = uow.work.record_measurement(
            indicator.id,
            "2026-TW1",
            value=Decimal("52.5"),
            entered_by_id=None,
            kendala="revisi data",
        )
        uow.work.record_measurement(
            indicator.id,
            "2026-TW2",
            value=None,
            no_data=True,
            no_data_reason="belum ada data",
            entered_by_id=None,
        )
        uow.commit()
        indicator_id, first_id, second_id = indicator.id, first.id, second.id
    with uow_factory() as uow:
        history = uow.work.measurement_history(indicator_id, "2026-TW1")
        assert [(m.revision, m.is_current, m.value) for m in history] == [
            (1, False, Decimal("48")),
            (2, True, Decimal("52.5")),
        ]
        assert [m.id for m in history] == [first_id, second_id]
        current = uow.work.current_measurement(indicator_id, "2026-TW1")
        assert current is not None and current.id == second_id
        no_data = uow.work.current_measurement(indicator_id, "2026-TW2")
        assert no_data is not None and no_data.no_data and no_data.value is None
        assert len(uow.work.current_measurements([indicator_id], "2026-TW1")) == 1


def test_role_holders_respect_plt_validity(uow_factory: UowFactory, sample_org: str) -> None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        unit = uow.orgs.unit(org.id, "BID-KNPK")
        assert unit is not None
        in_april = [p.name for p in uow.orgs.holders(unit.id, "kabid", date(2026, 4, 10))]
        in_july = [p.name for p in uow.orgs.holders(unit.id, "kabid", date(2026, 7, 10))]
        assert in_april == ["Syamsuddin Fiktif"]  # the Plt
        assert in_july == ["Abdul Rahman Fiktif"]  # the definitive Kabid


def test_reminder_keys_are_unique(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.audit.add_reminder(ReminderLog(key="remind:1:due:1", kind="due", slot="1"))
        with pytest.raises(DuplicateKeyError):
            uow.audit.add_reminder(ReminderLog(key="remind:1:due:1", kind="due", slot="1"))
        uow.commit()
    with uow_factory() as uow:
        assert uow.audit.reminder("remind:1:due:1") is not None


def test_outbox_events_wait_until_dispatched(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.audit.emit("task_opened", {"task_id": 1}, at=NOW)
        uow.audit.emit("task_opened", {"task_id": 2}, at=NOW)
        uow.commit()
    with uow_factory() as uow:
        first, _ = uow.audit.pending_events()
        first.dispatched_at = NOW
        uow.commit()
    with uow_factory() as uow:
        assert [e.payload for e in uow.audit.pending_events()] == [{"task_id": 2}]


def test_tasks_have_a_version_counter(uow_factory: UowFactory) -> None:
    org_id = _org(uow_factory)
    with uow_factory() as uow:
        unit = uow.orgs.unit(org_id, "BID-1")
        assert unit is not None
        version = uow.runs.ensure_definition_version(_definition())
        run = uow.runs.start_run(version, org_id, "2026-TW1")
        task = Task(run=run, step_no=1, role_key="kabid", unit=unit, due_at=NOW, payload={"a": 1})
        uow.work.add(task)
        uow.commit()
        assert task.version == 1
        task.payload = {"a": 2}
        uow.commit()
        assert task.version == 2


def test_task_queries(uow_factory: UowFactory) -> None:
    org_id = _org(uow_factory)
    other_org = _org(uow_factory, "lain")
    with uow_factory() as uow:
        unit = uow.orgs.unit(org_id, "BID-1")
        assert unit is not None
        version = uow.runs.ensure_definition_version(_definition())
        run = uow.runs.start_run(version, org_id, "2026-TW1")
        run.participant_unit_ids = [unit.id]
        for step, state in ((1, TaskState.OPEN), (6, TaskState.WAITING), (2, TaskState.DONE)):
            uow.work.add(
                Task(run=run, step_no=step, role_key="kabid", unit=unit, due_at=NOW, state=state)
            )
        uow.commit()
    later = NOW + timedelta(hours=1)
    with uow_factory() as uow:
        assert [t.step_no for t in uow.work.tasks_due_before(later)] == [1]
        waiting = uow.work.tasks_due_before(later, (TaskState.OPEN, TaskState.WAITING))
        assert sorted(t.step_no for t in waiting) == [1, 6]
        assert uow.work.tasks_due_before(NOW) == []
        assert [t.step_no for t in uow.work.tasks_in_organisation(org_id, TaskState.OPEN)] == [1]
        assert len(uow.work.tasks_in_organisation(org_id)) == 3
        assert uow.work.tasks_in_organisation(other_org) == []
        assert uow.runs.open_runs(org_id)[0].participant_unit_ids == [unit.id]
