"""SOP 004 (Kesbangpol Jeneponto) from start to SELESAI on the sample organisation.

Three bidang work in parallel (steps 1-5 per bidang), one bidang's report is
returned twice before it is approved, and step 6 waits for all of them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.enums import MeasurementState, RunState
from bot.engine import (
    AlreadyProcessed,
    Engine,
    EventKind,
    IncompleteInput,
    InvalidInput,
    NotAuthorized,
    ReasonRequired,
    RunConflict,
)
from tests.integration.engine_helpers import (
    Clock,
    events,
    fill_all,
    finish,
    make_engine,
    person_id,
    single_task,
)
from tests.integration.seed004_play import BIDANG, KASUBAG_PERENCANAAN, SOP


@pytest.fixture
def sop_engine(uow_factory, sample_org) -> Engine:
    return make_engine(uow_factory)


def _people(uow_factory, slug: str) -> dict[str, tuple[int, int, int]]:
    return {
        code: tuple(person_id(uow_factory, slug, nip) for nip in nips)  # type: ignore[misc]
        for code, nips in BIDANG.items()
    }


def _to_review(engine: Engine, clock: Clock, kabid: int, kasubid: int, analis: int) -> int:
    """Steps 1-4 for one bidang; returns the Kabid's review task."""
    finish(engine, kabid, 1, clock.advance(minutes=5))
    finish(engine, kasubid, 2, clock.advance(minutes=5))
    analis_task = single_task(engine, analis, clock.now, 3)
    with pytest.raises(IncompleteInput):
        engine.complete_task(analis_task, analis, now=clock.now)
    assert fill_all(engine, analis_task, analis, clock.advance(hours=1)) >= 4
    engine.complete_task(analis_task, analis, now=clock.advance(minutes=5))
    report = single_task(engine, kasubid, clock.now, 4)
    engine.complete_task(report, kasubid, now=clock.advance(hours=1))
    return single_task(engine, kabid, clock.now, 5)


def test_full_quarter_with_two_returns(sop_engine: Engine, uow_factory, sample_org) -> None:
    engine = sop_engine
    clock = Clock()
    run_id = engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    people = _people(uow_factory, sample_org)
    assigned = events(uow_factory, EventKind.TASK_ASSIGNED)
    assert sorted(e.payload["unit_name"].split()[1] for e in assigned) == [
        "Ideologi,",
        "Kewaspadaan",
        "Politik",
    ]

    # Two bidang go straight through.
    for code in ("BID-PDN", "BID-KNPK"):
        review = _to_review(engine, clock, *people[code])
        engine.decide(review, people[code][0], approve=True, now=clock.advance(minutes=30))

    # Step 6 waits: one bidang has not arrived yet.
    kasubag = person_id(uow_factory, sample_org, KASUBAG_PERENCANAAN)
    assert engine.open_tasks(kasubag, now=clock.now) == []

    kabid, kasubid, analis = people["BID-IWK"]
    review = _to_review(engine, clock, kabid, kasubid, analis)
    sheet = engine.input_sheet(review, kabid, now=clock.now)
    first = sheet[0].indicator_id

    with pytest.raises(ReasonRequired):
        engine.decide(review, kabid, approve=False, reason="  ", now=clock.now)
    engine.decide(
        review,
        kabid,
        approve=False,
        reason="Realisasi indikator pertama tidak sesuai bukti",
        correct=[first],
        now=clock.advance(minutes=10),
    )
    returned = events(uow_factory, EventKind.RETURNED)
    assert returned[-1].payload["reason"] == "Realisasi indikator pertama tidak sesuai bukti"
    assert returned[-1].payload["next_recipients"] == [kasubid]

    # Round 2: only the named indicator may change.
    fix = single_task(engine, kasubid, clock.now, 4)
    view = engine.task(fix, kasubid, now=clock.now)
    assert (view.round, view.reason) == (2, "Realisasi indikator pertama tidak sesuai bukti")
    editable = [
        line.indicator_id
        for line in engine.input_sheet(fix, kasubid, now=clock.now)
        if line.editable
    ]
    assert editable == [first]
    with pytest.raises(NotAuthorized):
        engine.save_value(fix, kasubid, sheet[1].indicator_id, value=Decimal(1), now=clock.now)
    engine.save_value(fix, kasubid, first, value=Decimal("87,5".replace(",", ".")), now=clock.now)
    engine.complete_task(fix, kasubid, now=clock.advance(minutes=20))

    # Returned again (whole report), then approved.
    review = single_task(engine, kabid, clock.now, 5)
    engine.decide(
        review, kabid, approve=False, reason="Lengkapi kendala", now=clock.advance(minutes=5)
    )
    fix = single_task(engine, kasubid, clock.now, 4)
    assert engine.task(fix, kasubid, now=clock.now).round == 3
    engine.complete_task(fix, kasubid, now=clock.advance(minutes=5))
    review = single_task(engine, kabid, clock.now, 5)
    engine.decide(review, kabid, approve=True, now=clock.advance(minutes=5))
    with pytest.raises(AlreadyProcessed):
        engine.decide(review, kabid, approve=True, now=clock.now)  # a double tap

    # Every bidang arrived: the join opens for the Kasubag Perencanaan.
    join = single_task(engine, kasubag, clock.now, 6)
    engine.complete_task(join, kasubag, now=clock.advance(hours=2))

    with uow_factory() as uow:
        run = uow.runs.run(run_id)
        assert run is not None and run.state is RunState.COMPLETED
        history = uow.work.measurement_history(first, "2026-TW3")
        assert len(history) == 2  # the correction added a revision
        assert history[0].value == Decimal(90) and history[1].value == Decimal("87.5")
        assert history[-1].state is MeasurementState.APPROVED
        decisions = uow.work.decisions_of_run(run_id)
        assert [d.outcome.value for d in decisions].count("return") == 2
    assert len(events(uow_factory, EventKind.RUN_COMPLETED)) == 1


