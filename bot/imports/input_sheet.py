"""The unit's input sheet as an .xlsx file: written for a task, read back when it returns filled.

Sheet "Isian" has one row per indicator of the task (number, code, name, unit,
target, the earlier quarters, the current draft) and the columns the analyst
fills: Realisasi, Kendala, Tindak lanjut. Sheet "Petunjuk" says what the file
is and how to fill it. A very hidden sheet ("sopbot") names the organisation,
unit, period, task and its round, so a sheet from another quarter, another
unit or an earlier round of the task is recognised when it comes back and
refused with the reason (``stale_reason``).

Reading follows the targets import: headers matched loosely, every problem
collected with its sheet, row and column, nothing kept if there is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING, Any
from zipfile import BadZipFile

from bot.domain.numbers import format_number
from bot.domain.periods import Period, PeriodError
from bot.engine.access import TaskView
from bot.engine.inputs import InputLine
from bot.imports.cells import Record
from bot.imports.problems import Problems

if TYPE_CHECKING:  # openpyxl loads when a sheet is written or read, not when the bot starts
    from openpyxl import Workbook

    from bot.imports.tables import Column

FORMAT = "sopbot-lembar-isian"
FORMAT_VERSION = 1
INPUT_SHEET = "Isian"
GUIDE_SHEET = "Petunjuk"
META_SHEET = "sopbot"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024
"""A returned sheet of a few hundred indicators is far below this; more is not our sheet."""


@cache
def columns() -> tuple[Column, ...]:
    """The columns read back (the others are for reading only)."""
    from bot.imports.tables import Column

    return (
        Column("no", "No"),
        Column("kode", "Kode", ("kode indikator",), required=True),
        Column("realisasi", "Realisasi", ("nilai", "realisasi tw"), required=True),
        Column("kendala", "Kendala"),
        Column("tindak_lanjut", "Tindak lanjut", ("tindaklanjut",)),
    )


HEADER_COLOUR, FILL_COLOUR = "DDEBF7", "FFF2CC"


class NotInputSheet(ValueError):
    """The file is not an input sheet this bot wrote (or its identification was removed)."""


@dataclass(frozen=True)
class SheetMeta:
    """What the hidden sheet says the file was written for."""

    org_id: int
    unit: str
    period: str
    task_id: int
    round: int


@dataclass(frozen=True)
class SheetRow:
    """One filled row: the code and what the analyst wrote (realisasi as the cell holds it)."""

    record: Record
    code: str
    realisasi: Any
    kendala: str | None
    tindak_lanjut: str | None


def file_name(view: TaskView) -> str:
    """ "isian-2026-TW3-bidang-iwk-tugas-12.xlsx": period, unit and task, safe on any phone."""
    unit = "".join(ch if ch.isalnum() else "-" for ch in view.unit_name.lower()).strip("-")
    unit = "-".join(part for part in unit.split("-") if part)[:40]
    return f"isian-{view.period}-{unit}-tugas-{view.task_id}.xlsx"


# --- writing -----------------------------------------------------------------------------------
def write_input_sheet(
    view: TaskView, lines: Sequence[InputLine], *, org_id: int, org_name: str, now: datetime
) -> bytes:
    """The task's input sheet as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from bot.render.xlsx_text import put

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = INPUT_SHEET
    earlier = _earlier_periods(lines)
    headers = [
        "No",
        "Kode",
        "Indikator",
        "Satuan",
        f"Target {_label(view.period)}",
        *(f"Realisasi {_label(p)}" for p in earlier),
        "Realisasi",
        "Kendala",
        "Tindak lanjut",
        "Status",
    ]
    for column, header in enumerate(headers, start=1):
        cell = put(sheet, 1, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_COLOUR)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    first_input = 6 + len(earlier)
    for row, line in enumerate(lines, start=2):
        previous = dict(line.previous)
        values: list[Any] = [
            row - 1,
            line.code,
            line.name,
            line.satuan,
            _cell_number(line.target),
            *(_cell_number(previous.get(p)) for p in earlier),
            _cell_number(line.value),
            line.kendala,
            line.tindak_lanjut,
            ("dapat diisi" if line.editable else "tidak dapat diubah") + f" ({line.state_text})",
        ]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            cell.alignment = Alignment(wrap_text=column in (3, first_input + 1, first_input + 2))
            if line.editable and first_input <= column <= first_input + 2:
                cell.fill = PatternFill("solid", fgColor=FILL_COLOUR)
    widths = [5, 12, 48, 12, 12, *([12] * len(earlier)), 14, 36, 36, 24]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C2"
    _guide(book, view, org_name, now)
    _meta(book, view, org_id, now)
    book.active = 0
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _earlier_periods(lines: Sequence[InputLine]) -> list[str]:
    seen: list[str] = []
    for line in lines:
        for period, _ in line.previous:
            if period not in seen:
                seen.append(period)
    return seen


