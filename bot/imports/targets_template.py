"""Writing the targets workbook: the blank template and (with rows) the sample file.

Dropdowns (data validation) on the choice columns offer exactly the words the
import accepts, so a filled template imports without spelling mistakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.imports.cells import Choices
from bot.imports.tables import Column
from bot.imports.targets_layout import (
    AGGREGATION,
    GUIDE,
    GUIDE_SHEET,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    LOWER_FORMULA,
    MONTHLY_COLUMNS,
    MONTHLY_SHEET,
    POLARITY,
    TARGET_COLUMNS,
    TARGET_SHEET,
    YES_NO,
)
from bot.render.xlsx_text import put

EXAMPLE_INDICATOR = {
    "kode_unit": "BID-1",
    "kode": "IKU-1.1",
    "sasaran": "Meningkatnya wawasan kebangsaan masyarakat",
    "nama": "Persentase peserta sosialisasi yang memahami wawasan kebangsaan",
    "satuan": "%",
    "polaritas": "tinggi",
    "rumus": "(2T-R)/T",
    "agregasi": "rata-rata",
    "presisi": 2,
    "boleh_negatif": "tidak",
    "maks": 100,
    "faktor_lonjakan": None,
    "faktor_target": None,
}
EXAMPLE_TARGET = {
    "kode": "IKU-1.1",
    "tahun": 2026,
    "tahunan": 80,
    "tw1": 75,
    "tw2": 80,
    "tw3": 80,
    "tw4": 85,
}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_MAX_ROWS = 1000
_DROPDOWNS: dict[str, Choices | tuple[str, ...]] = {
    "polaritas": POLARITY,
    "rumus": LOWER_FORMULA,
    "agregasi": AGGREGATION,
    "boleh_negatif": YES_NO,
}


def write_targets_workbook(
    path: Path,
    indicators: Sequence[dict[str, Any]] = (EXAMPLE_INDICATOR,),
    targets: Sequence[dict[str, Any]] = (EXAMPLE_TARGET,),
    *,
    note: str | None = None,
    monthly: Sequence[dict[str, Any]] = (),
) -> None:
    """Write the workbook; rows are dicts keyed by the columns' canonical keys.

    ``monthly`` rows (keys ``kode``, ``tahun``, ``b01``-``b12``) fill the optional
    "Target Bulanan" sheet; the template writes it with its headers only.
    """
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None
    guide.title = GUIDE_SHEET
    lines = ([note, ""] if note else []) + list(GUIDE)
    for number, line in enumerate(lines, start=1):
        put(guide, number, 1, line)
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 100
    _sheet(workbook.create_sheet(INDICATOR_SHEET), INDICATOR_COLUMNS, indicators)
    _sheet(workbook.create_sheet(TARGET_SHEET), TARGET_COLUMNS, targets)
    _sheet(workbook.create_sheet(MONTHLY_SHEET), MONTHLY_COLUMNS, monthly)
    workbook.active = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def _sheet(sheet: Worksheet, columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = put(sheet, 1, index, column.label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        width = max(len(column.label) + 2, 12 if column.key not in ("nama", "sasaran") else 45)
        sheet.column_dimensions[get_column_letter(index)].width = width
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            put(sheet, number, index, row.get(column.key))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        options = _DROPDOWNS.get(column.key)
        if options is None:
            continue
        words = options.options() if isinstance(options, Choices) else list(options)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(words) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=column.label,
            error="Pilih salah satu: " + ", ".join(words),
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{_MAX_ROWS}")
        sheet.add_data_validation(validation)
