"""Seed 003 (Kecamatan Batumandi) end to end; cancellation, unfilled roles, frozen definitions."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain.enums import RunState, TaskState
from bot.engine import Engine, EventKind, NotAuthorized, ReasonRequired
from tests.integration.engine_helpers import (
    WITA,
    Clock,
    add_indicators,
    approve,
    events,
    fill_all,
    finish,
    import_org_file,
    make_engine,
    person_id,
    single_task,
)

SOP = "kec-batumandi-pengumpulan-data-kinerja"


@pytest.fixture
def org(uow_factory) -> str:
    slug = import_org_file(uow_factory, "batumandi")
    add_indicators(uow_factory, slug, {"SEKSI-PEM": 2, "SEKSI-TRANTIB": 2})
    return slug


@pytest.fixture
def sop_engine(uow_factory, org) -> Engine:
    return make_engine(uow_factory)


def _ids(uow_factory, org: str) -> dict[str, int]:
    names = ["camat", "sekcam", "kasubbag", "pelaksana", "kasi_pem", "kasi_trantib"]
    return {
        name: person_id(uow_factory, org, f"77770000000000000{i}")
        for i, name in enumerate(names, 1)
    }


def test_full_run_with_verification_return(sop_engine: Engine, uow_factory, org: str) -> None:
    engine = sop_engine
    clock = Clock(datetime(2026, 10, 12, 8, 0, tzinfo=WITA))
    p = _ids(uow_factory, org)
    run_id = engine.start_run(SOP, org, "2026-TW3", now=clock.now)
    finish(engine, p["camat"], 1, clock.advance(minutes=10))
    finish(engine, p["kasubbag"], 2, clock.advance(minutes=30))
    finish(engine, p["kasubbag"], 3, clock.advance(minutes=30))
    # The join ("Menghimpun", 2 Hari) waits for both seksi.
    assert engine.open_tasks(p["pelaksana"], now=clock.now) == []
    for kasi in ("kasi_pem", "kasi_trantib"):
        task = single_task(engine, p[kasi], clock.now, 3)
        assert (
            engine.task(task, p[kasi], now=clock.now).uraian
            == "Mengisi Format Isian Data Kinerja Triwulan"
        )
        fill_all(engine, task, p[kasi], clock.advance(hours=2))
        engine.complete_task(task, p[kasi], now=clock.advance(minutes=5))
    finish(engine, p["pelaksana"], 4, clock.advance(hours=1))
    finish(engine, p["pelaksana"], 5, clock.advance(hours=3))
    # Step 6: the Sekretaris verifies and returns once; the Camat approves at step 7.
    verify = single_task(engine, p["sekcam"], clock.now, 6)
    engine.decide(
        verify, p["sekcam"], approve=False, reason="Format belum sesuai", now=clock.advance(hours=1)
    )
    redo = engine.task(
        single_task(engine, p["pelaksana"], clock.now, 5), p["pelaksana"], now=clock.now
    )
    assert (redo.round, redo.reason) == (2, "Format belum sesuai")
    engine.complete_task(redo.task_id, p["pelaksana"], now=clock.advance(hours=1))
    approve(engine, p["sekcam"], 6, clock.advance(hours=1))
    approve(engine, p["camat"], 7, clock.advance(hours=1))
    finish(engine, p["pelaksana"], 8, clock.advance(hours=1))
    with uow_factory() as uow:
        run = uow.runs.run(run_id)
        assert run is not None and run.state is RunState.COMPLETED
        steps = [t.step_no for t in uow.work.tasks_of_run(run_id) if t.branch_id is None]
    assert steps == [1, 2, 3, 4, 5, 5, 6, 6, 7, 8]


def test_cancel_needs_a_reason_and_an_admin(sop_engine: Engine, uow_factory, org: str) -> None:
    engine = sop_engine
    clock = Clock()
    p = _ids(uow_factory, org)  # the Camat is the organisation's admin
    run_id = engine.start_run(SOP, org, "2026-TW3", now=clock.now)
    with pytest.raises(ReasonRequired):
        engine.cancel_run(run_id, reason="", now=clock.now, actor_id=p["camat"])
    with pytest.raises(NotAuthorized):
        engine.cancel_run(run_id, reason="salah periode", now=clock.now, actor_id=p["pelaksana"])
    engine.cancel_run(run_id, reason="salah periode", now=clock.now, actor_id=p["camat"])
    with uow_factory() as uow:
        run = uow.runs.run(run_id)
        assert run is not None and run.state is RunState.CANCELLED
        assert {t.state for t in uow.work.tasks_of_run(run_id)} == {TaskState.CANCELLED}
    cancelled = events(uow_factory, EventKind.RUN_CANCELLED)
    assert cancelled[0].payload["reason"] == "salah periode"
    assert cancelled[0].payload["recipients"] == [p["camat"]]
    # A new run for the same period may start after a cancellation.
    engine.start_run(SOP, org, "2026-TW3", now=clock.now)


def test_nobody_holding_a_role_tells_the_admins(sop_engine: Engine, uow_factory, org: str) -> None:
    engine = sop_engine
    clock = Clock()
    p = _ids(uow_factory, org)
    with uow_factory() as uow:
        person = uow.orgs.person_by_id(p["kasubbag"])
        assert person is not None
        person.active = False  # retired; nobody else is Kasubbag
        uow.commit()
    engine.start_run(SOP, org, "2026-TW3", now=clock.now)
    finish(engine, p["camat"], 1, clock.now)
    unfilled = events(uow_factory, EventKind.ROLE_UNFILLED)
    assert len(unfilled) == 1
    assert unfilled[0].payload["role_name"] == "Kasubbag Perencanaan dan Keuangan"
    assert unfilled[0].payload["recipients"] == [p["camat"]]


def test_a_run_keeps_the_definition_it_started_with(uow_factory, org: str, tmp_path) -> None:
    """Editing the YAML later changes new runs only."""
    from pathlib import Path

    from bot.definitions import load_catalog

    source = Path(__file__).resolve().parents[2] / "sop_definitions" / "003_kec_batumandi.yaml"
    clock = Clock()
    p = _ids(uow_factory, org)
    engine = Engine(uow_factory, load_catalog([source]))
    engine.start_run(SOP, org, "2026-TW3", now=clock.now)

    edited = tmp_path / "003.yaml"
    edited.write_text(source.read_text().replace('waktu: "30 Menit"', 'waktu: "3 Jam"', 1))
    later = Engine(uow_factory, load_catalog([edited]))
    task = single_task(later, p["camat"], clock.now, 1)
    later.complete_task(task, p["camat"], now=clock.now)
    step2 = later.task(
        single_task(later, p["kasubbag"], clock.now, 2), p["kasubbag"], now=clock.now
    )
    assert step2.due_at is not None
    assert step2.due_at.astimezone(WITA) == datetime(2026, 10, 12, 8, 30, tzinfo=WITA)
