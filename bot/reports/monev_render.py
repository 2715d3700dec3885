"""The monev report as HTML, PDF (A4 landscape) and XLSX.

HTML and PDF come from one template (``reports/monev.html.j2``); the XLSX
takes its notes, actions and labels from the same macros
(``reports/monev_text.j2``), so a sentence is written once for every format.
The workbook keeps numbers as numbers (counts, working minutes, the late
share as a percentage) so an evaluator can sort and sum them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.locale_id import format_date_id, format_datetime_id, zone_label
from bot.domain.numbers import format_percent
from bot.domain.periods import Period
from bot.render.jinja import template_env
from bot.render.profile import BROWSER_WIDTH, PDF_WIDTH
from bot.render.xlsx_text import put
from bot.reports.html import logo_uri
from bot.reports.monev import MonevReport, ProcedureSummary, StepRow

TEMPLATE = "reports/monev.html.j2"
TEXT_TEMPLATE = "reports/monev_text.j2"


@dataclass(frozen=True)
class Format:
    """How values are written in the report: local times, percentages, period labels."""

    tz: ZoneInfo

    @property
    def zone(self) -> str:
        """``WITA (Asia/Makassar)``."""
        return zone_label(self.tz)

    def when(self, moment: datetime | None) -> str:
        """``12/10/2026 08.15`` in the organisation's zone; ``-`` when there is none."""
        if moment is None:
            return "-"
        local = moment.astimezone(self.tz)
        return f"{local:%d/%m/%Y} {local:%H.%M}"

    def percent(self, value: Decimal | None) -> str:
        """``12,5%``; ``-`` when there is nothing to divide."""
        return "-" if value is None else format_percent(value, 1)

    def period(self, text: str) -> str:
        """``Triwulan III 2026`` for ``2026-TW3``."""
        try:
            return Period.parse(text).label
        except ValueError:
            return text

    @staticmethod
    def hours(minutes: int) -> str:
        """``8 jam 30 menit``: a span of the clock, not of working days."""
        hours, rest = divmod(minutes, 60)
        parts = [f"{hours} jam"] if hours else []
        if rest:
            parts.append(f"{rest} menit")
        return " ".join(parts) or "0 menit"


def _context(report: MonevReport, *, pdf: bool) -> dict[str, Any]:
    header = report.header
    signer = replace(header.signer, caption="") if header.signer else None
    when = report.generated_at.astimezone(report.zone)
    place = f"{header.kop.tempat}, " if header.kop and header.kop.tempat else ""
    return {
        "report": report,
        "fmt": Format(report.zone),
        "pdf": pdf,
        # the kop and the signature, shared with the performance reports' templates
        "u": "pt" if pdf else "px",
        "f": 8.0,
        "total": PDF_WIDTH if pdf else BROWSER_WIDTH,
        "kop": header.kop,
        "kop_logo": logo_uri(header.kop),
        "instansi": header.instansi or header.organisation,
        "signer": signer,
        "place_date_of": lambda _items: place + format_date_id(when, with_day=False),
        "fmt_datetime": format_datetime_id,
    }


def render_monev_html(report: MonevReport, *, pdf: bool = False) -> str:
    """The report as one self-contained HTML page (print CSS for A4 landscape).

    ``pdf=True`` gives the variant :mod:`bot.render.pdf` draws; see :func:`render_monev_pdf`.
    """
    return template_env().get_template(TEMPLATE).render(_context(report, pdf=pdf))


def render_monev_pdf(report: MonevReport) -> bytes:
    """The report as A4 landscape PDF. Blocking (CPU-bound): keep it off the event loop."""
    from bot.render.pdf import Page, html_to_pdf  # ReportLab: the HTML does not need it

    return html_to_pdf(render_monev_html(report, pdf=True), Page(font_size=7.5))


# --- the same sentences as plain text ------------------------------------------------------
def _macros() -> Any:
    return template_env().get_template(TEXT_TEMPLATE).module


def _plain(markup: str) -> list[str]:
    """A macro's escaped output as plain sentences, one per non-empty line."""
    text = Markup(markup).unescape()
    return [line.strip() for line in text.splitlines() if line.strip()]


def penilaian_text(procedure: ProcedureSummary) -> str:
    """``Berjalan dengan baik`` or ``Tidak berjalan dengan baik``."""
    return " ".join(_plain(_macros().penilaian(procedure)))


def catatan_lines(report: MonevReport, procedure: ProcedureSummary) -> list[str]:
    """The "Catatan hasil penilaian" of one procedure, sentence by sentence."""
    return _plain(_macros().catatan(procedure, report, Format(report.zone)))


def tindakan_lines(report: MonevReport, procedure: ProcedureSummary) -> list[str]:
    """The "Tindakan yang harus diambil" of one procedure, sentence by sentence."""
    return _plain(_macros().tindakan(procedure, report, Format(report.zone)))


# --- XLSX ----------------------------------------------------------------------------------
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEAD_FILL = PatternFill("solid", fgColor="E6E6E6")
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_DATETIME = "dd/mm/yyyy hh:mm"