def _label(period: str) -> str:
    try:
        return Period.parse(period).label
    except PeriodError:
        return period


def _cell_number(value: Decimal | None) -> int | float | None:
    """Numbers as numbers, so the spreadsheet can sum them; exact enough for display."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _guide(book: Workbook, view: TaskView, org_name: str, now: datetime) -> None:
    from openpyxl.styles import Font

    from bot.render.xlsx_text import put

    guide = book.create_sheet(GUIDE_SHEET)
    texts = [
        f"Lembar isian data kinerja: {view.unit_name}, {_label(view.period)}",
        f"Organisasi: {org_name}",
        f"Tugas #{view.task_id}, langkah {view.step_no}, putaran {view.round}: {view.uraian}",
        f"Dibuat: {now.strftime('%d-%m-%Y %H:%M')}",
        "",
        "Cara mengisi:",
        "1. Isi kolom Realisasi pada sheet Isian (angka; koma untuk desimal, mis. 82,5).",
        "2. Kendala dan Tindak lanjut boleh diisi; wajib bila capaian di bawah ambang organisasi.",
        "3. Jangan mengubah kolom Kode dan jangan menghapus sheet mana pun.",
        "4. Simpan, lalu kirim berkas ini kembali ke bot sebagai dokumen (bukan foto).",
        "   Bot membaca semuanya, menampilkan ringkasan, dan baru menyimpan setelah",
        '   Bapak/Ibu menekan "Simpan semua".',
        "",
        "Lembar ini hanya berlaku untuk tugas dan putaran di atas. Bila tugas dikembalikan",
        "untuk perbaikan, minta lembar baru dari kartu tugas yang baru.",
    ]
    for row, text in enumerate(texts, start=1):
        put(guide, row, 1, text)
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 100


def _meta(book: Workbook, view: TaskView, org_id: int, now: datetime) -> None:
    from bot.render.xlsx_text import put

    meta = book.create_sheet(META_SHEET)
    pairs: list[tuple[str, Any]] = [
        ("format", FORMAT),
        ("versi_format", FORMAT_VERSION),
        ("organisasi", org_id),
        ("unit", view.unit_name),
        ("periode", view.period),
        ("tugas", view.task_id),
        ("putaran", view.round),
        ("langkah", view.step_no),
        ("dibuat", now.isoformat()),
    ]
    for row, (key, value) in enumerate(pairs, start=1):
        put(meta, row, 1, key)
        put(meta, row, 2, value)
    meta.sheet_state = "veryHidden"


# --- reading -----------------------------------------------------------------------------------
def open_book(content: bytes) -> Workbook:
    """The workbook, or ``NotInputSheet`` for anything that is not an .xlsx file."""
    if len(content) > MAX_BYTES:
        raise NotInputSheet("berkas terlalu besar untuk lembar isian")
    from openpyxl import load_workbook

    try:
        return load_workbook(BytesIO(content), data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as error:
        raise NotInputSheet("bukan berkas Excel (.xlsx) yang dapat dibaca") from error


def is_input_sheet(content: bytes) -> bool:
    """Whether ``content`` is an .xlsx with this bot's identification sheet."""
    try:
        read_meta(open_book(content))
    except NotInputSheet:
        return False
    return True


