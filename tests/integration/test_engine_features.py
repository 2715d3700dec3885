"""Issue 14's schema features in the engine, on both backends, with the sample organisation.

The test SOP ``tests/fixtures/features/monitoring_uji.yaml`` has Waktu in bare
minutes, a step without Waktu, a step two roles must both finish, a YA/TIDAK
question that shows the unit's figures, and a last step any of two roles may
do, which receives (and so accepts) the figures. Also here: overlapping runs,
units without a role holder at start, and "Mengetahui" signed by today's holder.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.definitions import load_catalog
from bot.domain.durations import WorkDuration
from bot.domain.periods import Period
from bot.engine import Engine, InvalidInput, OverlappingRun
from bot.engine.context import calendar_of
from bot.engine.timeliness import counting_run
from bot.persistence.models import AuditEvent, Person, RoleAssignment
from bot.persistence.models.enums import MeasurementState, TaskState
from bot.reports.collect import ReportRequest, collect_report
from bot.settings import get_settings
from tests.integration.engine_helpers import (
    ROOT,
    WITA,
    Clock,
    add_indicators,
    fill_all,
    finish,
    person_id,
    single_task,
)
from tests.integration.seed004_play import BIDANG, KASUBAG_PERENCANAAN, SOP

FEATURES = ROOT / "tests" / "fixtures" / "features" / "monitoring_uji.yaml"
UJI = "uji-monitoring-fitur"


@pytest.fixture
def defs_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "defs"
    folder.mkdir()
    shutil.copy(ROOT / "sop_definitions" / "004_kesbangpol_jeneponto.yaml", folder / "004.yaml")
    shutil.copy(FEATURES, folder / "uji.yaml")
    return folder


@pytest.fixture
def sop_engine(uow_factory, sample_org, defs_dir: Path) -> Engine:  # type: ignore[no-untyped-def]
    catalog = load_catalog([defs_dir])
    assert catalog.ok, catalog.problems
    return Engine(uow_factory, catalog)


def _people(uow_factory, slug: str) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return tuple(person_id(uow_factory, slug, nip) for nip in BIDANG["BID-PDN"])  # type: ignore[return-value]


def _states(uow_factory, slug: str) -> set[str]:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        unit = uow.orgs.unit(org.id, "BID-PDN")
        ids = [i.id for i in uow.indicators.indicators_of_unit(unit.id)]
        return {m.state.value for m in uow.work.current_measurements(ids, "2026-TW3")}


def _due(uow_factory, task_id: int):  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        return uow.work.task(task_id).due_at


def _to_question(engine: Engine, uow_factory, slug: str, clock: Clock) -> int:  # type: ignore[no-untyped-def]
    kabid, kasubid, analis = _people(uow_factory, slug)
    engine.start_run(UJI, slug, "2026-TW3", now=clock.now, units=["BID-PDN"])
    # Step 1 is for the Kabid AND the Kasubid (completion: all).
    finish(engine, kabid, 1, clock.advance(minutes=3))
    assert [t for t in engine.open_tasks(analis, now=clock.now)] == []
    finish(engine, kasubid, 1, clock.advance(minutes=3))
    entry = single_task(engine, analis, clock.now, 2)
    # Waktu "480" under waktu_satuan: menit is 480 working minutes, not one working day.
    # Monday 08:06 + 480 working minutes (07.30-16.00): 474 today, 6 on Tuesday.
    due = _due(uow_factory, entry)
    assert due == datetime(2026, 10, 13, 7, 36, tzinfo=WITA)
    fill_all(engine, entry, analis, clock.advance(hours=1))
    engine.complete_task(entry, analis, now=clock.advance(minutes=5))
    return single_task(engine, kabid, clock.now, 3)


def test_all_roles_question_default_waktu_and_any_role_receiving(
    sop_engine: Engine, uow_factory, sample_org
) -> None:  # type: ignore[no-untyped-def]
    engine = sop_engine
    clock = Clock()
    kabid, kasubid, _ = _people(uow_factory, sample_org)
    question = _to_question(engine, uow_factory, sample_org, clock)

    view = engine.task(question, kabid, now=clock.now)
    assert view.question == "Ada hambatan?" and view.shows_figures
    sheet = engine.input_sheet(question, kabid, now=clock.now)
    assert sheet and not any(line.editable for line in sheet)
    assert all(line.target is not None for line in sheet)
    with pytest.raises(InvalidInput):
        engine.decide(question, kabid, approve=True, now=clock.now)
    with pytest.raises(InvalidInput):
        engine.complete_task(question, kabid, now=clock.now)

    engine.answer(question, kabid, yes=True, now=clock.advance(minutes=10))
    assert _states(uow_factory, sample_org) == {"submitted"}  # a question approves nothing
    plan = single_task(engine, kasubid, clock.now, 4)
    # No Waktu in the document: the organisation's durasi_bawaan, by default 1 Hari.
    assert _due(uow_factory, plan) > clock.now + timedelta(hours=8)
    finish(engine, kasubid, 4, clock.advance(minutes=30))

    # Step 5: the Kasubag Perencanaan or a Kabid; the first to finish it does it for all.
    kasubag = person_id(uow_factory, sample_org, KASUBAG_PERENCANAAN)
    receive = single_task(engine, kasubag, clock.now, 5)
    other = [t for t in engine.open_tasks(kabid, now=clock.now) if t.step_no == 5]
    assert len(other) == 1
    engine.complete_task(receive, kasubag, now=clock.advance(hours=1))
    assert _states(uow_factory, sample_org) == {"approved"}
    with uow_factory() as uow:
        assert uow.work.task(other[0].task_id).state is TaskState.SUPERSEDED
        org = uow.orgs.organisation(sample_org)
        run = counting_run(uow, org.id, Period.parse("2026-TW3"), UJI)
        definition = run.definition_version.definition()
        report = collect_report(
            uow, ReportRequest(org.id, UJI, Period.parse("2026-TW3")), definition, now=clock.now
        )
    assert report.final
    signed = [(s.caption, s.jabatan) for s in report.signatures]
    assert ("Disetujui oleh", "Kepala Sub Bagian Perencanaan") in signed
    # The SOP document names a signer of 2016; nobody holds "Kepala Badan" as a role, so
    # today's head of office (role kepala on the top unit) signs, never the document's name.
    [known] = [s for s in report.signatures if s.caption == "Mengetahui"]
    assert known.jabatan.startswith("Kepala Badan")
    assert known.name == "H. Mansyur Fiktif, S.Sos., M.Si." and known.nip


def test_tidak_skips_the_branch(sop_engine: Engine, uow_factory, sample_org) -> None:  # type: ignore[no-untyped-def]
    engine = sop_engine
    clock = Clock()
    kabid, _, _ = _people(uow_factory, sample_org)
    question = _to_question(engine, uow_factory, sample_org, clock)
    engine.answer(question, kabid, yes=False, now=clock.advance(minutes=10))
    kasubag = person_id(uow_factory, sample_org, KASUBAG_PERENCANAAN)
    assert single_task(engine, kasubag, clock.now, 5)
    with uow_factory() as uow:
        events = [
            e.action for e in uow.session.query(AuditEvent).all() if e.action.startswith("task_")
        ]
    assert "task_tidak" in events


def test_a_step_without_waktu_takes_the_organisations_durasi_bawaan(
    sop_engine: Engine, uow_factory, sample_org
) -> None:  # type: ignore[no-untyped-def]
    engine = sop_engine
    with uow_factory() as uow:
        uow.orgs.organisation(sample_org).default_duration = "2 Hari"
        uow.commit()
    clock = Clock()
    kabid, kasubid, _ = _people(uow_factory, sample_org)
    question = _to_question(engine, uow_factory, sample_org, clock)
    engine.answer(question, kabid, yes=True, now=clock.advance(minutes=10))
    plan = single_task(engine, kasubid, clock.now, 4)
    with uow_factory() as uow:
        calendar = calendar_of(uow.orgs.organisation(sample_org))
    assert _due(uow_factory, plan) == calendar.add_working_time(clock.now, WorkDuration(days=2))


def test_mengetahui_is_todays_holder_of_the_pengesahs_role(
    sop_engine: Engine, uow_factory, sample_org
) -> None:  # type: ignore[no-untyped-def]
    engine = sop_engine
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        head = Person(organisation_id=org.id, name="Kepala Badan Kini", nip="199001012020011001")
        uow.session.add(head)
        uow.session.flush()
        badan = uow.orgs.unit(org.id, "BADAN")
        uow.session.add(
            RoleAssignment(person_id=head.id, role_key="kepala_badan", unit_id=badan.id)
        )
        uow.commit()
    clock = Clock()
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now, units=["BID-PDN"])
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        run = counting_run(uow, org.id, Period.parse("2026-TW3"), SOP)
        report = collect_report(
            uow,
            ReportRequest(org.id, SOP, Period.parse("2026-TW3")),
            run.definition_version.definition(),
            now=clock.now,
        )
    [known] = [s for s in report.signatures if s.caption == "Mengetahui"]
    assert (known.jabatan, known.name, known.nip) == (
        "Kepala Badan",
        "Kepala Badan Kini",
        "199001012020011001",
    )
    assert all("SYARBINI" not in (s.name or "") for s in report.signatures)


def test_an_overlapping_run_is_refused_unless_allowed(
    sop_engine: Engine, uow_factory, sample_org
) -> None:  # type: ignore[no-untyped-def]
    engine = sop_engine
    clock = Clock()
    first = engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    with pytest.raises(OverlappingRun) as refused:
        engine.start_run(UJI, sample_org, "2026-TW3", now=clock.now, units=["BID-PDN"])
    assert f"pelaksanaan {first}" in str(refused.value)
    assert "Pengumpulan Data Kinerja" in str(refused.value)
    assert "--izinkan-tumpang-tindih" in str(refused.value)
    # Another period, or the admin's explicit yes, is fine.
    engine.start_run(UJI, sample_org, "2026-TW2", now=clock.now, units=["BID-PDN"])
    second = engine.start_run(
        UJI, sample_org, "2026-TW3", now=clock.now, units=["BID-PDN"], allow_overlap=True
    )
    with uow_factory() as uow:
        started = [
            e.after
            for e in uow.session.query(AuditEvent).all()
            if e.action == "run_started" and e.object_id == str(second)
        ]
    assert started[0]["overlap_allowed"] == [first]


def test_start_lists_units_without_a_holder_and_the_line_to_add(
    sopbot, uow_factory, sample_org, monkeypatch, defs_dir
) -> None:  # type: ignore[no-untyped-def]
    add_indicators(uow_factory, sample_org, {"SEKR": 1})
    monkeypatch.setenv("SOPBOT_DEFINITIONS_DIR", str(defs_dir))
    get_settings.cache_clear()
    out = sopbot("start", "kesbangpol", "--period", "2026-TW3", "--now", "2026-10-12 08:00").output
    assert "PERHATIAN: 1 unit belum punya pemegang untuk 3 peran" in out
    assert "SEKR (Sekretariat): Kabid (kabid), langkah 1, 5" in out
    assert '- {pegawai: NIP, peran: kabid, unit: SEKR, jabatan: "Sekretaris"}' in out
    assert "BID-PDN" not in out.split("PERHATIAN")[1]
    refused = sopbot(
        "start", UJI, "--period", "2026-TW3", "--now", "2026-10-12 08:05", ok=False
    ).output
    assert "tidak dimulai" in refused and "--izinkan-tumpang-tindih" in refused
    allowed = sopbot(
        "start",
        UJI,
        "--period",
        "2026-TW3",
        "--izinkan-tumpang-tindih",
        "--now",
        "2026-10-12 08:05",
    )
    assert "dimulai" in allowed.output


def test_measurement_state_verified_is_stored(uow_factory, sample_org) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        unit = uow.orgs.unit(org.id, "BID-PDN")
        [indicator, *_] = uow.indicators.indicators_of_unit(unit.id)
        row = uow.work.record_measurement(
            indicator.id,
            "2026-TW3",
            value=Decimal(1),
            entered_by_id=None,
            state=MeasurementState.VERIFIED,
        )
        row.verified_role = "kasubid"
        uow.commit()
    with uow_factory() as uow:
        [m] = uow.work.current_measurements([indicator.id], "2026-TW3")
        assert (m.state, m.verified_role) == (MeasurementState.VERIFIED, "kasubid")


def test_a_scheduled_start_over_a_running_overlap_is_logged_and_skipped(
    sop_engine: Engine, uow_factory, sample_org, caplog
) -> None:  # type: ignore[no-untyped-def]
    from bot.scheduling.triggers import start_triggered_run

    engine = sop_engine
    now = datetime(2027, 1, 11, 8, 0, tzinfo=WITA)  # the 004 trigger's firing for 2026-TW4
    other = engine.start_run(UJI, sample_org, "2026-TW4", now=now, units=["BID-PDN"])
    catalog = engine._catalog
    with caplog.at_level("WARNING"):
        started = start_triggered_run(uow_factory, engine, catalog, sample_org, SOP, 0, now)
    assert started is None
    assert any(f"pelaksanaan {other}" in r.getMessage() for r in caplog.records)


def test_cli_task_show_and_answer_a_question(
    sop_engine: Engine, sopbot, uow_factory, sample_org, monkeypatch, defs_dir
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOPBOT_DEFINITIONS_DIR", str(defs_dir))
    get_settings.cache_clear()
    clock = Clock()
    question = _to_question(sop_engine, uow_factory, sample_org, clock)
    kabid_nip = BIDANG["BID-PDN"][0]
    now = ("--now", "2026-10-12 10:00")
    shown = sopbot("task", "show", str(question), "--as", kabid_nip, *now).output
    assert "Pertanyaan: Ada hambatan? (YA/TIDAK)" in shown
    assert "TARGET" in shown and "diajukan" in shown  # the unit's figures, read only
    assert f"sopbot task answer {question} --as {kabid_nip} ya|tidak" in shown
    refused = sopbot("task", "approve", str(question), "--as", kabid_nip, *now, ok=False)
    assert "pertanyaan" in refused.output
    answered = sopbot("task", "answer", str(question), "tidak", "--as", kabid_nip, *now)
    assert "dijawab TIDAK" in answered.output
    assert ", langkah 5, BADAN: Kasubag Perencanaan" in answered.output
    assert ", langkah 5, BADAN: Kabid" in answered.output  # either may receive the figures
