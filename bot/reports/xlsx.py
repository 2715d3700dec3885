"""The performance report as an Excel workbook, for people who keep working on the figures.

The HTML and PDF formats print numbers as Indonesian text; the workbook keeps
them as numbers and lets number formats do the printing, so staff can filter,
sum and chart them without retyping. Excel shows the formats with the reader's
own separators (``1.234,56`` on an Indonesian Windows).

Layout: the first sheet, "Ringkasan", holds what a head of office reads first
(status, one line per unit, totals, categories, the rating legend); then one
sheet per unit with the same table as the signed report.

Blocking: openpyxl builds the whole file in memory, so callers run
:func:`render_xlsx` in a thread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import copy
from decimal import Decimal
from io import BytesIO
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.locale_id import format_datetime_id
from bot.render.xlsx_text import as_text, put
from bot.reports.model import (
    Column,
    ColumnKind,
    IndicatorRow,
    PerformanceReport,
    Signature,
    Summary,
    UnitSection,
)

SUMMARY_SHEET = "Ringkasan"
PERCENT_FORMAT = "0.00"
"""Capaian are stored as 86.67, not 0.8667: the header already says "(%)"."""
NO_UNITS = "Tidak ada unit dengan indikator bertarget pada periode ini."
APPROVED = "Disetujui"
NOT_APPROVED = "Belum disetujui"

_NOTE_COLUMN = Column("note", "Catatan", ColumnKind.TEXT, 28)
_OVERVIEW_COLUMNS = (
    Column("code", "Kode", ColumnKind.TEXT, 14),
    Column("name", "Unit", ColumnKind.TEXT, 44),
    Column("indicators", "Jumlah indikator", ColumnKind.INTEGER, 12),
    Column("with_data", "Ada data", ColumnKind.INTEGER, 10),
    Column("average", "Rata-rata capaian (%)", ColumnKind.PERCENT, 14),
    Column("kategori", "Kategori", ColumnKind.TEXT, 14),
    Column("status", "Status", ColumnKind.TEXT, 18),
)
_CATEGORY_COLUMNS = (
    Column("kategori", "Kategori", ColumnKind.TEXT, 0),
    Column("count", "Jumlah indikator", ColumnKind.INTEGER, 0),
)
"""Only titles: the category table sits under the overview's Unit / Jumlah columns."""

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGNMENT = Alignment(wrap_text=True, horizontal="center", vertical="center")
_TEXT_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
_NUMBER_ALIGNMENT = Alignment(vertical="top")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_WARNING = Font(bold=True, color="C00000")

_SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED_TITLES = frozenset({SUMMARY_SHEET.casefold(), "history", "asal data"})

CellValue = Decimal | int | str | None
"""What goes into a cell here; openpyxl writes Decimal as a number (16 significant digits)."""


def render_xlsx(report: PerformanceReport) -> bytes:
    """The workbook as bytes: "Ringkasan" first, then one sheet per unit in report order."""
    workbook = Workbook()
    overview = workbook.active
    assert overview is not None
    overview.title = SUMMARY_SHEET
    _write_overview(overview, report)
    taken = set(_RESERVED_TITLES)
    for unit in report.units:
        _write_unit(workbook.create_sheet(sheet_title(unit.code, taken)), report, unit)
    from bot.reports.provenance_xlsx import write_provenance  # it imports this module

    write_provenance(workbook, report)  # "Asal Data", the data's digest
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(name: str, taken: set[str]) -> str:
    """``name`` made into a sheet title Excel accepts and that is not in ``taken`` yet.

    Excel refuses ``[]:*?/\\``, more than 31 characters, an apostrophe at either
    end, and two titles equal up to case. ``taken`` holds casefolded titles and
    gets the new one added.
    """
    base = _SHEET_TITLE_FORBIDDEN.sub("-", name)[:_SHEET_TITLE_MAX].strip(" '") or "Unit"
    title, copy = base, 1
    while title.casefold() in taken:
        copy += 1
        suffix = f" ({copy})"
        title = base[: _SHEET_TITLE_MAX - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def number_format(precision: int) -> str:
    """``#,##0`` for whole numbers, ``#,##0.00`` for two decimals: the indicator's precision."""
    places = max(0, min(precision, 10))
    return "#,##0." + "0" * places if places else "#,##0"


# --- the unit sheets -------------------------------------------------------------------


def _write_unit(sheet: Worksheet, report: PerformanceReport, unit: UnitSection) -> None:
    """Identity lines, the frozen and filterable table, the unit's average, its signatures."""
    columns = _unit_columns(report.columns, unit.rows)
    header = _write_lines(sheet, 1, _unit_heading(report, unit)) + 1
    _write_header(sheet, header, columns)
    for offset, row in enumerate(unit.rows, start=1):
        for index, column in enumerate(columns, start=1):
            value, fmt = _cell_value(row, column)
            _table_cell(sheet, header + offset, index, value, fmt)
    last = header + len(unit.rows)
    sheet.freeze_panes = sheet.cell(row=header + 1, column=3).coordinate
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(columns))}{last}"
    _set_widths(sheet, columns)
    after = _write_unit_summary(sheet, last + 1, columns, unit.summary)
    missing = None if unit.approved else NOT_APPROVED
    _write_signatures(sheet, after + 1, unit.signatures, missing=missing)
    _fit_page(sheet, header)


