"""The 9-step Balangan procedure (seeds 000-002): fan-out to seksi, join, period branches."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain.enums import RunState
from bot.engine import Engine, EventKind
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

BALANGAN = [
    "disporapar-balangan-pengumpulan-data-kinerja",
    "dispersip-balangan-pengumpulan-data-kinerja",
    "dkp3-balangan-pengumpulan-data-kinerja",
]
NIP = {
    "sekretaris": "888800000000000002",
    "kasubbag": "888800000000000003",
    "kabid_a": "888800000000000004",
    "kasi": ["888800000000000006", "888800000000000007", "888800000000000008"],
}


@pytest.fixture
def org(uow_factory) -> str:
    slug = import_org_file(uow_factory, "balangan")
    add_indicators(uow_factory, slug, {"SEKSI-A1": 2, "SEKSI-A2": 2, "SEKSI-B1": 3})
    return slug


@pytest.fixture
def sop_engine(uow_factory, org) -> Engine:
    return make_engine(uow_factory)


def _who(uow_factory, org: str) -> dict[str, object]:
    return {
        key: [person_id(uow_factory, org, n) for n in nip]
        if isinstance(nip, list)
        else person_id(uow_factory, org, nip)
        for key, nip in NIP.items()
    }


def _through_join(engine: Engine, clock: Clock, who: dict) -> None:
    """Step 1 (Sekretaris, fan-out), every seksi's figures, step 2 (the join)."""
    finish(engine, who["sekretaris"], 1, clock.advance(minutes=10))
    for kasi in who["kasi"]:
        task = single_task(engine, kasi, clock.now, 1)
        fill_all(engine, task, kasi, clock.advance(minutes=30))
        engine.complete_task(task, kasi, now=clock.advance(minutes=5))
    finish(engine, who["kasubbag"], 2, clock.advance(minutes=30))


def _steps_3_to_5(engine: Engine, clock: Clock, who: dict) -> None:
    finish(engine, who["kabid_a"], 3, clock.advance(minutes=5))
    kasi = who["kasi"][0]
    finish(engine, kasi, 4, clock.advance(minutes=30))
    finish(engine, who["kasubbag"], 5, clock.advance(minutes=30))


def _run_state(uow_factory, run_id: int) -> RunState:
    with uow_factory() as uow:
        run = uow.runs.run(run_id)
        assert run is not None
        return run.state


@pytest.mark.parametrize("sop_id", BALANGAN)
def test_tw1_ends_after_the_quarterly_steps(
    sop_engine: Engine, uow_factory, org: str, sop_id: str
) -> None:
    engine = sop_engine
    clock = Clock(datetime(2026, 4, 13, 8, 0, tzinfo=WITA))
    who = _who(uow_factory, org)
    run_id = engine.start_run(sop_id, org, "2026-TW1", now=clock.now)
    _through_join(engine, clock, who)
    _steps_3_to_5(engine, clock, who)
    assert _run_state(uow_factory, run_id) is RunState.COMPLETED


def test_tw2_runs_the_semester_branch(sop_engine: Engine, uow_factory, org: str) -> None:
    engine = sop_engine
    clock = Clock(datetime(2026, 7, 13, 8, 0, tzinfo=WITA))
    who = _who(uow_factory, org)
    run_id = engine.start_run(BALANGAN[2], org, "2026-TW2", now=clock.now)
    _through_join(engine, clock, who)
    _steps_3_to_5(engine, clock, who)
    finish(engine, who["kasubbag"], 6, clock.advance(hours=3))
    review = single_task(engine, who["kabid_a"], clock.now, 7)
    # TIDAK at step 7 goes back to the Kasi's step 4, then through 5 and 6 again.
    engine.decide(
        review,
        who["kabid_a"],
        approve=False,
        reason="Data semester belum lengkap",
        now=clock.advance(minutes=30),
    )
    kasi = who["kasi"][0]
    finish(engine, kasi, 4, clock.advance(minutes=30))
    finish(engine, who["kasubbag"], 5, clock.advance(minutes=30))
    finish(engine, who["kasubbag"], 6, clock.advance(minutes=30))
    approve(engine, who["kabid_a"], 7, clock.advance(minutes=30))
    finish(engine, who["kabid_a"], 8, clock.advance(minutes=30))
    # Step 9 is annual only: TW II ends here. The admin and the holders of the last
    # step's role (a run-level step: every Kepala Bidang of the dinas) are told.
    assert _run_state(uow_factory, run_id) is RunState.COMPLETED
    (completed,) = events(uow_factory, EventKind.RUN_COMPLETED)
    admin = person_id(uow_factory, org, "888800000000000001")
    kabid_b = person_id(uow_factory, org, "888800000000000005")
    assert completed.payload["recipients"] == sorted([admin, who["kabid_a"], kabid_b])
    assert engine.open_tasks(who["sekretaris"], now=clock.now) == []


