"""Performance reports read from a database where SOP 004 really ran (both backends)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.definitions import Catalog, load_catalog
from bot.domain.periods import Period
from bot.engine import Engine, InvalidInput
from bot.engine.timeliness import runs_timeliness
from bot.persistence.models import Target
from bot.reports.collect import ReportError, ReportRequest, collect_report
from bot.reports.files import render_report
from tests.integration import seed004_play
from tests.integration.engine_helpers import ROOT, WITA, Clock, make_engine, person_id
from tests.integration.seed004_play import SOP, play_quarter


def _report(uow_factory, slug: str, period: str, unit: str | None = None):  # type: ignore[no-untyped-def]
    definition = load_catalog().get(SOP).definition
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        request = ReportRequest(org.id, SOP, Period.parse(period), unit)
        return collect_report(
            uow, request, definition, now=datetime(2026, 10, 20, 9, 0, tzinfo=WITA)
        )


def test_a_completed_quarter_is_final_with_signatures(uow_factory, sample_org) -> None:
    engine = make_engine(uow_factory)
    run_id = play_quarter(engine, uow_factory, sample_org, "2026-TW3", Clock())
    report = _report(uow_factory, sample_org, "2026-TW3")

    assert report.final and report.run_id == run_id
    assert [u.code for u in report.units] == ["BID-IWK", "BID-KNPK", "BID-PDN"]
    assert report.summary.indicators == 16
    iwk = report.units[0]
    first = iwk.rows[0]
    assert (first.code, first.realisasi) == ("IWK-01", Decimal(90))
    # IWK-01: target TW3 82,5 %; 90 / 82,5 = 109,09 %
    assert first.capaian == Decimal("109.09") and first.kategori == "Sangat Tinggi"
    assert first.provenance.entered_by and first.provenance.approved_by
    [signed] = iwk.signatures
    # The post's full title and the pangkat from the organisation file.
    assert signed.caption == "Disetujui oleh"
    assert signed.jabatan == "Kepala Bidang Ideologi, Wawasan Kebangsaan dan Karakter Bangsa"
    assert signed.pangkat == "Pembina (IV/a)"
    assert signed.nip == "999900000000000002" and signed.signed_at is not None
    captions = [s.caption for s in report.signatures]
    assert captions == ["Disusun oleh", "Mengetahui"]
    assert report.signatures[0].dated_as == "Disusun pada"
    assert report.signatures[0].jabatan == "Kepala Sub Bagian Perencanaan"
    assert report.signatures[0].pangkat == "Penata Tk. I (III/d)"
    # "Mengetahui": the head of office (role kepala on the top unit), with NIP and pangkat.
    head = report.signatures[1]
    assert head.jabatan == "Kepala Badan Kesatuan Bangsa dan Politik Kabupaten Jeneponto"
    assert (head.name, head.nip) == ("H. Mansyur Fiktif, S.Sos., M.Si.", "999900000000000011")
    assert head.pangkat == "Pembina Utama Muda (IV/c)"
    assert head.signed_at is None  # signed on paper
    assert report.head == head
    assert report.kop is not None and report.kop.tempat == "Jeneponto"
    assert report.kop.logo and report.kop.logo.startswith(b"\x89PNG")


def test_an_acting_kabid_signs_as_plt(uow_factory, sample_org) -> None:
    engine = make_engine(uow_factory)
    clock = Clock(datetime(2026, 4, 10, 8, 0, tzinfo=WITA))
    play_quarter(engine, uow_factory, sample_org, "2026-TW1", clock)
    report = _report(uow_factory, sample_org, "2026-TW1", "BID-KNPK")
    assert [u.code for u in report.units] == ["BID-KNPK"]
    [signed] = report.units[0].signatures
    assert signed.jabatan == "Plt. Kepala Bidang Kewaspadaan Nasional dan Penanganan Konflik"
    assert signed.nip == "999900000000000005"
    assert report.file_stem == "laporan-kinerja-2026-TW1-BID-KNPK"


def test_an_open_run_gives_a_draft(uow_factory, sample_org) -> None:
    engine = make_engine(uow_factory)
    engine.start_run(SOP, sample_org, "2026-TW3", now=Clock().now)
    report = _report(uow_factory, sample_org, "2026-TW3")
    assert not report.final and report.status_note.startswith("DRAFT")
    assert all(row.realisasi is None for row in report.rows)
    assert all(row.note == "Belum diisi" for row in report.rows)


def test_semester_and_year_aggregate_the_quarters(uow_factory, sample_org) -> None:
    engine = make_engine(uow_factory)
    clock = Clock(datetime(2026, 4, 10, 8, 0, tzinfo=WITA))
    play_quarter(engine, uow_factory, sample_org, "2026-TW1", clock, value=Decimal(1))
    clock.now = datetime(2026, 7, 10, 8, 0, tzinfo=WITA)
    play_quarter(engine, uow_factory, sample_org, "2026-TW2", clock, value=Decimal(2))

    semester = _report(uow_factory, sample_org, "2026-S1")
    rows = {row.code: row for row in semester.rows}
    assert rows["IWK-02"].realisasi == Decimal(3)  # cumulative: 1 + 2
    assert rows["IWK-02"].target == Decimal(150)  # TW1 50 + TW2 100
    assert rows["IWK-01"].realisasi == Decimal("1.5")  # average
    assert rows["IWK-05"].realisasi == Decimal(2)  # last value
    assert rows["IWK-02"].target_tahunan == Decimal(400)

    year = _report(uow_factory, sample_org, "2026-TAHUNAN")
    rows = {row.code: row for row in year.rows}
    assert rows["IWK-02"].target == Decimal(400)
    assert rows["IWK-02"].note == "Belum ada data TW III, TW IV"
    assert rows["IWK-02"].realisasi_lalu is None and year.previous_summary is None


def test_unknown_or_idle_units_are_refused(uow_factory, sample_org) -> None:
    with pytest.raises(ReportError, match="tidak ada"):
        _report(uow_factory, sample_org, "2026-TW3", "BID-XYZ")
    with pytest.raises(ReportError, match="tidak memiliki indikator"):
        _report(uow_factory, sample_org, "2026-TW3", "SEKR")


def monthly_definition(path: Path) -> Path:
    """SOP 004 run every month: frequency bulanan, a monthly trigger, one Waktu for step 6."""
    text = (ROOT / "sop_definitions" / "004_kesbangpol_jeneponto.yaml").read_text(encoding="utf-8")
    text = text.replace(f"id: {SOP}", f"id: {MONTHLY}")
    text = text.replace("frequency: triwulan", "frequency: bulanan")
    text = text.replace("setiap tanggal 10 awal Triwulan", "setiap tanggal 5 setiap bulan")
    text = text.replace(
        '      per_laporan:\n        triwulan: "1 Hari"\n        tahunan: "15 Hari"\n', ""
    )
    text = text.replace(
        'teks: "1 Hari Untuk Penyusunan Laporan Triwulan dan 15 Hari untuk Laporan Kinerja '
        'Tahunan"',
        'teks: "1 Hari"',
    )
    path.write_text(text, encoding="utf-8")
    return path


def _monthly_catalog(tmp_path: Path) -> Catalog:
    monthly = monthly_definition(tmp_path / "monthly.yaml")
    catalog = load_catalog([ROOT / "sop_definitions", monthly])
    assert catalog.ok, catalog.problems
    return catalog


MONTHLY = "kesbangpol-jeneponto-monitoring-bulanan"


def _add_monthly_targets(uow_factory, slug: str) -> None:  # type: ignore[no-untyped-def]
    """IWK-01 (average, %) and IWK-02 (cumulative) get an October target; others none."""
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        for code, value in (("IWK-01", Decimal(80)), ("IWK-02", Decimal(30))):
            indicator = uow.indicators.indicator(org.id, code)
            indicator.targets.append(Target(year=2026, period="2026-10", value=value))
        uow.commit()


def test_a_monthly_run_reports_the_month(
    uow_factory, sample_org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(uow_factory, _monthly_catalog(tmp_path))
    _add_monthly_targets(uow_factory, sample_org)
    monkeypatch.setattr(seed004_play, "SOP", MONTHLY)
    clock = Clock(datetime(2026, 11, 5, 8, 0, tzinfo=WITA))
    run_id = seed004_play.play_quarter(engine, uow_factory, sample_org, "2026-10", clock)
    with uow_factory() as uow:
        run = uow.runs.run(run_id)
        assert run.period == "2026-10" and run.state.value == "completed"

    definition = _monthly_catalog(tmp_path).get(MONTHLY).definition
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        request = ReportRequest(org.id, MONTHLY, Period.parse("2026-10"))
        report = collect_report(
            uow, request, definition, now=datetime(2026, 11, 20, 9, 0, tzinfo=WITA)
        )
    assert report.title == "Laporan Kinerja Bulanan"
    assert report.period.label == "Oktober 2026"
    assert report.final and report.run_id == run_id
    assert [c.key for c in report.columns][:6] == [
        "no",
        "indikator",
        "satuan",
        "target",
        "realisasi",
        "capaian",
    ]
    rows = {row.code: row for row in report.rows}
    # A monthly target from the Renaksi: the month's figure against it.
    assert (rows["IWK-01"].target, rows["IWK-01"].realisasi) == (Decimal(80), Decimal(90))
    assert rows["IWK-01"].capaian == Decimal("112.50")
    assert rows["IWK-02"].target == Decimal(30) and rows["IWK-02"].capaian == Decimal(300)
    # No monthly target: a level (average/last) is held to its quarter's target ...
    assert rows["IWK-05"].target == Decimal(70)  # IWK-05 (last value): the TW IV target
    assert "Target bulanan tidak ada; dipakai target Triwulan IV 2026" in rows["IWK-05"].note
    # ... a cumulative count has no monthly share to compare with.
    iwk03 = rows["IWK-03"]
    assert iwk03.realisasi == Decimal(90) and iwk03.target is None and iwk03.capaian is None
    assert "Target bulanan tidak ada (agregasi kumulatif: target triwulan" in iwk03.note
    assert iwk03.capaian_note
    # The same report as files, and the run's timeliness (months, not quarters).
    assert b"Oktober 2026" in render_report(report, "html").data
    assert render_report(report, "xlsx").data[:2] == b"PK"
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        board = runs_timeliness(uow, org.id, [(run_id, MONTHLY, "2026-10")])
    assert board[run_id].current is not None
    assert board[run_id].current.period == Period.parse("2026-10")


def test_a_run_for_a_period_of_another_kind_is_refused(
    uow_factory, sample_org, tmp_path: Path
) -> None:
    engine = Engine(uow_factory, _monthly_catalog(tmp_path))
    now = datetime(2026, 11, 5, 8, 0, tzinfo=WITA)
    with pytest.raises(InvalidInput, match="SOP ini bulanan"):
        engine.start_run(MONTHLY, sample_org, "2026-TW3", now=now)
    with pytest.raises(InvalidInput, match="SOP ini triwulan; periode 2026-10 bulanan"):
        engine.start_run(SOP, sample_org, "2026-10", now=now)


def test_a_monthly_input_sheet_shows_the_target_the_report_uses(
    uow_factory, sample_org, tmp_path: Path
) -> None:
    engine = Engine(uow_factory, _monthly_catalog(tmp_path))
    _add_monthly_targets(uow_factory, sample_org)
    clock = Clock(datetime(2026, 11, 5, 8, 0, tzinfo=WITA))
    engine.start_run(MONTHLY, sample_org, "2026-10", now=clock.now)
    kabid, kasubid, analis = (
        person_id(uow_factory, sample_org, nip) for nip in seed004_play.BIDANG["BID-IWK"]
    )

    def task(person: int, step: int) -> int:
        return next(
            t.task_id
            for t in engine.open_tasks(person, now=clock.now)
            if t.step_no == step and t.unit_name.startswith("Bidang Ideologi")
        )

    engine.complete_task(task(kabid, 1), kabid, now=clock.advance(minutes=5))
    engine.complete_task(task(kasubid, 2), kasubid, now=clock.advance(minutes=5))
    lines = {line.code: line for line in engine.input_sheet(task(analis, 3), analis, now=clock.now)}
    assert lines["IWK-01"].target == Decimal(80)  # its own October target
    assert lines["IWK-05"].target == Decimal(70)  # a level without one: TW IV's
    assert lines["IWK-03"].target is None  # a cumulative count without one: none
