"""Approved figures are locked; only someone above the approver re-opens them, with a reason.

Also the edit window's "late" flag and the completeness/timeliness rates over quarters.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from bot.domain.enums import MeasurementState, RunState, TaskState
from bot.domain.periods import Period
from bot.engine import Engine, EventKind, InvalidInput, Locked, NotAuthorized, ReasonRequired
from bot.engine.reopen import REOPEN_AUDIT
from bot.engine.timeliness import organisation_timeliness, recent_timeliness
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
from tests.integration.seed004_play import BIDANG, KASUBAG_PERENCANAAN, SOP, play_quarter

ADMIN = KASUBAG_PERENCANAAN
"""In the sample organisation the Kasubag Perencanaan is also its administrator."""


@pytest.fixture
def sop_engine(uow_factory, sample_org) -> Engine:
    return make_engine(uow_factory)


def _ids(uow_factory, slug: str, code: str) -> tuple[int, int, int]:
    return tuple(person_id(uow_factory, slug, nip) for nip in BIDANG[code])  # type: ignore[return-value]


def _states(uow_factory, slug: str, code: str, period: str) -> set[MeasurementState]:
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        unit = uow.orgs.unit(org.id, code)  # type: ignore[union-attr]
        ids = [i.id for i in uow.indicators.indicators_of_unit(unit.id)]  # type: ignore[union-attr]
        return {m.state for m in uow.work.current_measurements(ids, period)}


def _run(uow_factory, run_id: int):  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        run = uow.runs.run(run_id)
        assert run is not None
        return run.state, run.current_step


def test_approved_value_cannot_change_by_any_path(
    sop_engine: Engine, uow_factory, sample_org: str
) -> None:
    engine, clock = sop_engine, Clock()
    run_id = play_quarter(engine, uow_factory, sample_org, "2026-TW3", clock)
    assert _states(uow_factory, sample_org, "BID-IWK", "2026-TW3") == {MeasurementState.APPROVED}
    kabid, kasubid, analis = _ids(uow_factory, sample_org, "BID-IWK")
    # The old input tasks are done: nobody can write through them.
    with uow_factory() as uow:
        done_inputs = [
            t.id
            for t in uow.work.tasks_of_run(run_id)
            if t.step_no in (3, 4) and t.unit.code == "BID-IWK"
        ]
    for task_id, who in zip(done_inputs, (analis, kasubid), strict=True):
        sheet = engine.input_sheet(task_id, who, now=clock.now)
        assert not any(line.editable for line in sheet)
        with pytest.raises(Exception) as refused:
            engine.save_value(task_id, who, sheet[0].indicator_id, value=Decimal(1), now=clock.now)
        assert "sudah diproses" in str(refused.value)

    # A second run for the same quarter (the first one finished) opens input steps
    # again: the approved figures stay locked there too, and submitting keeps them.
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.advance(days=1))
    finish(engine, kabid, 1, clock.advance(minutes=5))
    finish(engine, kasubid, 2, clock.advance(minutes=5))
    entry = single_task(engine, analis, clock.now, 3)
    sheet = engine.input_sheet(entry, analis, now=clock.now)
    assert sheet and not any(line.editable for line in sheet)
    with pytest.raises(Locked) as locked:
        engine.save_value(entry, analis, sheet[0].indicator_id, value=Decimal(5), now=clock.now)
    assert "terkunci" in str(locked.value)
    engine.complete_task(entry, analis, now=clock.advance(minutes=5))
    assert _states(uow_factory, sample_org, "BID-IWK", "2026-TW3") == {MeasurementState.APPROVED}
    review_path = single_task(engine, kasubid, clock.now, 4)
    engine.complete_task(review_path, kasubid, now=clock.advance(minutes=5))
    # Even a return in the new run does not unlock figures approved in the first one.
    engine.decide(
        single_task(engine, kabid, clock.now, 5),
        kabid,
        approve=False,
        reason="coba ubah",
        now=clock.advance(minutes=5),
    )
    assert _states(uow_factory, sample_org, "BID-IWK", "2026-TW3") == {MeasurementState.APPROVED}


def test_reopen_refused_for_non_superiors_and_without_reason(
    sop_engine: Engine, uow_factory, sample_org: str
) -> None:
    engine, clock = sop_engine, Clock()
    run_id = play_quarter(engine, uow_factory, sample_org, "2026-TW3", clock)
    kabid, kasubid, analis = _ids(uow_factory, sample_org, "BID-IWK")
    other_kabid = _ids(uow_factory, sample_org, "BID-PDN")[0]
    # The approver himself, those below him and another bidang's Kabid may not.
    for who in (kabid, kasubid, analis, other_kabid):
        with pytest.raises(NotAuthorized) as refused:
            engine.reopen(run_id, "BID-IWK", who, reason="salah ketik", now=clock.now)
        assert "admin organisasi" in str(refused.value)
    admin = person_id(uow_factory, sample_org, ADMIN)
    with pytest.raises(ReasonRequired):
        engine.reopen(run_id, "BID-IWK", admin, reason="  ", now=clock.now)
    assert _run(uow_factory, run_id)[0] is RunState.COMPLETED
    assert _states(uow_factory, sample_org, "BID-IWK", "2026-TW3") == {MeasurementState.APPROVED}


def test_reopen_sends_the_unit_back_and_it_is_approved_again(
    sop_engine: Engine, uow_factory, sample_org: str
) -> None:
    engine, clock = sop_engine, Clock()
    run_id = play_quarter(engine, uow_factory, sample_org, "2026-TW3", clock)
    kabid, kasubid, _ = _ids(uow_factory, sample_org, "BID-IWK")
    admin = person_id(uow_factory, sample_org, ADMIN)

    task_id = engine.reopen(
        run_id, "BID-IWK", admin, reason="Realisasi IWK-01 salah", now=clock.advance(days=2)
    )
    # The run is open again and waits at step 6 for the bidang.
    assert _run(uow_factory, run_id) == (RunState.OPEN, 6)
    assert _states(uow_factory, sample_org, "BID-IWK", "2026-TW3") == {MeasurementState.RETURNED}
    assert _states(uow_factory, sample_org, "BID-PDN", "2026-TW3") == {MeasurementState.APPROVED}
    view = engine.task(task_id, kasubid, now=clock.now)
    assert (view.step_no, view.round, view.reason) == (4, 2, "Realisasi IWK-01 salah")
    assigned = [
        e for e in events(uow_factory, EventKind.TASK_ASSIGNED) if e.payload["task_id"] == task_id
    ]
    assert assigned[0].payload["recipients"] == [kasubid]
    assert assigned[0].payload["reopened"] is True
    (reopened,) = events(uow_factory, EventKind.REOPENED)
    assert reopened.payload["reason"] == "Realisasi IWK-01 salah"
    assert kabid in reopened.payload["recipients"]
    with uow_factory() as uow:
        [entry] = [e for e in uow.audit.events_for("run", run_id) if e.action == REOPEN_AUDIT]
        assert entry.actor_id == admin
        assert entry.after["reason"] == "Realisasi IWK-01 salah"
        assert entry.after["unit_code"] == "BID-IWK"
        waiting = [t for t in uow.work.tasks_of_run(run_id) if t.step_no == 6]
        assert [t.state for t in waiting][-1] is TaskState.WAITING

    # The Kasubid corrects, the Kabid approves again, step 6 opens again.
    sheet = engine.input_sheet(task_id, kasubid, now=clock.now)
    assert all(line.editable for line in sheet)
    engine.save_value(task_id, kasubid, sheet[0].indicator_id, value=Decimal(77), now=clock.now)
    engine.complete_task(task_id, kasubid, now=clock.advance(minutes=10))
    approve(engine, kabid, 5, clock.advance(minutes=10))
    assert _states(uow_factory, sample_org, "BID-IWK", "2026-TW3") == {MeasurementState.APPROVED}
    kasubag = person_id(uow_factory, sample_org, KASUBAG_PERENCANAAN)
    finish(engine, kasubag, 6, clock.advance(minutes=30))
    assert _run(uow_factory, run_id)[0] is RunState.COMPLETED


def test_reopen_while_the_join_is_open_puts_it_back_to_waiting(
    sop_engine: Engine, uow_factory, sample_org: str
) -> None:
    engine, clock = sop_engine, Clock()
    run_id = engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    for code in BIDANG:
        kabid, kasubid, analis = _ids(uow_factory, sample_org, code)
        finish(engine, kabid, 1, clock.advance(minutes=5))
        finish(engine, kasubid, 2, clock.advance(minutes=5))
        entry = single_task(engine, analis, clock.now, 3)
        fill_all(engine, entry, analis, clock.advance(minutes=5))
        engine.complete_task(entry, analis, now=clock.advance(minutes=5))
        finish(engine, kasubid, 4, clock.advance(minutes=5))
        approve(engine, kabid, 5, clock.advance(minutes=5))
    kasubag = person_id(uow_factory, sample_org, KASUBAG_PERENCANAAN)
    join = single_task(engine, kasubag, clock.now, 6)
    engine.reopen(run_id, "BID-PDN", kasubag, reason="Cek ulang", now=clock.advance(minutes=5))
    assert engine.open_tasks(kasubag, now=clock.now) == []
    with uow_factory() as uow:
        assert uow.work.task(join).state is TaskState.SUPERSEDED  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):  # its data is being corrected: nothing to re-open
        engine.reopen(run_id, "BID-PDN", kasubag, reason="lagi", now=clock.now)
    kabid, kasubid, _ = _ids(uow_factory, sample_org, "BID-PDN")
    finish(engine, kasubid, 4, clock.advance(minutes=5))
    approve(engine, kabid, 5, clock.advance(minutes=5))
    finish(engine, kasubag, 6, clock.advance(minutes=5))
    assert _run(uow_factory, run_id)[0] is RunState.COMPLETED


def test_late_entries_are_flagged_after_the_edit_window(
    sop_engine: Engine, uow_factory, sample_org: str
) -> None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        org.oversight_policy = {"edit_window_days": 10}  # type: ignore[union-attr]
        uow.commit()
    engine = sop_engine
    # 2026-TW3 ends 30 September: 10 October is inside the window, 12 October is not.
    clock = Clock(datetime(2026, 10, 9, 8, 0, tzinfo=WITA))
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    kabid, kasubid, analis = _ids(uow_factory, sample_org, "BID-IWK")
    finish(engine, kabid, 1, clock.now)
    finish(engine, kasubid, 2, clock.now)
    entry = single_task(engine, analis, clock.now, 3)
    sheet = engine.input_sheet(entry, analis, now=clock.now)
    first, second = sheet[0].indicator_id, sheet[1].indicator_id
    engine.save_value(
        entry, analis, first, value=Decimal(80), now=datetime(2026, 10, 10, 15, 0, tzinfo=WITA)
    )
    engine.save_value(
        entry, analis, second, value=Decimal(140), now=datetime(2026, 10, 12, 9, 0, tzinfo=WITA)
    )
    with uow_factory() as uow:
        flags = {
            m.indicator_id: list(m.flags or [])
            for m in uow.work.current_measurements([first, second], "2026-TW3")
        }
    assert "late" not in flags[first]
    assert "late" in flags[second]


def test_timeliness_rates_over_two_quarters(
    sop_engine: Engine, uow_factory, sample_org: str
) -> None:
    engine = sop_engine
    # TW II: all three bidang approved on 13 July: within 15 days of 30 June.
    play_quarter(
        engine, uow_factory, sample_org, "2026-TW2", Clock(datetime(2026, 7, 13, 8, 0, tzinfo=WITA))
    )
    # TW III: started 12 October (12 days after 30 September), IWK returned once; but then
    # BID-PDN is approved only on 20 October (late), KNPK not at all.
    clock = Clock(datetime(2026, 10, 12, 8, 0, tzinfo=WITA))
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    for code, day in (("BID-IWK", 12), ("BID-PDN", 20)):
        kabid, kasubid, analis = _ids(uow_factory, sample_org, code)
        clock.now = datetime(2026, 10, day, 8, 0, tzinfo=WITA)
        finish(engine, kabid, 1, clock.advance(minutes=5))
        finish(engine, kasubid, 2, clock.advance(minutes=5))
        entry = single_task(engine, analis, clock.now, 3)
        fill_all(engine, entry, analis, clock.advance(minutes=5))
        engine.complete_task(entry, analis, now=clock.advance(minutes=5))
        finish(engine, kasubid, 4, clock.advance(minutes=5))
        approve(engine, kabid, 5, clock.advance(minutes=5))
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        board = recent_timeliness(uow, org.id, Period.parse("2026-TW3"), sop_id=SOP)  # type: ignore[union-attr]
        both = organisation_timeliness(uow, org.id, [Period.parse("2026-TW1")])  # type: ignore[union-attr]
    assert both.rates == ()  # no run in TW I: nothing asked, nothing counted
    assert [str(r.period) for r in board.rates] == ["2026-TW2", "2026-TW3"]
    tw2, tw3 = board.rates
    assert (tw2.units, tw2.complete, tw2.timely) == (3, 3, 3)
    assert (tw3.units, tw3.complete, tw3.timely) == (3, 2, 1)
    assert tw3.text == "Kelengkapan 2/3 unit, tepat waktu 1/3"
    assert tw3.complete_percent == 67
    pdn = board.unit("BID-PDN", Period.parse("2026-TW3"))
    assert pdn is not None
    assert (pdn.complete, pdn.timely, pdn.deadline, pdn.days_late) == (
        True,
        False,
        date(2026, 10, 15),
        5,
    )


# --- the SOP's superior chain (Balangan: the Sekretaris is above the Kepala Bidang) -------

SEKRETARIS, KABID_A, KASUBBAG = "888800000000000002", "888800000000000004", "888800000000000003"
KASI = ["888800000000000006", "888800000000000007", "888800000000000008"]


def test_reopen_by_the_superior_of_a_run_level_approver(uow_factory) -> None:
    slug = import_org_file(uow_factory, "balangan")
    add_indicators(uow_factory, slug, {"SEKSI-A1": 2, "SEKSI-A2": 2, "SEKSI-B1": 3})
    engine = make_engine(uow_factory)
    clock = Clock(datetime(2026, 7, 13, 8, 0, tzinfo=WITA))
    sop = "dkp3-balangan-pengumpulan-data-kinerja"
    sekretaris, kabid, kasubbag = (
        person_id(uow_factory, slug, n) for n in (SEKRETARIS, KABID_A, KASUBBAG)
    )
    kasi = [person_id(uow_factory, slug, n) for n in KASI]
    run_id = engine.start_run(sop, slug, "2026-TW2", now=clock.now)
    finish(engine, sekretaris, 1, clock.advance(minutes=10))
    for person in kasi:
        task = single_task(engine, person, clock.now, 1)
        fill_all(engine, task, person, clock.advance(minutes=30))
        engine.complete_task(task, person, now=clock.advance(minutes=5))
    finish(engine, kasubbag, 2, clock.advance(minutes=30))
    finish(engine, kabid, 3, clock.advance(minutes=5))
    finish(engine, kasi[0], 4, clock.advance(minutes=30))
    finish(engine, kasubbag, 5, clock.advance(minutes=30))
    finish(engine, kasubbag, 6, clock.advance(hours=3))
    approve(engine, kabid, 7, clock.advance(minutes=30))
    finish(engine, kabid, 8, clock.advance(minutes=30))
    assert _run(uow_factory, run_id)[0] is RunState.COMPLETED

    # The Kepala Bidang approved (step 7): he may not re-open, his Sekretaris may.
    with pytest.raises(NotAuthorized) as refused:
        engine.reopen(run_id, "SEKSI-A1", kabid, reason="x", now=clock.now)
    assert "Sekretaris" in str(refused.value)
    task_id = engine.reopen(
        run_id, "SEKSI-A1", sekretaris, reason="Angka A1 keliru", now=clock.advance(hours=1)
    )
    view = engine.task(task_id, kasi[0], now=clock.now)
    assert (view.step_no, view.reason) == (1, "Angka A1 keliru")
    assert _run(uow_factory, run_id) == (RunState.OPEN, 2)
    fill_all(engine, task_id, kasi[0], clock.advance(minutes=5), value=Decimal(50))
    engine.complete_task(task_id, kasi[0], now=clock.advance(minutes=5))
    # Back through the join and the run-level steps to the approval.
    finish(engine, kasubbag, 2, clock.advance(minutes=30))
    finish(engine, kabid, 3, clock.advance(minutes=5))
    finish(engine, kasi[0], 4, clock.advance(minutes=30))
    finish(engine, kasubbag, 5, clock.advance(minutes=30))
    finish(engine, kasubbag, 6, clock.advance(hours=3))
    approve(engine, kabid, 7, clock.advance(minutes=30))
    finish(engine, kabid, 8, clock.advance(minutes=30))
    assert _run(uow_factory, run_id)[0] is RunState.COMPLETED


def test_reports_say_timeliness_and_late_entries(uow_factory, sample_org: str) -> None:
    from bot.definitions import load_catalog
    from bot.reports.collect import ReportRequest, collect_report
    from bot.reports.html import render_report_html
    from bot.reports.xlsx import render_xlsx

    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        org.oversight_policy = {"edit_window_days": 10}  # type: ignore[union-attr]
        uow.commit()
    engine = make_engine(uow_factory)
    play_quarter(engine, uow_factory, sample_org, "2026-TW3", Clock())  # 12 October: late
    definition = load_catalog().get(SOP).definition
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        request = ReportRequest(org.id, SOP, Period.parse("2026-TW3"))  # type: ignore[union-attr]
        report = collect_report(uow, request, definition, now=datetime(2026, 10, 20, tzinfo=WITA))
    assert [u.timeliness for u in report.units] == ["Tepat waktu"] * 3
    assert report.timeliness is not None
    assert report.timeliness.startswith("Kelengkapan 3/3 unit, tepat waktu 3/3")
    assert all("Diisi terlambat" in row.note for row in report.rows)
    assert "Disetujui; Tepat waktu" in render_report_html(report)
    assert render_xlsx(report)


def test_reopen_notices_render(sop_engine: Engine, uow_factory, sample_org: str) -> None:
    from bot.definitions import load_catalog
    from bot.render.texts import render
    from bot.services.notifications import enrich

    engine, clock = sop_engine, Clock()
    run_id = play_quarter(engine, uow_factory, sample_org, "2026-TW3", clock)
    admin = person_id(uow_factory, sample_org, ADMIN)
    task_id = engine.reopen(run_id, "BID-IWK", admin, reason="Cek & perbaiki", now=clock.now)
    catalog = load_catalog()
    (reopened,) = events(uow_factory, EventKind.REOPENED)
    [assigned] = [
        e for e in events(uow_factory, EventKind.TASK_ASSIGNED) if e.payload["task_id"] == task_id
    ]
    with uow_factory() as uow:
        told = render(
            "notice_reopened", e=enrich(uow, catalog, reopened.kind, dict(reopened.payload))
        )
        task = render(
            "notice_task_assigned", e=enrich(uow, catalog, assigned.kind, dict(assigned.payload))
        )
    assert "<b>Data dibuka kembali</b>" in told and "Cek &amp; perbaiki" in told
    assert "Nurul Hidayah Contoh" in told and "Triwulan III 2026" in told
    assert task.startswith("<b>Data dibuka kembali untuk diperbaiki</b>")
    assert "Alasan pengembalian: <i>Cek &amp; perbaiki</i>" in task
