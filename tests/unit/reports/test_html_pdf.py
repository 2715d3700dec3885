"""The performance report as HTML and PDF: golden HTML, the PDF's text, pagination, LKjIP."""

from __future__ import annotations

import base64
import difflib
import os
import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.domain.capaian import Aggregation
from bot.domain.periods import Period
from bot.domain.rating import DEFAULT_SCALE
from bot.reports.build import UnitFacts, assemble
from bot.reports.chart import report_chart
from bot.reports.html import (
    Chart,
    png_size,
    render_report_html,
    render_report_pdf,
    report_context,
    unit_table,
)
from bot.reports.model import PerformanceReport, Signature
from tests.unit.reports.factory import (
    GENERATED,
    HEADER,
    WITA,
    big_report,
    indicator,
    measured,
    quarterly_report,
    yearly_report,
)

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``golden/name``; ``SOPBOT_UPDATE_GOLDEN=1`` rewrites the file."""
    path = GOLDEN / name
    if os.environ.get("SOPBOT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} belum ada: jalankan dengan SOPBOT_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), "golden", "rendered", lineterm=""
        )
        shown = "\n".join(list(diff)[:60])
        raise AssertionError(f"{name} differs (SOPBOT_UPDATE_GOLDEN=1 to accept):\n{shown}")


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (cells wrap their text onto several lines)."""
    assert data.startswith(b"%PDF")
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


@cache
def _big_pdf_pages() -> tuple[str, ...]:
    # 300 rows take a few seconds: render once for the tests that read it.
    report = big_report()
    return tuple(pdf_pages(render_report_pdf(report, chart_png=report_chart(report))))


def semester_report() -> PerformanceReport:
    facts = [
        indicator(
            "IWK-01",
            "Jumlah peserta",
            measurements={"2026-TW1": measured("20"), "2026-TW2": measured("30")},
        ),
        indicator(
            "IWK-02",
            "Indeks kepuasan",
            sasaran="Meningkatnya kualitas layanan",
            aggregation=Aggregation.AVERAGE,
            precision=2,
            measurements={"2026-TW1": measured("80")},
        ),
    ]
    unit = UnitFacts("BID-IWK", "Bidang Ideologi dan Wawasan Kebangsaan", facts)
    return assemble(HEADER, Period.parse("2026-S1"), [unit], DEFAULT_SCALE, generated_at=GENERATED)


# --- HTML -------------------------------------------------------------------------------


def test_quarterly_html_matches_golden() -> None:
    assert_golden("quarterly_report.html", render_report_html(quarterly_report()))


def test_yearly_html_matches_golden() -> None:
    assert_golden("yearly_report.html", render_report_html(yearly_report()))


def test_html_shows_identity_draft_and_signature() -> None:
    html = render_report_html(quarterly_report())
    assert "LAPORAN KINERJA TRIWULAN" in html
    assert "Triwulan III 2026 (1 Juli 2026 s.d. 30 September 2026)" in html
    assert "Selasa, 20 Oktober 2026 09.30 WITA" in html
    assert '<div class="draft">DRAFT</div>' in html
    assert "Plt. Kabid Ideologi dan Wawasan Kebangsaan" in html
    assert "NIP. 999900000000000002" in html
    assert "Disetujui pada Kamis, 15 Oktober 2026 14.00 WITA" in html
    assert "Belum disetujui" in html  # the second unit has no approval


def test_final_report_has_no_draft_mark() -> None:
    html = render_report_html(yearly_report())
    assert "DRAFT" not in html
    assert "Data unit ini telah disetujui." in html  # approved, but no signature recorded


def test_figures_are_right_aligned_and_notes_italic() -> None:
    html = render_report_html(quarterly_report())
    assert '<td class="num">86,67%</td>' in html
    assert '<div class="note">Belum ada data: survei belum selesai</div>' in html
    assert '<td class="num missing">belum ada data</td>' in html


def test_text_from_people_is_escaped() -> None:
    report = quarterly_report()
    unit = report.units[0]
    row = replace(unit.rows[0], name="<script>x</script> & Co", kendala="a < b")
    report = replace(report, units=(replace(unit, rows=(row,)), *report.units[1:]))
    html = render_report_html(report)
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in html
    assert "a &lt; b" in html


def test_kendala_of_several_quarters_keeps_its_lines() -> None:
    report = quarterly_report()
    unit = report.units[0]
    row = replace(unit.rows[0], kendala="TW I: dana\nTW II: cuaca")
    report = replace(report, units=(replace(unit, rows=(row,)),))
    assert "TW I: dana<br>TW II: cuaca" in render_report_html(report)


def test_sasaran_line_only_where_the_sasaran_changes() -> None:
    report = quarterly_report()
    unit = report.units[0]
    a, b, c = unit.rows
    rows = (a, b, replace(c, sasaran="Sasaran kedua"))
    table = unit_table(replace(unit, rows=rows), report.columns)
    assert [r.sasaran for r in table.rows] == [a.sasaran, None, "Sasaran kedua"]


def test_chart_is_embedded_as_a_data_uri() -> None:
    report = quarterly_report()
    png = report_chart(report)
    html = render_report_html(report, chart_png=png)
    match = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert match is not None
    assert base64.b64decode(match.group(1)) == png


def test_pdf_chart_fits_one_page() -> None:
    png = report_chart(big_report())
    chart = report_context(big_report(), chart_png=png, pdf=True)["chart"]
    assert isinstance(chart, Chart)
    assert chart.height <= 300
    assert chart.width <= 780
    width, height = png_size(png)
    assert abs(chart.width / chart.height - width / height) < 0.01