def test_refusals_change_nothing(sop_engine: Engine, uow_factory, sample_org) -> None:
    engine = sop_engine
    clock = Clock()
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    with pytest.raises(RunConflict):
        engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    people = _people(uow_factory, sample_org)
    kabid_iwk = people["BID-IWK"][0]
    analis_pdn = people["BID-PDN"][2]
    task = single_task(engine, kabid_iwk, clock.now, 1)
    before = len(events(uow_factory))

    with pytest.raises(NotAuthorized):
        engine.complete_task(task, analis_pdn, now=clock.now)  # another bidang's analyst
    with pytest.raises(NotAuthorized):
        engine.complete_task(task, people["BID-PDN"][0], now=clock.now)  # another bidang's Kabid
    with pytest.raises(InvalidInput):
        engine.decide(task, kabid_iwk, approve=True, now=clock.now)  # not a decision step

    assert len(events(uow_factory)) == before
    engine.complete_task(task, kabid_iwk, now=clock.now)
    with pytest.raises(AlreadyProcessed):
        engine.complete_task(task, kabid_iwk, now=clock.now)


def test_plt_holds_the_role_only_while_acting(sop_engine: Engine, uow_factory, sample_org) -> None:
    """In TW II the Kabid KNPK post is held by the Plt (Kabid PDN); from July by the new Kabid."""
    engine = sop_engine
    clock = Clock()
    clock.now = clock.now.replace(month=6, day=10)  # 10 June 2026, a Wednesday
    engine.start_run(SOP, sample_org, "2026-TW1", now=clock.now)
    plt = person_id(uow_factory, sample_org, "999900000000000005")
    definitive = person_id(uow_factory, sample_org, "999900000000000008")
    units = sorted(t.unit_name for t in engine.open_tasks(plt, now=clock.now))
    assert len(units) == 2  # his own bidang and the one he acts for
    assert engine.open_tasks(definitive, now=clock.now) == []
    later = clock.now.replace(month=7, day=1)
    assert len(engine.open_tasks(plt, now=later)) == 1
    assert len(engine.open_tasks(definitive, now=later)) == 1


def test_the_trigger_starts_the_run_for_the_quarter_just_ended(
    sop_engine: Engine, uow_factory, sample_org
) -> None:
    """From trigger to first tasks: 10 Oct 2026 is a Saturday, so it fires Monday 12 Oct."""
    from datetime import datetime, time

    from bot.definitions import load_catalog
    from bot.domain.schedules import next_firings
    from bot.engine.context import calendar_of
    from tests.integration.engine_helpers import ROOT, WITA

    engine = sop_engine
    definition = load_catalog([ROOT / "sop_definitions"]).get(SOP).definition
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        calendar = calendar_of(org)
    firing = next_firings(
        definition.triggers[0],
        calendar,
        after=datetime(2026, 9, 30, 12, 0, tzinfo=WITA),
        count=1,
        default_time=time(8, 0),
    )[0]
    assert firing.at == datetime(2026, 10, 12, 8, 0, tzinfo=WITA)
    assert str(firing.period) == "2026-TW3"

    engine.start_run(SOP, sample_org, str(firing.period), now=firing.at)
    kabid = person_id(uow_factory, sample_org, BIDANG["BID-IWK"][0])
    (task,) = engine.open_tasks(kabid, now=firing.at)
    assert (task.step_no, task.period) == (1, "2026-TW3")
    assert task.due_at is not None
    assert task.due_at.astimezone(WITA) == datetime(2026, 10, 12, 8, 15, tzinfo=WITA)  # 15 Menit


def test_no_data_needs_a_reason_and_counts_as_filled(
    sop_engine: Engine, uow_factory, sample_org
) -> None:
    engine = sop_engine
    clock = Clock()
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    kabid, kasubid, analis = _people(uow_factory, sample_org)["BID-PDN"]
    finish(engine, kabid, 1, clock.now)
    finish(engine, kasubid, 2, clock.now)
    task = single_task(engine, analis, clock.now, 3)
    lines = engine.input_sheet(task, analis, now=clock.now)
    with pytest.raises(InvalidInput):
        engine.save_value(task, analis, lines[0].indicator_id, now=clock.now, no_data_reason=" ")
    engine.save_value(
        task,
        analis,
        lines[0].indicator_id,
        now=clock.now,
        no_data_reason="Data BPS triwulan III belum terbit",
    )
    fill_all(engine, task, analis, clock.now, only=[line.indicator_id for line in lines[1:]])
    sheet = engine.input_sheet(task, analis, now=clock.now)
    assert sheet[0].no_data and sheet[0].capaian.value is None
    # PDN-02 "Jumlah kegiatan pendidikan politik": 90 held against a TW III target of 2.
    assert (sheet[1].code, sheet[1].target) == ("PDN-02", Decimal(2))
    assert (sheet[1].capaian.value, sheet[1].category) == (Decimal(4500), "Sangat Tinggi")
    engine.complete_task(task, analis, now=clock.now)
