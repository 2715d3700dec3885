"""``run_status``: where SOP 004 stands on the sample organisation, on both backends.

The clock is always passed in: Monday 12 October 2026 08.00 WITA, a working day.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.engine import Engine, InvalidInput
from bot.engine.status import RunStatus, run_status
from tests.integration.engine_helpers import (
    WITA,
    Clock,
    approve,
    fill_all,
    finish,
    make_engine,
    person_id,
    single_task,
)

SOP = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
IWK = "Bidang Ideologi, Wawasan Kebangsaan dan Karakter Bangsa"
PDN = "Bidang Politik Dalam Negeri dan Organisasi Kemasyarakatan"
KNPK = "Bidang Kewaspadaan Nasional dan Penanganan Konflik"


@pytest.fixture
def engine(uow_factory, sample_org) -> Engine:
    return make_engine(uow_factory)


def _status(
    uow_factory, slug: str, now: datetime, *, period: str | None = None, unit: str | None = None
) -> list[RunStatus]:
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        unit_id = None
        if unit is not None:
            found = uow.orgs.unit(org.id, unit)
            assert found is not None
            unit_id = found.id
        return run_status(uow, organisation_id=org.id, period=period, unit_id=unit_id, now=now)


def test_after_start_every_bidang_has_its_kabid_and_the_join_waits(
    engine: Engine, uow_factory, sample_org: str
) -> None:
    clock = Clock()
    run_id = engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)

    [status] = _status(uow_factory, sample_org, clock.now)
    assert (status.run_id, status.sop_id, status.state) == (run_id, SOP, "berjalan")
    assert (status.period, status.period_label) == ("2026-TW3", "Triwulan III 2026")
    assert status.sop_name == "Pengumpulan Data Kinerja"
    assert status.started_at == clock.now and status.finished_at is None

    first = [(w.step_no, w.unit_name, w.holders, w.state) for w in status.work]
    assert first == [
        (1, IWK, ("Andi Baso Fiktif",), "dikerjakan"),
        # The Plt ended on 30 June: the definitive Kabid holds the role in October.
        (1, KNPK, ("Abdul Rahman Fiktif",), "dikerjakan"),
        (1, PDN, ("Syamsuddin Fiktif",), "dikerjakan"),
        (6, "Badan Kesatuan Bangsa dan Politik", ("Nurul Hidayah Contoh",), "menunggu unit"),
    ]
    kabid = status.work[0]
    assert kabid.role_name == "Kabid" and kabid.uraian.startswith("Menugaskan Kasubag")
    assert kabid.due_at == datetime(2026, 10, 12, 8, 15, tzinfo=WITA)
    assert kabid.due_at is not None and kabid.due_at.tzinfo == WITA  # shown in local time
    assert (kabid.late, kabid.late_minutes, kabid.lateness) == (False, 0, None)
    assert kabid.time_left == "sisa 15 menit"
    join = status.work[-1]
    assert sorted(join.waiting_for) == sorted((IWK, PDN, KNPK))
    # 15 + 15 menit + 1 hari + 1 hari + 1 jam of the bidang's own steps.
    assert join.due_at == datetime(2026, 10, 14, 9, 30, tzinfo=WITA)


def test_completions_move_the_status_and_the_join_names_who_is_missing(
    engine: Engine, uow_factory, sample_org: str
) -> None:
    clock = Clock()
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    kabid = person_id(uow_factory, sample_org, "999900000000000002")
    finish(engine, kabid, 1, clock.advance(minutes=5))

    [status] = _status(uow_factory, sample_org, clock.now)
    iwk = [w for w in status.work if w.unit_name == IWK]
    assert [(w.step_no, w.role_name, w.holders) for w in iwk] == [
        (2, "Kasubid/ Kasubag", ("Rahmawati Sampel",))
    ]
    assert iwk[0].due_at == datetime(2026, 10, 12, 8, 20, tzinfo=WITA)

    # The unit filter keeps the bidang's own work and the join that waits for it.
    [only_iwk] = _status(uow_factory, sample_org, clock.now, unit="BID-IWK")
    assert [(w.step_no, w.state) for w in only_iwk.work] == [
        (2, "dikerjakan"),
        (6, "menunggu unit"),
    ]
    # The Kasubag Perencanaan's sub-bagian sees the join it will do, nothing else.
    [prc] = _status(uow_factory, sample_org, clock.now, unit="SUBAG-PRC")
    assert [w.step_no for w in prc.work] == [6]
    assert _status(uow_factory, sample_org, clock.now, unit="SUBAG-UMP") == []


def test_late_tasks_say_how_late_in_working_time(
    engine: Engine, uow_factory, sample_org: str
) -> None:
    clock = Clock()
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)

    # Due 08.15; at 10.00 the same day: 1 jam 45 menit of working time.
    [status] = _status(uow_factory, sample_org, datetime(2026, 10, 12, 10, 0, tzinfo=WITA))
    kabid = status.work[0]
    assert (kabid.late, kabid.late_minutes) == (True, 105)
    assert kabid.lateness == "terlambat 1 jam 45 menit" and kabid.time_left is None
    assert not status.work[-1].late  # the join is due on Wednesday

    # Tuesday 10.15: 7 jam 45 menit on Monday + 2 jam 45 menit = 1 hari (8 jam 30) 2 jam.
    [status] = _status(uow_factory, sample_org, datetime(2026, 10, 13, 10, 15, tzinfo=WITA))
    assert status.work[0].lateness == "terlambat 1 hari 2 jam"

    # The evening counts nothing: the join due Wednesday 09.30 has lost 6 jam 30 menit.
    [status] = _status(uow_factory, sample_org, datetime(2026, 10, 14, 19, 0, tzinfo=WITA))
    join = status.work[-1]
    assert join.late and join.lateness == "terlambat 6 jam 30 menit"
    # Less than a working minute past the deadline: overdue, without a figure.
    [status] = _status(uow_factory, sample_org, datetime(2026, 10, 12, 8, 15, 30, tzinfo=WITA))
    assert status.work[0].late and status.work[0].lateness == "lewat batas waktu"


def test_period_filter_shows_finished_runs_and_no_period_only_open_ones(
    engine: Engine, uow_factory, sample_org: str
) -> None:
    clock = Clock()
    run_id = engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    engine.cancel_run(run_id, reason="Salah periode", now=clock.advance(minutes=1), actor_id=None)

    assert _status(uow_factory, sample_org, clock.now) == []
    [status] = _status(uow_factory, sample_org, clock.now, period="2026-tw3")
    assert (status.state, status.cancel_reason, status.work) == ("dibatalkan", "Salah periode", ())
    assert status.finished_at == clock.now
    assert _status(uow_factory, sample_org, clock.now, period="2026-TW2") == []
    with pytest.raises(InvalidInput):
        _status(uow_factory, sample_org, clock.now, period="triwulan tiga")


def test_holders_follow_the_date_of_the_question(
    engine: Engine, uow_factory, sample_org: str
) -> None:
    start = datetime(2026, 6, 29, 8, 0, tzinfo=WITA)
    engine.start_run(SOP, sample_org, "2026-TW2", now=start)

    def knpk_kabid(now: datetime) -> tuple[str, ...]:
        [status] = _status(uow_factory, sample_org, now)
        return next(w.holders for w in status.work if w.unit_name == KNPK)

    # The Kabid Politik Dalam Negeri is Plt until 30 June; the definitive Kabid from 1 July.
    assert knpk_kabid(datetime(2026, 6, 30, 9, 0, tzinfo=WITA)) == ("Syamsuddin Fiktif",)
    assert knpk_kabid(datetime(2026, 7, 1, 9, 0, tzinfo=WITA)) == ("Abdul Rahman Fiktif",)


def test_a_run_for_one_bidang_still_reaches_the_kasubag_perencanaan(
    engine: Engine, uow_factory, sample_org: str
) -> None:
    clock = Clock()
    engine.start_run(SOP, sample_org, "2026-TW3", unit="BID-IWK", now=clock.now)
    kabid, kasubid, analis = (
        person_id(uow_factory, sample_org, nip)
        for nip in ("999900000000000002", "999900000000000003", "999900000000000004")
    )
    finish(engine, kabid, 1, clock.advance(minutes=5))
    finish(engine, kasubid, 2, clock.advance(minutes=5))
    fill_all(engine, single_task(engine, analis, clock.now, 3), analis, clock.now)
    finish(engine, analis, 3, clock.advance(minutes=5))
    finish(engine, kasubid, 4, clock.advance(minutes=5))
    approve(engine, kabid, 5, clock.advance(minutes=5))

    kasubag = person_id(uow_factory, sample_org, "999900000000000001")
    assert [t.step_no for t in engine.open_tasks(kasubag, now=clock.now)] == [6]
    [status] = _status(uow_factory, sample_org, clock.now)
    assert status.work[0].holders == ("Nurul Hidayah Contoh",)
