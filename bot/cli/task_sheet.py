"""The indicator sheet of a task as a terminal table: target, realisasi, capaian, kategori.

The same columns as the quarterly report table (LKjIP style), so what a person
checks in the terminal is what ends up in the report.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from bot.cli.sop import render_table
from bot.domain.enums import MeasurementState
from bot.domain.numbers import format_number, format_percent
from bot.engine.inputs import InputLine

STATE_TEXT = {
    None: "belum diisi",
    MeasurementState.DRAFT: "draf",
    MeasurementState.SUBMITTED: "diajukan",
    MeasurementState.RETURNED: "dikembalikan",
    MeasurementState.APPROVED: "disetujui",
}
_HEADERS = ["KODE", "INDIKATOR", "SATUAN", "TARGET", "REALISASI", "CAPAIAN", "STATUS"]
_WIDTHS = [9, 40, 10, 10, 18, 20, 12]


def sheet_lines(sheet: Sequence[InputLine]) -> Iterator[str]:
    """The whole sheet: the table, then what the star means if any line may change."""
    yield from render_sheet(sheet)
    if any(line.editable for line in sheet):
        yield "* dapat diisi atau diubah di tugas ini"


def render_sheet(sheet: Sequence[InputLine]) -> list[str]:
    """The table; each indicator names its unit only when the sheet spans several."""
    several = len({line.unit_name for line in sheet}) > 1
    rows = [_row(line, several) for line in sheet]
    return render_table(_HEADERS, rows, _WIDTHS)


def _row(line: InputLine, with_unit: bool) -> list[str]:
    return [
        ("*" if line.editable else "") + line.code,
        f"{line.name}\n({line.unit_name})" if with_unit else line.name,
        line.satuan,
        _figure(line.target, line.precision),
        _realisasi(line),
        _capaian(line),
        STATE_TEXT[line.state],
    ]


def _figure(value: Decimal | None, precision: int) -> str:
    return "-" if value is None else format_number(value, precision)


def _realisasi(line: InputLine) -> str:
    if line.value is not None:
        return format_number(line.value, line.precision)
    if line.no_data:
        return f"belum ada data: {line.no_data_reason or '-'}"
    return "-"


def _capaian(line: InputLine) -> str:
    if line.value is None:
        return "-"
    result = line.capaian
    if result.value is None:
        return result.reason or "tidak dapat dihitung"
    shown = format_percent(result.value, 2)
    return f"{shown}\n{line.category}" if line.category else shown