def test_semester_report_shows_quarters_and_yearly_capaian() -> None:
    html = render_report_html(semester_report())
    assert "LAPORAN KINERJA SEMESTER" in html
    for title in ("Realisasi TW I", "Realisasi TW II", "Capaian thd. Target Tahunan (%)"):
        assert title in html
    assert "Sasaran: Meningkatnya kualitas layanan" in html


def test_report_without_units_renders() -> None:
    report = assemble(HEADER, Period.parse("2026-TW1"), [], DEFAULT_SCALE, generated_at=GENERATED)
    chart = report_chart(report)
    html = render_report_html(report, chart_png=chart)
    assert "DRAFT: belum ada unit" in html
    assert render_report_pdf(report, chart_png=chart).startswith(b"%PDF")


# --- PDF --------------------------------------------------------------------------------


def test_quarterly_pdf_text() -> None:
    report = quarterly_report()
    text = " ".join(pdf_pages(render_report_pdf(report, chart_png=report_chart(report))))
    for expected in (
        "LAPORAN KINERJA TRIWULAN",
        "Triwulan III 2026",
        "Bidang Ideologi dan Wawasan Kebangsaan",
        "Bidang Politik Dalam Negeri",
        "IWK-01 Jumlah peserta kegiatan wawasan kebangsaan 1",
        "PDN-02 Indeks kerawanan konflik",
        "86,67%",
        "94,17%",
        "Plt. Kabid Ideologi dan Wawasan Kebangsaan",
        "Budi Santoso, S.Sos",
        "NIP. 999900000000000002",
        "Disetujui pada Kamis, 15 Oktober 2026 14.00 WITA",
        "Belum disetujui",
        "DRAFT",
        "> 90: Sangat Tinggi",
    ):
        assert expected in text, expected


def test_pdf_pages_are_numbered() -> None:
    pages = pdf_pages(render_report_pdf(quarterly_report()))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in text
        assert "DRAFT" in text  # a draft says so on every page


def test_report_level_signatures_are_printed() -> None:
    head = Signature(
        caption="Mengetahui",
        jabatan="Kepala Badan",
        name="Drs. Kepala",
        nip="196501011990031001",
        signed_at=datetime(2026, 10, 19, 8, 0, tzinfo=WITA),
    )
    text = " ".join(pdf_pages(render_report_pdf(replace(quarterly_report(), signatures=(head,)))))
    assert "Mengetahui, Kepala Badan" in text
    assert "NIP. 196501011990031001" in text
    assert "Disetujui pada Senin, 19 Oktober 2026 08.00 WITA" in text


@pytest.mark.slow  # a 2,000-row PDF: about 10 s
def test_big_report_repeats_the_header_on_every_page() -> None:
    pages = _big_pdf_pages()
    assert len(pages) >= 10
    code = re.compile(r"U\d\d-\d{3}")
    # The "Asal Data" appendix lists the codes too, under its own repeated header.
    appendix = [text for text in pages if "Diisi oleh" in text]
    table_pages = [text for text in pages if code.search(text) and text not in appendix]
    assert len(table_pages) >= 10
    assert len(appendix) >= 2 and all("Disetujui oleh" in text for text in appendix)
    for text in table_pages:
        assert "Realisasi" in text
        assert "Capaian (%)" in text
    # A unit's table runs over a page break, so the repeat is really exercised.
    assert sum(1 for text in pages if "U00-0" in text) >= 2


@pytest.mark.slow  # the same 300-indicator PDF (built once, about 10 s)
def test_big_report_prints_every_indicator() -> None:
    text = " ".join(_big_pdf_pages())
    codes = {row.code for row in big_report().rows}
    assert len(codes) == 300
    assert codes <= set(re.findall(r"U\d\d-\d{3}", text))


# --- Annual (LKjIP) ---------------------------------------------------------------------


def test_yearly_pdf_follows_the_lkjip_outline() -> None:
    report = yearly_report()
    text = " ".join(pdf_pages(render_report_pdf(report, chart_png=report_chart(report))))
    chapters = [
        "BAB I PENDAHULUAN",
        "BAB II PERENCANAAN KINERJA",
        "BAB III AKUNTABILITAS KINERJA",
        "BAB IV PENUTUP",
    ]
    positions = [text.find(chapter) for chapter in chapters]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert "Peraturan Menteri PANRB Nomor 53 Tahun 2014" in text
    assert "Target 2026" in text
    # Last year's figures: IWK-01 realised 70 of a target of 80 in 2025.
    assert "Tahun 2025" in text
    assert "87,50%" in text
    assert "+17,50" in text
    assert "Data tahun sebelumnya belum tersedia" not in text
    # Bab IV: the average and the indicators below target.
    assert "97,50% dengan kategori Sangat Tinggi" in text
    assert "Sebanyak 1 dari 2 indikator" in text


def test_yearly_without_last_year_says_so() -> None:
    report = yearly_report()
    rows = tuple(replace(r, realisasi_lalu=None, capaian_lalu=None) for r in report.units[0].rows)
    report = replace(report, previous_summary=None, units=(replace(report.units[0], rows=rows),))
    assert "Data tahun sebelumnya belum tersedia." in render_report_html(report)


def test_bab_iv_counts_indicators_that_cannot_be_rated() -> None:
    report = yearly_report()
    row = replace(report.units[0].rows[1], capaian=None, capaian_note="belum ada data")
    summary = replace(report.summary, with_capaian=1, average_capaian=Decimal("105.00"))
    report = replace(
        report,
        summary=summary,
        units=(replace(report.units[0], rows=(report.units[0].rows[0], row)),),
    )
    html = render_report_html(report)
    assert "Sebanyak 1 indikator belum dapat dihitung capaiannya" in html
    assert "Seluruh indikator yang capaiannya dapat dihitung telah mencapai target." in html