def _unit_columns(columns: Sequence[Column], rows: Sequence[IndicatorRow]) -> tuple[Column, ...]:
    """The report's columns, plus "Catatan" when some row has something the reader must know."""
    return (*columns, _NOTE_COLUMN) if any(row.note for row in rows) else tuple(columns)


def _unit_heading(report: PerformanceReport, unit: UnitSection) -> list[tuple[str, Font | None]]:
    if unit.approved:
        status: tuple[str, Font | None] = (f"Status: {APPROVED}", None)
    else:
        status = (f"Status: DRAFT ({NOT_APPROVED.lower()})", _WARNING)
    return [
        (report.title, _TITLE),
        (f"{unit.name} ({unit.code})", _BOLD),
        (report.organisation, None),
        (f"Periode: {report.period_label}", None),
        status,
    ]


def _cell_value(row: IndicatorRow, column: Column) -> tuple[CellValue, str | None]:
    """The value and number format of one table cell; a capaian that cannot be
    computed shows its reason as text instead of an empty number."""
    raw = row.value(column.key)
    if column.kind is ColumnKind.NUMBER:
        return raw, number_format(row.precision)
    if column.kind is ColumnKind.PERCENT:
        if raw is None and column.key == "capaian":
            return row.capaian_note or None, None
        return raw, PERCENT_FORMAT
    if column.kind is ColumnKind.INTEGER:
        return raw, None
    return (str(raw) if raw not in (None, "") else None), None


def _write_unit_summary(
    sheet: Worksheet, at: int, columns: Sequence[Column], summary: Summary
) -> int:
    """The "Rata-rata capaian" line right under the table, aligned with its columns."""
    keys = [column.key for column in columns]
    label = _position(keys, "indikator", 2)
    for index in range(1, len(columns) + 1):
        _table_cell(sheet, at, index, None).fill = _TOTAL_FILL
    put(sheet, at, label, "Rata-rata capaian").font = _BOLD
    average = summary.average_capaian if summary.average_capaian is not None else "-"
    capaian = put(sheet, at, _position(keys, "capaian", label + 1), average)
    capaian.number_format = PERCENT_FORMAT
    capaian.font = _BOLD
    if "kategori" in keys:
        put(sheet, at, _position(keys, "kategori", 0), summary.average_kategori)
    counts = (
        f"{summary.indicators} indikator, {summary.with_data} ada data, "
        f"{summary.with_capaian} dengan capaian"
    )
    put(sheet, at + 1, label, counts)
    return at + 2


def _position(keys: Sequence[str], key: str, default: int) -> int:
    """1-based column of ``key``, or ``default`` when the table has no such column."""
    return keys.index(key) + 1 if key in keys else default


# --- the overview sheet ----------------------------------------------------------------


def _write_overview(sheet: Worksheet, report: PerformanceReport) -> None:
    """Status first, then the units side by side, the totals and how to read the categories."""
    at = _write_lines(sheet, 1, _overview_heading(report)) + 1
    if report.units:
        at = _write_unit_table(sheet, at, report) + 1
    else:
        put(sheet, at, 1, NO_UNITS).font = _WARNING
        at += 2
    at = _write_categories(sheet, at, report.summary) + 1
    at = _write_legend(sheet, at, report.rating_bands) + 1
    _write_signatures(sheet, at, report.signatures, missing=None)
    _set_widths(sheet, _OVERVIEW_COLUMNS)


def _overview_heading(report: PerformanceReport) -> list[tuple[str, Font | None]]:
    lines: list[tuple[str, Font | None]] = [
        (report.heading, _TITLE),
        (report.organisation, _BOLD),
        (f"SOP: {report.sop_name}", None),
        (report.status_note, None if report.final else _WARNING),
        (f"Dibuat: {format_datetime_id(report.generated_at)}", None),
    ]
    if report.timeliness:
        lines.append((report.timeliness, None))
    return lines


def _write_unit_table(sheet: Worksheet, header: int, report: PerformanceReport) -> int:
    """One line per unit, the organisation's total and (annual) last year's; the next free row."""
    _write_header(sheet, header, _OVERVIEW_COLUMNS)
    sheet.freeze_panes = f"A{header + 1}"
    at = header + 1
    for unit in report.units:
        status = APPROVED if unit.approved else NOT_APPROVED
        if unit.timeliness:
            status = f"{status}; {unit.timeliness}"
        _summary_line(sheet, at, unit.code, unit.name, unit.summary, status)
        at += 1
    status = "Final" if report.final else "DRAFT"
    _summary_line(sheet, at, "Total", report.organisation, report.summary, status, total=True)
    at += 1
    if report.previous_summary is not None:
        label = f"{report.organisation} ({report.period.previous().label})"
        _summary_line(sheet, at, "Tahun lalu", label, report.previous_summary, None, total=True)
        at += 1
    return at


