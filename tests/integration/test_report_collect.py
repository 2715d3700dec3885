"""Performance reports read from a database where SOP 004 really ran (both backends)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from bot.definitions import load_catalog
from bot.domain.periods import Period
from bot.reports.collect import ReportError, ReportRequest, collect_report
from tests.integration.engine_helpers import WITA, Clock, make_engine
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