_MONEV_COLUMNS: Sequence[tuple[str, float]] = (
    ("No", 5),
    ("Prosedur", 32),
    ("Penilaian terhadap penerapan (Berjalan dengan baik / Tidak berjalan dengan baik)", 22),
    ("Catatan hasil penilaian", 60),
    ("Tindakan yang harus diambil", 45),
    ("Pelaksanaan", 12),
    ("Langkah selesai", 11),
    ("Langkah dinilai", 11),
    ("Langkah terlambat", 11),
    ("Terlambat (%)", 11),
    ("Pemeriksaan", 12),
    ("Dikembalikan", 12),
)
_DETAIL_COLUMNS: Sequence[tuple[str, float]] = (
    ("Prosedur", 26),
    ("Periode", 16),
    ("Pelaksanaan", 12),
    ("Langkah", 9),
    ("Uraian kegiatan", 45),
    ("Pelaksana", 18),
    ("Unit", 28),
    ("Putaran", 9),
    ("Status", 13),
    ("Dikerjakan oleh / pemegang peran", 26),
    ("Mulai", 17),
    ("Selesai", 17),
    ("Batas waktu", 17),
    ("Waktu nyata (menit kerja)", 13),
    ("Waktu nyata", 16),
    ("Waktu standar", 24),
    ("Waktu standar (menit kerja)", 13),
    ("Terlambat", 11),
    ("Keterlambatan (menit kerja)", 14),
    ("Keterlambatan", 22),
    ("Keputusan", 14),
    ("Alasan pengembalian", 40),
    ("Pemeriksa", 22),
)
_YES, _NO = "Ya", "Tidak"


def render_monev_xlsx(report: MonevReport) -> bytes:
    """The workbook: sheet "Monev" (the PermenPANRB table) and "Rincian" (every step)."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Monev"
    _monev_sheet(summary, report)
    _detail_sheet(book.create_sheet("Rincian"), report)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet: Worksheet, row: int, columns: Sequence[tuple[str, float]]) -> None:
    for col, (title, width) in enumerate(columns, start=1):
        cell = put(sheet, row, col, title)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.alignment = _HEAD_ALIGN
        sheet.column_dimensions[get_column_letter(col)].width = width


def _local(report: MonevReport, moment: datetime | None) -> datetime | None:
    """Excel has no time zones: the organisation's wall-clock time, without zone."""
    return moment.astimezone(report.zone).replace(tzinfo=None) if moment is not None else None


def _monev_sheet(sheet: Worksheet, report: MonevReport) -> None:
    sheet["A1"] = "Monitoring dan Evaluasi Pelaksanaan SOP"
    sheet["A1"].font = _TITLE
    sheet["A2"] = report.header.instansi or report.header.organisation
    sheet["A3"] = report.period_label
    sheet["B4"] = "Keadaan pada"
    sheet["C4"] = _local(report, report.as_of)
    sheet["C4"].number_format = _DATETIME
    sheet["C4"].alignment = Alignment(horizontal="left")
    sheet["D4"] = zone_label(report.zone)
    head = 6
    _header(sheet, head, _MONEV_COLUMNS)
    for offset, p in enumerate(report.procedures, start=1):
        values: list[Any] = [
            p.no,
            p.sop_name,
            penilaian_text(p),
            "\n".join(catatan_lines(report, p)),
            "\n".join(tindakan_lines(report, p)),
            p.run_count,
            p.steps_executed,
            p.steps_judged,
            p.steps_late,
            float(p.late_percent / 100) if p.late_percent is not None else None,
            p.reviews,
            len(p.returns),
        ]
        for col, value in enumerate(values, start=1):
            cell = put(sheet, head + offset, col, value)
            cell.alignment = _WRAP
        sheet.cell(row=head + offset, column=10).number_format = "0.0%"
    sheet.freeze_panes = sheet.cell(row=head + 1, column=1)


def _detail_sheet(sheet: Worksheet, report: MonevReport) -> None:
    _header(sheet, 1, _DETAIL_COLUMNS)
    macros = _macros()
    row_no = 2
    for p in report.procedures:
        for run in p.runs:
            for step in run.rows:
                values = _detail_values(report, p, step, macros)
                for col, value in enumerate(values, start=1):
                    cell = put(sheet, row_no, col, value)
                    cell.alignment = _WRAP
                    if isinstance(value, datetime):
                        cell.number_format = _DATETIME
                row_no += 1
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(_DETAIL_COLUMNS))}{max(row_no - 1, 1)}"


def _detail_values(
    report: MonevReport, p: ProcedureSummary, row: StepRow, macros: Any
) -> list[Any]:
    decision = row.decision
    returned = decision is not None and not decision.approved
    return [
        p.sop_name,
        Format(report.zone).period(row.period),
        row.run_id,
        row.step_no,
        row.uraian,
        row.role_name,
        row.unit_name,
        row.round,
        " ".join(_plain(macros.status(row))),
        ", ".join(row.responsible),
        _local(report, row.started_at),
        _local(report, row.finished_at) if row.status == "done" else None,
        _local(report, row.due_at),
        row.actual_minutes,
        row.actual_text,
        row.waktu_teks,
        row.standard_minutes,
        (_YES if row.late else _NO) if row.judged else None,
        row.late_minutes if row.judged else None,
        row.lateness_text,
        " ".join(_plain(macros.keputusan(row))),
        (decision.reason or "") if returned and decision else "",
        (decision.decided_by or "") if decision else "",
    ]