def _summary_line(
    sheet: Worksheet,
    at: int,
    code: str,
    name: str,
    summary: Summary,
    status: str | None,
    *,
    total: bool = False,
) -> None:
    values: tuple[CellValue, ...] = (
        code,
        name,
        summary.indicators,
        summary.with_data,
        summary.average_capaian,
        summary.average_kategori,
        status,
    )
    for index, (column, value) in enumerate(zip(_OVERVIEW_COLUMNS, values, strict=True), 1):
        fmt = PERCENT_FORMAT if column.kind is ColumnKind.PERCENT else None
        cell = _table_cell(sheet, at, index, value, fmt)
        if total:
            cell.font = _BOLD
            cell.fill = _TOTAL_FILL


def _write_categories(sheet: Worksheet, at: int, summary: Summary) -> int:
    """How many indicators fall in each category, under the Unit / Jumlah columns."""
    put(sheet, at, 1, "Jumlah indikator per kategori").font = _BOLD
    _write_header(sheet, at + 1, _CATEGORY_COLUMNS, first_column=2)
    for offset, category in enumerate(summary.categories, start=2):
        _table_cell(sheet, at + offset, 2, category.label)
        _table_cell(sheet, at + offset, 3, category.count)
    return at + 2 + len(summary.categories)


def _write_legend(sheet: Worksheet, at: int, bands: Sequence[str]) -> int:
    put(sheet, at, 1, "Keterangan kategori capaian (%)").font = _BOLD
    for offset, band in enumerate(bands, start=1):
        put(sheet, at + offset, 2, band)
    return at + 1 + len(bands)


# --- shared pieces ---------------------------------------------------------------------


def _write_lines(
    sheet: Worksheet, at: int, lines: Sequence[tuple[str, Font | None]], *, column: int = 1
) -> int:
    """Lines of text in ``column`` (A) from row ``at``; the next free row."""
    for offset, (text, font) in enumerate(lines):
        cell = put(sheet, at + offset, column, text)
        if font is not None:
            cell.font = font
    return at + len(lines)


def _write_header(
    sheet: Worksheet, at: int, columns: Sequence[Column], *, first_column: int = 1
) -> None:
    for index, column in enumerate(columns, start=first_column):
        cell = _table_cell(sheet, at, index, column.title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGNMENT


def _table_cell(
    sheet: Worksheet, row: int, column: int, value: CellValue, fmt: str | None = None
) -> Cell:
    """A bordered cell: text wraps, numbers keep their type and get ``fmt``.

    openpyxl hashes every style object on each assignment, which was most of a
    2,000-row workbook's time; the first cell of each kind is styled that way
    and the others copy its style ids.
    """
    cell = put(sheet, row, column, value)
    key = None if isinstance(value, str) else (fmt or "")
    styles = _STYLES.setdefault(sheet.parent, {})
    known = styles.get(key)
    if known is not None:
        cell._style = copy(known)
        return as_text(cell)  # after the copy: the quote prefix lives in the style
    cell.border = _BORDER
    if key is None:
        cell.alignment = _TEXT_ALIGNMENT
    else:
        cell.alignment = _NUMBER_ALIGNMENT
        if fmt is not None:
            cell.number_format = fmt
    styles[key] = copy(cell._style)
    return as_text(cell)


_STYLES: WeakKeyDictionary[Workbook, dict[str | None, StyleArray]] = WeakKeyDictionary()
"""Per workbook: the style ids of a table cell, per number format (``None``: text)."""


def _write_signatures(
    sheet: Worksheet, at: int, signatures: Sequence[Signature], *, missing: str | None
) -> int:
    """The approval blocks one under the other in column B (``missing`` when there are none)."""
    if not signatures:
        if missing is None:
            return at
        put(sheet, at, 2, missing).font = _WARNING
        return at + 1
    for signature in signatures:
        lines = _signature_lines(signature)
        at = _write_lines(sheet, at, lines, column=2) + 1
    return at


def _signature_lines(signature: Signature) -> list[tuple[str, Font | None]]:
    lines: list[tuple[str, Font | None]] = [
        (signature.caption, None),
        (signature.jabatan, None),
        (signature.name or "(belum ditandatangani)", _BOLD),
    ]
    if signature.nip_text:
        lines.append((signature.nip_text, None))
    if signature.signed_at is not None:
        lines.append((f"{signature.dated_as} {format_datetime_id(signature.signed_at)}", None))
    return lines


def _set_widths(sheet: Worksheet, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width


def _fit_page(sheet: Worksheet, header: int) -> None:
    """Printed: landscape, one page wide, the header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header}:{header}"
