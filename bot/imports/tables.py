"""Turning XLSX sheets and YAML sections into :class:`Record` s.

Headers are matched loosely (case, spaces and punctuation ignored, a few
aliases), so "Kode Unit", "kode_unit" and "KODE UNIT" are the same column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.workbook.workbook import Workbook

from bot.imports.cells import Record, norm_key
from bot.imports.problems import Location, Problems


@dataclass(frozen=True)
class Column:
    key: str
    """Canonical name used in code (and accepted as a header / YAML key)."""
    label: str
    """The header a template writes and messages name."""
    aliases: tuple[str, ...] = ()
    required: bool = False
    """The column must exist in the sheet (a cell may still be blank)."""

    def matches(self, header: str) -> bool:
        key = norm_key(header)
        return key in {norm_key(self.key), norm_key(self.label), *map(norm_key, self.aliases)}


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def find_sheet(workbook: Workbook, names: Sequence[str]) -> Any | None:
    wanted = {norm_key(n) for n in names}
    for sheet in workbook.worksheets:
        if norm_key(sheet.title) in wanted:
            return sheet
    return None


def sheet_records(
    workbook: Workbook,
    names: Sequence[str],
    columns: Sequence[Column],
    problems: Problems,
    *,
    required: bool = True,
) -> list[Record]:
    """Records of the first sheet called one of ``names``; the first non-blank row is the header."""
    sheet = find_sheet(workbook, names)
    if sheet is None:
        if required:
            problems.add(Location(sheet=names[0]), None, "sheet ini tidak ada di berkas")
        return []
    title = sheet.title
    rows = sheet.iter_rows(values_only=True)
    header: tuple[Any, ...] | None = None
    header_row = 0
    for number, row in enumerate(rows, start=1):
        if any(_clean(v) is not None for v in row):
            header, header_row = row, number
            break
    if header is None:
        if required:
            problems.add(Location(sheet=title), None, "sheet kosong (baris judul kolom tidak ada)")
        return []
    positions: dict[str, int] = {}
    labels = {c.key: c.label for c in columns}
    for index, cell in enumerate(header):
        if cell is None:
            continue
        for column in columns:
            if column.key not in positions and column.matches(str(cell)):
                positions[column.key] = index
                labels[column.key] = str(cell).strip()  # name columns as the file does
                break
    for column in columns:
        if column.required and column.key not in positions:
            problems.add(Location(sheet=title, row=header_row), column.label, "kolom tidak ada")
    records: list[Record] = []
    for number, row in enumerate(rows, start=header_row + 1):
        values = {key: _clean(row[index]) for key, index in positions.items() if index < len(row)}
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            records.append(Record(Location(sheet=title, row=number), values, labels, problems))
    return records


def yaml_records(
    items: Any, section: str, columns: Sequence[Column], problems: Problems
) -> list[Record]:
    """Records of a YAML list of mappings; unknown keys are reported, not ignored."""
    if items is None:
        return []
    if not isinstance(items, list):
        problems.add(Location(sheet=section, yaml=True), None, "harus berupa daftar (- ...)")
        return []
    labels = {c.key: c.key for c in columns}
    records: list[Record] = []
    for number, item in enumerate(items, start=1):
        location = Location(sheet=section, row=number, yaml=True)
        if not isinstance(item, dict):
            problems.add(location, None, "harus berupa mapping (kunci: nilai)")
            continue
        values: dict[str, Any] = {}
        for raw_key, value in item.items():
            column = next((c for c in columns if c.matches(str(raw_key))), None)
            if column is None:
                known = ", ".join(c.key for c in columns)
                problems.add(location, str(raw_key), f"kunci tidak dikenal; yang dikenal: {known}")
                continue
            if _clean(value) is not None:
                values[column.key] = _clean(value)
        records.append(Record(location, values, labels, problems))
    return records
