"""Writing text into a workbook so that it stays text.

A spreadsheet program reads a cell that begins with ``=`` (and, in some
programs, ``+``, ``-``, ``@``, a tab or a carriage return) as a formula. A
kendala typed as ``=HYPERLINK(...)`` must not become a live link in the report
the Kabid opens, so every string a user or an organisation file supplied goes
into a workbook through ``put``: such a string is stored as a text cell with
Excel's quote prefix (shown as typed, never evaluated). The project's own
formulas, if any, are written directly and are the only formulas in a file.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

CellValue = str | int | float | Decimal | date | datetime | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """True for a string a spreadsheet program could evaluate."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_text(cell: Cell) -> Cell:
    """Make ``cell`` (already holding a string) a plain text cell."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put(sheet: Worksheet, row: int, column: int, value: CellValue) -> Cell:
    """``sheet.cell(row, column, value)``, with strings always kept as text."""
    cell = sheet.cell(row=row, column=column, value=value)
    return as_text(cell)


def append(sheet: Worksheet, values: list[CellValue] | tuple[CellValue, ...]) -> int:
    """``sheet.append(values)`` with strings kept as text; returns the row written."""
    sheet.append(list(values))
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if looks_like_formula(value):
            as_text(sheet.cell(row=row, column=column))
    return row
