"""The workbook's provenance: the "Asal Data" sheet, the stamp, and reading them back.

"Asal Data" lists each figure with who entered and who approved it and when,
and each row's short digest; the stamp (see :mod:`bot.reports.provenance`)
is written under the "Ringkasan" sheet's content, under the "Asal Data"
table, and into the workbook's properties (custom property ``sopbot-stamp``
and the core "Subject"), where ``sopbot verify`` looks first.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.locale_id import format_datetime_id
from bot.render.xlsx_text import put
from bot.reports.model import Column, ColumnKind, PerformanceReport
from bot.reports.provenance import (
    Stamp,
    parse_stamp,
    provenance_lines,
    stamp_of,
)
from bot.reports.xlsx import (
    _BOLD,
    _TITLE,
    SUMMARY_SHEET,
    _fit_page,
    _set_widths,
    _table_cell,
    _write_header,
    number_format,
)

SHEET = "Asal Data"
STAMP_PROPERTY = "sopbot-stamp"
DIGEST_LABEL = "Sidik data (SHA-256)"
ROW_DIGEST_TITLE = "Sidik baris"
CHECK_HINT = (
    "Bila satu angka saja diubah setelah berkas ini dibuat, sidik datanya tidak lagi sama: "
    "Subbagian Perencanaan dapat mencocokkan berkas ini dengan data yang tercatat di sopbot."
)

COLUMNS = (
    Column("unit", "Unit", ColumnKind.TEXT, 12),
    Column("code", "Kode", ColumnKind.TEXT, 10),
    Column("name", "Indikator", ColumnKind.TEXT, 40),
    Column("period", "Periode", ColumnKind.TEXT, 16),
    Column("value", "Nilai", ColumnKind.NUMBER, 12),
    Column("satuan", "Satuan", ColumnKind.TEXT, 10),
    Column("entered_by", "Diisi oleh", ColumnKind.TEXT, 22),
    Column("entered_at", "Waktu isi", ColumnKind.TEXT, 30),
    Column("approved_by", "Disetujui oleh", ColumnKind.TEXT, 22),
    Column("approved_at", "Waktu setuju", ColumnKind.TEXT, 30),
    Column("digest", ROW_DIGEST_TITLE, ColumnKind.TEXT, 18),
)


def write_provenance(workbook: Workbook, report: PerformanceReport) -> None:
    """Add the "Asal Data" sheet and the stamp (sheets and properties) to ``workbook``."""
    stamp = stamp_of(report)
    _write_sheet(workbook.create_sheet(SHEET), report, stamp)
    overview = workbook[SUMMARY_SHEET]
    _write_stamp(overview, overview.max_row + 2, stamp)
    workbook.custom_doc_props.append(StringProperty(name=STAMP_PROPERTY, value=stamp.text))
    workbook.properties.subject = stamp.text
    workbook.properties.title = f"{report.heading} - {report.organisation}"


def _write_sheet(sheet: Worksheet, report: PerformanceReport, stamp: Stamp) -> None:
    put(sheet, 1, 1, f"Asal Data: {report.heading}").font = _TITLE
    put(sheet, 2, 1, report.organisation).font = _BOLD
    put(sheet, 3, 1, "Setiap angka: siapa yang mengisi dan menyetujui, dan kapan.")
    header = 5
    _write_header(sheet, header, COLUMNS)
    at = header
    for line in provenance_lines(report):
        at += 1
        p = line.provenance
        values = (
            line.unit_code,
            line.code,
            line.name,
            line.period_label,
            line.value if line.value is not None else line.missing,
            line.satuan,
            p.entered_by or "-",
            format_datetime_id(p.entered_at) if p.entered_at else "-",
            p.approved_by or "-",
            format_datetime_id(p.approved_at) if p.approved_at else "-",
            line.digest,
        )
        for index, value in enumerate(values, start=1):
            fmt = number_format(line.precision) if index == 5 else None
            _table_cell(sheet, at, index, value, fmt)
    sheet.freeze_panes = f"A{header + 1}"
    if at > header:
        sheet.auto_filter.ref = f"A{header}:K{at}"
    _set_widths(sheet, COLUMNS)
    _write_stamp(sheet, at + 2, stamp)
    _fit_page(sheet, header)


def _write_stamp(sheet: Worksheet, at: int, stamp: Stamp) -> None:
    put(sheet, at, 1, DIGEST_LABEL).font = _BOLD
    put(sheet, at, 2, stamp.sha256)
    put(sheet, at + 1, 1, stamp.text)
    put(sheet, at + 2, 1, CHECK_HINT)


# --- reading back ------------------------------------------------------------------------


def read_xlsx_stamp(data: bytes) -> tuple[Stamp | None, dict[str, str]]:
    """The stamp (properties first, then the sheets' text) and the row digests of "Asal Data"."""
    workbook = load_workbook(BytesIO(data), read_only=False, data_only=True)
    stamp = None
    if STAMP_PROPERTY in workbook.custom_doc_props.names:
        stamp = parse_stamp(str(workbook.custom_doc_props[STAMP_PROPERTY].value))
    if stamp is None and workbook.properties.subject:
        stamp = parse_stamp(workbook.properties.subject)
    for name in (SUMMARY_SHEET, SHEET):
        if stamp is None and name in workbook.sheetnames:
            stamp = _stamp_in_cells(workbook[name])
    rows = _row_digests(workbook[SHEET]) if SHEET in workbook.sheetnames else {}
    return stamp, rows


def _stamp_in_cells(sheet: Worksheet) -> Stamp | None:
    for row in sheet.iter_rows(values_only=True):
        for value in row:
            if isinstance(value, str) and (found := parse_stamp(value)) is not None:
                return found
    return None


def _row_digests(sheet: Worksheet) -> dict[str, str]:
    found: dict[str, str] = {}
    columns: dict[str, int] | None = None
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else str(v) for v in row]
        if columns is None:
            if ROW_DIGEST_TITLE in cells and "Unit" in cells and "Kode" in cells:
                columns = {title: cells.index(title) for title in ("Unit", "Kode")}
                columns[ROW_DIGEST_TITLE] = cells.index(ROW_DIGEST_TITLE)
            continue
        if len(cells) <= columns[ROW_DIGEST_TITLE] or not cells[columns["Unit"]]:
            break
        key = f"{cells[columns['Unit']]}/{cells[columns['Kode']]}"
        found[key] = cells[columns[ROW_DIGEST_TITLE]]
    return found


__all__ = ["SHEET", "read_xlsx_stamp", "write_provenance"]
