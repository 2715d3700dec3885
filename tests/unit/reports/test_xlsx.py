"""The XLSX report, read back with openpyxl: figures must stay numbers people can re-use."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.periods import Period
from bot.domain.rating import DEFAULT_SCALE
from bot.reports.build import UnitFacts, assemble
from bot.reports.model import PerformanceReport
from bot.reports.xlsx import NO_UNITS, render_xlsx, sheet_title
from tests.unit.reports.factory import (
    GENERATED,
    HEADER,
    big_report,
    indicator,
    measured,
    quarterly_report,
    yearly_report,
)


def workbook(report: PerformanceReport) -> Workbook:
    return load_workbook(BytesIO(render_xlsx(report)))


def texts(sheet: Worksheet) -> list[str]:
    values = (cell for row in sheet.iter_rows(values_only=True) for cell in row)
    return [value for value in values if isinstance(value, str)]


def header_row(sheet: Worksheet) -> int:
    """The table header: the row whose first cell is "No"."""
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        if cell.value == "No":
            return cell.row
    raise AssertionError(f"no table header in {sheet.title}")


def table(sheet: Worksheet) -> list[dict[str, Any]]:
    """The unit table as dicts keyed by column title, values being the cells themselves."""
    header = header_row(sheet)
    titles = [cell.value for cell in sheet[header] if cell.value is not None]
    rows = []
    for cells in sheet.iter_rows(min_row=header + 1, max_col=len(titles)):
        if not isinstance(cells[0].value, int):
            break
        rows.append(dict(zip(titles, cells, strict=True)))
    return rows


def by_code(sheet: Worksheet, name: str) -> dict[str, Any]:
    return next(row for row in table(sheet) if row["Sasaran / Indikator Kinerja"].value == name)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@pytest.fixture(scope="module")
def quarterly() -> Workbook:
    return workbook(quarterly_report())


def test_one_sheet_per_unit_after_the_summary(quarterly: Workbook) -> None:
    assert quarterly.sheetnames == ["Ringkasan", "BID-IWK", "BID-PDN", "Asal Data"]


def test_figures_are_numbers_with_number_formats(quarterly: Workbook) -> None:
    first = table(quarterly["BID-IWK"])[0]
    assert first["No"].value == 1
    assert first["Target"].value == 75 and is_number(first["Target"].value)
    assert first["Target"].number_format == "#,##0"
    assert first["Realisasi"].value == 65
    assert first["Capaian (%)"].value == pytest.approx(86.67)
    assert isinstance(first["Capaian (%)"].value, float)
    assert first["Capaian (%)"].number_format == "0.00"
    assert first["Kategori"].value == "Tinggi"
    assert first["Kendala"].value == "Anggaran terlambat cair"
    assert first["Tindak Lanjut"].value == "Koordinasi dengan BPKAD"
    assert first["Kendala"].alignment.wrap_text


def test_number_format_follows_the_indicator_precision(quarterly: Workbook) -> None:
    row = by_code(quarterly["BID-PDN"], "Persentase partai politik yang dibina")
    assert row["Realisasi"].value == pytest.approx(72.5)
    assert row["Realisasi"].number_format == "#,##0.00"


def test_capaian_that_cannot_be_computed_says_why(quarterly: Workbook) -> None:
    sheet = quarterly["BID-PDN"]
    no_target = by_code(sheet, "Jumlah dokumen")
    assert "tidak dapat dihitung" in no_target["Capaian (%)"].value
    assert no_target["Target"].value is None
    assert no_target["Realisasi"].value == 3
    no_data = by_code(sheet, "Indeks kerawanan konflik")
    assert no_data["Capaian (%)"].value == "belum ada data"
    assert no_data["Catatan"].value == "Belum ada data: survei belum selesai"


def test_catatan_column_only_when_some_row_has_a_note(quarterly: Workbook) -> None:
    assert "Catatan" not in table(quarterly["BID-IWK"])[0]
    assert "Catatan" in table(quarterly["BID-PDN"])[0]


def test_header_is_frozen_bold_and_filterable(quarterly: Workbook) -> None:
    sheet = quarterly["BID-IWK"]
    header = header_row(sheet)
    assert sheet.freeze_panes == f"C{header + 1}"
    assert sheet.auto_filter.ref == f"A{header}:I{header + 3}"
    assert sheet.cell(header, 2).font.b
    assert sheet.cell(header, 2).alignment.wrap_text
    assert sheet.cell(header, 2).fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet.cell(header + 1, 4).border.left.style == "thin"


def test_column_widths_come_from_the_model(quarterly: Workbook) -> None:
    sheet = quarterly["BID-IWK"]
    widths = {key: sheet.column_dimensions[key].width for key in "ABD"}
    assert widths == {"A": 5, "B": 44, "D": 12}


def test_unit_sheet_identity_average_and_plt_signature(quarterly: Workbook) -> None:
    sheet = quarterly["BID-IWK"]
    lines = texts(sheet)
    assert lines[:5] == [
        "Laporan Kinerja Triwulan",
        "Bidang Ideologi dan Wawasan Kebangsaan (BID-IWK)",
        "Badan Kesatuan Bangsa dan Politik Kabupaten Jeneponto",
        "Periode: Triwulan III 2026",
        "Status: Disetujui",
    ]
    assert "Plt. Kabid Ideologi dan Wawasan Kebangsaan" in lines
    assert "Budi Santoso, S.Sos" in lines
    assert "NIP. 999900000000000002" in lines
    assert "Disetujui pada Kamis, 15 Oktober 2026 14.00 WITA" in lines
    average_row = next(r for r in sheet.iter_rows() if r[1].value == "Rata-rata capaian")
    assert average_row[5].value == pytest.approx(93.33)
    assert average_row[5].number_format == "0.00"


def test_unapproved_unit_says_so(quarterly: Workbook) -> None:
    lines = texts(quarterly["BID-PDN"])
    assert "Status: DRAFT (belum disetujui)" in lines
    assert "Belum disetujui" in lines


def test_summary_sheet(quarterly: Workbook) -> None:
    sheet = quarterly["Ringkasan"]
    lines = texts(sheet)
    assert lines[:5] == [
        "Laporan Kinerja Triwulan III 2026",
        "Badan Kesatuan Bangsa dan Politik Kabupaten Jeneponto",
        "SOP: Pengumpulan Data Kinerja",
        "DRAFT: data 1 dari 2 unit telah disetujui.",
        "Dibuat: Selasa, 20 Oktober 2026 09.30 WITA",
    ]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows["Kode"] == (
        "Kode",
        "Unit",
        "Jumlah indikator",
        "Ada data",
        "Rata-rata capaian (%)",
        "Kategori",
        "Status",
    )
    iwk = rows["BID-IWK"]
    assert iwk[2:4] == (3, 3) and iwk[4] == pytest.approx(93.33) and iwk[6] == "Disetujui"
    assert rows["BID-PDN"][2:4] == (3, 2) and rows["BID-PDN"][6] == "Belum disetujui"
    total = rows["Total"]
    assert total[2:4] == (6, 5) and total[4] == pytest.approx(94.17) and total[6] == "DRAFT"
    categories = {row[1]: row[2] for row in sheet.iter_rows(values_only=True) if row[0] is None}
    assert categories["Sangat Tinggi"] == 3 and categories["Tinggi"] == 1
    assert "> 90: Sangat Tinggi" in lines and "<= 50: Sangat Rendah" in lines
    header = next(c.row for (c,) in sheet.iter_rows(max_col=1) if c.value == "Kode")
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.cell(header + 1, 5).number_format == "0.00"


def test_yearly_report_per_quarter_and_previous_year() -> None:
    book = workbook(yearly_report())
    assert book.sheetnames == ["Ringkasan", "BID-IWK", "Asal Data"]
    sheet = book["BID-IWK"]
    rows = table(sheet)
    assert [title for title in rows[0] if "TW" in title] == [
        "Realisasi TW I",
        "Realisasi TW II",
        "Realisasi TW III",
        "Realisasi TW IV",
    ]
    peserta, kepuasan = rows
    assert peserta["Target (PK)"].value == 100
    assert [peserta[f"Realisasi TW {q}"].value for q in ("I", "II", "III", "IV")] == [
        20,
        30,
        25,
        30,
    ]
    assert peserta["Realisasi"].value == 105
    assert peserta["Realisasi Tahun Lalu"].value == 70
    assert peserta["Capaian Tahun Lalu (%)"].value == pytest.approx(87.5)
    assert kepuasan["Realisasi TW II"].value is None
    assert kepuasan["Realisasi TW I"].number_format == "#,##0.00"
    assert kepuasan["Realisasi Tahun Lalu"].value is None
    assert kepuasan["Catatan"].value == "Belum ada data TW II"
    assert texts(sheet)[3] == "Periode: Tahun 2026"
    summary = book["Ringkasan"]
    previous = next(r for r in summary.iter_rows(values_only=True) if r[0] == "Tahun lalu")
    assert "Tahun 2025" in previous[1]
    assert previous[2:4] == (1, 1)
    assert previous[4] == pytest.approx(87.5)
    assert "Final: seluruh data telah disetujui." in texts(summary)


def test_semester_report() -> None:
    quarters = {"2026-TW1": measured("20"), "2026-TW2": measured("35")}
    facts = [indicator("IWK-01", "Peserta", measurements=quarters)]
    unit = UnitFacts("BID-IWK", "Bidang IWK", facts)
    report = assemble(
        HEADER, Period.parse("2026-S1"), [unit], DEFAULT_SCALE, generated_at=GENERATED
    )
    (row,) = table(workbook(report)["BID-IWK"])
    assert row["Target Tahunan"].value == 100
    assert row["Target s.d. Semester"].value == 75
    assert row["Realisasi TW I"].value == 20 and row["Realisasi TW II"].value == 35
    assert "Realisasi TW III" not in row
    assert row["Realisasi s.d. Semester"].value == 55
    assert row["Capaian Semester (%)"].value == pytest.approx(73.33)
    assert row["Capaian thd. Target Tahunan (%)"].value == pytest.approx(55)
    assert row["Capaian thd. Target Tahunan (%)"].number_format == "0.00"


def test_big_report_keeps_every_row_as_numbers() -> None:
    report = big_report()
    book = workbook(report)
    assert book.sheetnames == ["Ringkasan", *(f"U{u:02d}" for u in range(6)), "Asal Data"]
    total = 0
    for unit in report.units:
        rows = table(book[unit.code])
        assert [row["No"].value for row in rows] == list(range(1, 51))
        for row, expected in zip(rows, unit.rows, strict=True):
            assert row["Realisasi"].value == expected.realisasi
            assert is_number(row["Capaian (%)"].value)
            assert Decimal(str(row["Capaian (%)"].value)) == expected.capaian
        total += len(rows)
    assert total == 300


def test_report_without_units_is_still_a_workbook() -> None:
    report = assemble(HEADER, Period.parse("2026-TW3"), [], DEFAULT_SCALE, generated_at=GENERATED)
    book = workbook(report)
    assert book.sheetnames == ["Ringkasan", "Asal Data"]
    lines = texts(book["Ringkasan"])
    assert NO_UNITS in lines
    assert any(line.startswith("DRAFT") for line in lines)


def test_unit_codes_become_safe_unique_sheet_titles() -> None:
    report = quarterly_report()
    first, second = report.units
    odd = replace(
        report,
        units=(
            replace(first, code="ringkasan"),
            replace(second, code="A/B:C*D?[E]\\" + "x" * 40),
            replace(second, code="A-B-C-D--E--" + "x" * 40),
        ),
    )
    names = workbook(odd).sheetnames
    assert names[0] == "Ringkasan"
    assert names[1] == "ringkasan (2)"
    assert names[2] == ("A-B-C-D--E--" + "x" * 40)[:31]
    assert names[3] == ("A-B-C-D--E--" + "x" * 40)[:27] + " (2)"
    assert all(len(name) <= 31 for name in names)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("BID-IWK", "BID-IWK"),
        ("Bid/Iwk", "Bid-Iwk"),
        ("'quoted'", "quoted"),
        ("", "Unit"),
        ("history", "history (2)"),
    ],
)
def test_sheet_title(name: str, expected: str) -> None:
    assert sheet_title(name, {"ringkasan", "history"}) == expected
