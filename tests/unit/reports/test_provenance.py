"""The data digest and the "Asal Data" appendix: one digest for the data, in every format."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from bot.reports.chart import report_chart
from bot.reports.files import render_report
from bot.reports.html import render_report_html, render_report_pdf
from bot.reports.model import PerformanceReport, Provenance
from bot.reports.provenance import (
    Stamp,
    canonical_data,
    changed_rows,
    data_digest,
    parse_rows,
    parse_stamp,
    provenance_lines,
    row_digests,
    rows_text,
    stamp_of,
)
from bot.reports.verify import UnreadableReport, compare, read_report_stamp
from bot.reports.xlsx import render_xlsx
from tests.unit.reports.factory import WITA, quarterly_report, yearly_report


@pytest.fixture(scope="module")
def report() -> PerformanceReport:
    return replace(quarterly_report(), organisation_slug="contoh-kesbangpol-jeneponto")


def _with_row(report: PerformanceReport, unit: int, row: int, **changes: object):  # type: ignore[no-untyped-def]
    section = report.units[unit]
    rows = list(section.rows)
    rows[row] = replace(rows[row], **changes)
    units = list(report.units)
    units[unit] = replace(section, rows=tuple(rows))
    return replace(report, units=tuple(units))


def test_the_digest_ignores_when_the_report_was_made(report: PerformanceReport) -> None:
    later = replace(report, generated_at=report.generated_at + timedelta(days=40))
    assert data_digest(later) == data_digest(report)
    assert len(data_digest(report)) == 64
    assert "generated_at" not in str(canonical_data(report))


def test_the_digest_is_about_values_not_how_they_are_stored(report: PerformanceReport) -> None:
    first = report.units[0].rows[0]
    same = _with_row(report, 0, 0, realisasi=Decimal(f"{first.realisasi}.000"))
    assert data_digest(same) == data_digest(report)


def test_a_changed_figure_changes_the_digest_and_names_its_row(report: PerformanceReport) -> None:
    changed = _with_row(report, 0, 1, realisasi=Decimal(99))
    assert data_digest(changed) != data_digest(report)
    assert changed_rows(row_digests(report), row_digests(changed)) == ["BID-IWK/IWK-02"]
    approver = _with_row(
        report, 1, 0, provenance=replace(report.units[1].rows[0].provenance, approved_by="Lain")
    )
    assert data_digest(approver) != data_digest(report)
    assert changed_rows(row_digests(report), row_digests(approver)) == ["BID-PDN/PDN-01"]


def test_the_stamp_reads_back(report: PerformanceReport) -> None:
    stamp = stamp_of(report)
    assert stamp.text.startswith(
        "sopbot:v1 org=contoh-kesbangpol-jeneponto "
        "sop=kesbangpol-jeneponto-pengumpulan-data-kinerja period=2026-TW3 unit=- sha256="
    )
    assert parse_stamp(f"Sidik: {stamp.text} (lihat)") == stamp
    bare = Stamp(None, "x", "2026-TW1", "BID-IWK", "a" * 64)
    assert parse_stamp(bare.text) == bare
    assert parse_stamp("sopbot:v1 org=x sop=y") is None
    assert parse_rows(rows_text(report)) == row_digests(report)


def test_every_format_carries_the_same_digest(report: PerformanceReport) -> None:
    expected = data_digest(report)
    chart = report_chart(report)
    files = {
        "xlsx": render_xlsx(report),
        "pdf": render_report_pdf(report, chart_png=chart),
        "html": render_report_html(report, chart_png=chart).encode("utf-8"),
    }
    for kind, data in files.items():
        found = read_report_stamp(data)
        assert found.kind == kind
        assert found.stamp == stamp_of(report), kind
        assert found.rows == row_digests(report), kind
        assert compare(found, report).matches
    # Made again a month later: different bytes, same digest.
    later = replace(report, generated_at=report.generated_at + timedelta(days=30))
    assert read_report_stamp(render_xlsx(later)).stamp.sha256 == expected


def test_verify_names_the_changed_figure(report: PerformanceReport) -> None:
    found = read_report_stamp(render_report(report, "html").data)
    changed = _with_row(report, 0, 2, kendala="Data ulang")
    verdict = compare(found, changed)
    assert not verdict.matches and verdict.changed == ("BID-IWK/IWK-03",)


def test_a_file_without_a_stamp_is_refused() -> None:
    with pytest.raises(UnreadableReport, match="tidak ada sidik data"):
        read_report_stamp(b"<html><body>laporan lama</body></html>")
    with pytest.raises(UnreadableReport):
        read_report_stamp(b"\xff\xfe\x00garbage")


def test_asal_data_lists_each_figure_with_who_and_when(report: PerformanceReport) -> None:
    lines = provenance_lines(report)
    assert [line.key for line in lines][:2] == ["BID-IWK/IWK-01", "BID-IWK/IWK-02"]
    first = lines[0]
    assert first.period_label == "Triwulan III 2026" and first.value == Decimal(65)
    assert first.provenance.entered_by == "Andi Analis"
    assert first.provenance.approved_at == datetime(2026, 10, 15, 14, 0, tzinfo=WITA)
    no_data = next(line for line in lines if line.code == "PDN-02")
    assert no_data.value is None and no_data.missing.startswith("Belum ada data")

    html = render_report_html(report)
    assert "Lampiran: Asal Data" in html and "Diisi oleh" in html
    assert f'<meta name="sopbot-digest" content="{stamp_of(report).text}">' in html


def test_a_year_lists_each_quarter_of_each_indicator() -> None:
    year = yearly_report()
    lines = [line for line in provenance_lines(year) if line.code == "IWK-02"]
    assert [line.period_label for line in lines] == [
        "Triwulan I 2026",
        "Triwulan II 2026",
        "Triwulan III 2026",
        "Triwulan IV 2026",
    ]
    assert lines[1].value is None and lines[1].provenance == Provenance()
    assert lines[1].missing == "Belum diisi"