def read_meta(book: Workbook) -> SheetMeta:
    from bot.imports.tables import find_sheet

    sheet = find_sheet(book, [META_SHEET])
    if sheet is None:
        raise NotInputSheet("sheet identitas lembar isian tidak ada")
    pairs = {
        str(key).strip(): value
        for key, value, *_ in sheet.iter_rows(min_col=1, max_col=2, values_only=True)
        if key is not None
    }
    if pairs.get("format") != FORMAT:
        raise NotInputSheet("bukan lembar isian sopbot")
    try:
        return SheetMeta(
            org_id=int(pairs["organisasi"]),
            unit=str(pairs["unit"]),
            period=str(pairs["periode"]),
            task_id=int(pairs["tugas"]),
            round=int(pairs["putaran"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise NotInputSheet("identitas lembar isian rusak") from error


def read_rows(book: Workbook, problems: Problems) -> list[SheetRow]:
    """The rows with a code, as written (checked against the task by the caller)."""
    from bot.imports.tables import sheet_records

    rows = []
    percent = _percent_rows(book)
    for record in sheet_records(book, [INPUT_SHEET], columns(), problems):
        code = record.text("kode", required=True)
        if code is None:
            continue
        realisasi = record.values.get("realisasi")
        if record.location.row in percent and isinstance(realisasi, int | float):
            # "82,5%" typed into a spreadsheet is stored as 0.825 shown as a percentage.
            realisasi = Decimal(repr(realisasi)) * 100
        rows.append(
            SheetRow(
                record=record,
                code=code,
                realisasi=realisasi,
                kendala=record.text("kendala"),
                tindak_lanjut=record.text("tindak_lanjut"),
            )
        )
    return rows


def _percent_rows(book: Workbook) -> set[int]:
    """Rows whose Realisasi cell is formatted as a percentage (its number is a fraction)."""
    from bot.imports.tables import find_sheet

    sheet = find_sheet(book, [INPUT_SHEET])
    if sheet is None:
        return set()
    realisasi = next(c for c in columns() if c.key == "realisasi")
    found: set[int] = set()
    column: int | None = None
    for row in sheet.iter_rows():
        if column is None:
            column = next(
                (c.column for c in row if c.value is not None and realisasi.matches(str(c.value))),
                None,
            )
            continue
        cell = sheet.cell(row=row[0].row, column=column)
        if "%" in (cell.number_format or ""):
            found.add(cell.row)
    return found


def realisasi_text(value: Any) -> str:
    """A realisasi cell as the text a chat message would carry ("82,5"), for the value rules.

    A number cell becomes its Indonesian spelling; a text cell stays as typed.
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_number(Decimal(value))
    if isinstance(value, float):
        exact = Decimal(repr(value)).normalize()
        exponent = exact.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        return format_number(exact, places)
    if isinstance(value, Decimal):
        exact = value.normalize()
        exponent = exact.as_tuple().exponent
        return format_number(exact, max(0, -exponent) if isinstance(exponent, int) else 0)
    return str(value).strip()


# --- is this sheet still the task's? ---------------------------------------------------------
def stale_reason(
    meta: SheetMeta,
    view: TaskView,
    *,
    org_id: int,
    task_open: bool,
    open_tasks: Sequence[TaskView],
) -> str | None:
    """Why the returned sheet no longer fits its task (None: it fits).

    ``open_tasks``: the person's open tasks, to name the one a newer sheet should come from.
    """
    said = f"Lembar ini untuk {meta.unit}, {_label(meta.period)} (tugas #{meta.task_id}"
    said += f", putaran {meta.round})"
    if meta.org_id != org_id:
        return "Lembar ini dari organisasi lain; tidak ada yang dibaca."
    if meta.unit != view.unit_name:
        return f"{said}, tetapi tugas #{view.task_id} untuk unit {view.unit_name} (unit lain)."
    if meta.period != view.period:
        return (
            f"{said}, tetapi tugas #{view.task_id} untuk periode {_label(view.period)} "
            "(periode lain)."
        )
    if meta.round != view.round:
        return f"{said}, tetapi tugas itu sekarang putaran {view.round} (versi lama)."
    if task_open:
        return None
    newer = next(
        (
            t
            for t in open_tasks
            if t.unit_name == meta.unit and t.period == meta.period and t.task_id != view.task_id
        ),
        None,
    )
    if newer is not None:
        return (
            f"{said}, yang sudah dikirim. Sekarang terbuka tugas #{newer.task_id} "
            f"(putaran {newer.round}): lembar ini versi lama. Minta lembar baru dari kartu "
            "tugas itu."
        )
    other = next((t for t in open_tasks if t.unit_name == meta.unit), None)
    if other is not None:
        return (
            f"{said}, yang sudah selesai. Tugas Bapak/Ibu yang terbuka: #{other.task_id} untuk "
            f"{_label(other.period)} (periode lain). Minta lembar baru dari kartu tugas itu."
        )
    return f"{said}, yang sudah selesai; lembar ini tidak dapat dipakai lagi."