def test_tw4_runs_semester_and_annual_steps(sop_engine: Engine, uow_factory, org: str) -> None:
    engine = sop_engine
    clock = Clock(datetime(2027, 1, 11, 8, 0, tzinfo=WITA))
    who = _who(uow_factory, org)
    run_id = engine.start_run(BALANGAN[0], org, "2026-TW4", now=clock.now)
    _through_join(engine, clock, who)
    _steps_3_to_5(engine, clock, who)
    finish(engine, who["kasubbag"], 6, clock.advance(hours=3))
    approve(engine, who["kabid_a"], 7, clock.advance(minutes=30))
    finish(engine, who["kabid_a"], 8, clock.advance(minutes=30))
    annual = single_task(engine, who["sekretaris"], clock.now, 9)
    engine.decide(
        annual,
        who["sekretaris"],
        approve=False,
        reason="Sosialisasikan ulang",
        now=clock.advance(minutes=30),
    )
    finish(engine, who["kabid_a"], 8, clock.advance(minutes=30))
    approve(engine, who["sekretaris"], 9, clock.advance(minutes=30))
    assert _run_state(uow_factory, run_id) is RunState.COMPLETED


def test_join_lists_the_units_still_missing_at_its_deadline(
    sop_engine: Engine, uow_factory, org: str
) -> None:
    engine = sop_engine
    clock = Clock(datetime(2026, 10, 12, 8, 0, tzinfo=WITA))  # Monday
    who = _who(uow_factory, org)
    engine.start_run(BALANGAN[1], org, "2026-TW3", now=clock.now)
    finish(engine, who["sekretaris"], 1, clock.now)
    for kasi in who["kasi"][:2]:  # Seksi B1 is late
        task = single_task(engine, kasi, clock.now, 1)
        fill_all(engine, task, kasi, clock.now)
        engine.complete_task(task, kasi, now=clock.advance(minutes=30))

    # The units have 2 working days (until Wednesday 08:00): nothing before that.
    assert engine.check_deadlines(now=datetime(2026, 10, 13, 15, 0, tzinfo=WITA)) == 0
    assert events(uow_factory, EventKind.JOIN_WAITING) == []
    late = datetime(2026, 10, 14, 9, 0, tzinfo=WITA)
    assert engine.check_deadlines(now=late) == 2  # the join and Seksi B1's own task
    waiting = events(uow_factory, EventKind.JOIN_WAITING)
    assert len(waiting) == 1
    assert waiting[0].payload["missing_units"] == ["Seksi B1"]
    assert waiting[0].payload["recipients"] == [who["kasubbag"]]
    overdue = events(uow_factory, EventKind.TASK_OVERDUE)
    assert [e.payload["unit_name"] for e in overdue] == ["Seksi B1"]
    # Each is reported once, however often the deadlines are checked.
    assert engine.check_deadlines(now=late.replace(hour=10)) == 0

    # The late unit arrives; the join opens with its own Waktu from now.
    kasi_b1 = who["kasi"][2]
    task = single_task(engine, kasi_b1, late, 1)
    fill_all(engine, task, kasi_b1, late)
    engine.complete_task(task, kasi_b1, now=late)
    join = engine.task(single_task(engine, who["kasubbag"], late, 2), who["kasubbag"], now=late)
    assert join.due_at is not None
    assert join.due_at.astimezone(WITA) == datetime(2026, 10, 14, 9, 30, tzinfo=WITA)
