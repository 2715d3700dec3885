"""The performance report as HTML (for a browser) and as PDF.

Both come from the same templates under ``bot/templates/reports``; only the
profile differs (px for a browser, pt for the PDF, which :mod:`bot.render.pdf`
draws from the very HTML with ReportLab), as for the SOP sheet
(:mod:`bot.render.sop_sheet`). Every word the reader sees is in the templates;
this module only arranges the report's data into rows and cells and works out
sizes. Plain functions of the report model: a worker process can call them.

The annual report follows the outline of a LKjIP (Bab I-IV); the quarterly
and semester reports are the identity block, the unit tables and the totals.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from markupsafe import Markup

from bot.domain.locale_id import format_date_id, format_datetime_id
from bot.domain.numbers import format_number, format_percent
from bot.domain.periods import PeriodKind
from bot.render.jinja import template_env
from bot.render.pdf import Page, html_to_pdf
from bot.render.profile import BROWSER_WIDTH, PDF_WIDTH, Profile
from bot.reports.model import (
    Column,
    ColumnKind,
    IndicatorRow,
    Letterhead,
    PerformanceReport,
    Signature,
    UnitSection,
)
from bot.reports.provenance import (
    ProvenanceLine,
    provenance_lines,
    row_digests,
    rows_text,
    stamp_of,
)

__all__ = ["render_report_html", "render_report_pdf", "report_context"]

TEMPLATE = "reports/performance.html.j2"

LEADING = 1.25
"""Line height as a multiple of the font size."""

PDF_CHART_HEIGHT = 300.0
"""The tallest the chart may be in the PDF (pt): a page less margins, heading and footer."""


_HTML = Profile(unit="px", total=BROWSER_WIDTH, font_size=10.5, pad=3.0)
_PDF = Profile(unit="pt", total=PDF_WIDTH, font_size=7.0, pad=2.0)


@dataclass(frozen=True)
class HeadCell:
    title: str
    width: float
    align: str
    """CSS class: ``num`` for figures (right), ``no`` for the row number (centre), ``text``."""


@dataclass(frozen=True)
class Cell:
    key: str
    lines: tuple[str, ...]
    """The printed text, one entry per line (kendala of several quarters)."""
    align: str
    missing: bool
    """No value: the cell shows a dash or the reason, set apart in italics."""

    @property
    def css(self) -> str:
        return f"{self.align} missing" if self.missing else self.align

    @property
    def markup(self) -> Markup:
        """The lines escaped and joined by ``<br>`` (kendala of several quarters)."""
        return Markup("<br>").join(self.lines)


@dataclass(frozen=True)
class TableRow:
    row: IndicatorRow
    sasaran: str | None
    """Set on the first row of a new sasaran: a group line goes above it."""
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class UnitTable:
    section: UnitSection
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Comparison:
    """One indicator's capaian this year and last, for Bab III of the annual report."""

    row: IndicatorRow
    previous: Decimal
    current: Decimal | None
    change: Decimal | None


@dataclass(frozen=True)
class ProvenanceGroup:
    """Figures of one unit and period entered by the same person and approved in the
    same decision: one line of the "Asal Data" appendix."""

    period_label: str
    entered_by: str | None
    entered_first: datetime | None
    entered_last: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    lines: tuple[ProvenanceLine, ...]


@dataclass(frozen=True)
class ProvenanceUnit:
    """One unit's table of the "Asal Data" appendix."""

    code: str
    name: str
    groups: tuple[ProvenanceGroup, ...]


@dataclass(frozen=True)
class Chart:
    uri: str
    width: float
    height: float


def report_context(
    report: PerformanceReport, *, chart_png: bytes | None = None, pdf: bool = False
) -> dict[str, object]:
    """Everything the templates need; separate from rendering so tests can look at it."""
    profile = _PDF if pdf else _HTML
    columns = report.columns
    keys = [c.key for c in columns]
    capaian_at = keys.index("capaian") if "capaian" in keys else len(keys) - 1
    digests = row_digests(report)
    lines = provenance_lines(report, digests)
    return {
        "pdf": pdf,
        "u": profile.unit,
        "font_size": profile.font_size,
        "pad": profile.pad,
        "leading": LEADING,
        "total": profile.total,
        "report": report,
        "annual": report.period.kind is PeriodKind.TAHUNAN,
        "draft": not report.final,
        "head": head_cells(columns, profile.total),
        "units": [unit_table(section, columns) for section in report.units],
        "capaian_at": capaian_at,
        "after_capaian": len(columns) - capaian_at - 1,
        "target_column": next((c for c in columns if c.key == "target"), None),
        "below_target": below_target(report.rows),
        "comparisons": comparisons(report.rows),
        "previous_year": report.period.year - 1,
        "chart": chart_image(chart_png, profile) if chart_png else None,
        "provenance": lines,
        "provenance_units": provenance_units(lines),
        "kop": report.kop,
        "kop_logo": logo_uri(report.kop),
        "instansi": report.instansi,
        "closing": closing_signature(report),
        "place_date_of": lambda items: place_date(report, items),
        "fmt_short": format_short,
        "stamp": stamp_of(report),
        "rows_text": rows_text(report, digests),
        "fmt_datetime": format_datetime_id,
        "fmt_date": format_date_id,
        "fmt_number": format_number,
        "fmt_percent": format_percent,
    }


def render_report_html(
    report: PerformanceReport, *, chart_png: bytes | None = None, pdf: bool = False
) -> str:
    """The report as one self-contained HTML page (chart inline as a data URI).

    ``pdf=True`` gives the variant :mod:`bot.render.pdf` draws; see :func:`render_report_pdf`.
    """
    context = report_context(report, chart_png=chart_png, pdf=pdf)
    return template_env().get_template(TEMPLATE).render(context)


def render_report_pdf(report: PerformanceReport, *, chart_png: bytes | None = None) -> bytes:
    """The report as A4 landscape PDF. Blocking (CPU-bound): keep it off the event loop."""
    page = Page(font_size=_PDF.font_size, pad=_PDF.pad)
    return html_to_pdf(render_report_html(report, chart_png=chart_png, pdf=True), page)


def provenance_units(lines: Sequence[ProvenanceLine]) -> tuple[ProvenanceUnit, ...]:
    """The appendix: one table per unit (in the report's order), one line per period,
    person who entered and approval, listing the figures with their short digests."""
    units: dict[str, dict[tuple[object, ...], list[ProvenanceLine]]] = {}
    names: dict[str, str] = {}
    for line in lines:
        p = line.provenance
        key = (line.period_label, p.entered_by, p.approved_by, p.approved_at)
        units.setdefault(line.unit_code, {}).setdefault(key, []).append(line)
        names[line.unit_code] = line.unit_name
    return tuple(
        ProvenanceUnit(code, names[code], tuple(_group(items) for items in groups.values()))
        for code, groups in units.items()
    )


def _group(items: list[ProvenanceLine]) -> ProvenanceGroup:
    first = items[0].provenance
    entered = sorted(i.provenance.entered_at for i in items if i.provenance.entered_at)
    return ProvenanceGroup(
        period_label=items[0].period_label,
        entered_by=first.entered_by,
        entered_first=entered[0] if entered else None,
        entered_last=entered[-1] if entered else None,
        approved_by=first.approved_by,
        approved_at=first.approved_at,
        lines=tuple(items),
    )


def format_short(moment: datetime | None) -> str:
    """``12-10-2026 09.30``: a moment in the appendix, where space is short."""
    if moment is None:
        return "-"
    return f"{moment:%d-%m-%Y} {moment:%H.%M}"


def logo_uri(kop: Letterhead | None) -> str | None:
    """The kop's logo as a data URI (PNG or JPEG, told apart by their first bytes)."""
    if kop is None or not kop.logo:
        return None
    mime = "image/png" if kop.logo.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(kop.logo).decode("ascii")


def place_date(report: PerformanceReport, items: Sequence[Signature]) -> str:
    """ "Jeneponto, 15 Oktober 2026": the kop's place and the date of the last signature
    (the report's date when nobody has signed yet), in the organisation's time zone."""
    dates = [s.signed_at for s in items if s.signed_at is not None]
    when = max(dates) if dates else report.generated_at
    text = format_date_id(when, with_day=False)
    tempat = report.kop.tempat if report.kop else ""
    return f"{tempat}, {text}" if tempat else text


def closing_signature(report: PerformanceReport) -> Signature | None:
    """Who signs the annual LKjIP: the head of office, else the SOP's "Mengetahui";
    ``None`` leaves an empty block for the head to fill in on paper."""
    if report.head is not None:
        return replace(report.head, caption="", signed_at=None)
    for signature in report.signatures:
        if signature.caption == "Mengetahui":
            return replace(signature, caption="", signed_at=None)
    return None


def head_cells(columns: tuple[Column, ...], total: float) -> tuple[HeadCell, ...]:
    """The header of a unit table: titles and widths shared out of ``total`` by character width."""
    chars = sum(c.width for c in columns) or 1
    # Rounded down so the sum never exceeds the page.
    return tuple(
        HeadCell(c.title, int(c.width / chars * total * 10) / 10, _align(c)) for c in columns
    )


def unit_table(section: UnitSection, columns: tuple[Column, ...]) -> UnitTable:
    """The unit's rows as cells, with a group line wherever the sasaran changes."""
    rows = []
    previous: str | None = None
    for row in section.rows:
        sasaran = row.sasaran if row.sasaran and row.sasaran != previous else None
        previous = row.sasaran
        rows.append(TableRow(row, sasaran, tuple(_cell(row, c) for c in columns)))
    return UnitTable(section, tuple(rows))


def below_target(rows: tuple[IndicatorRow, ...]) -> int:
    """How many indicators have a capaian under 100 %."""
    return sum(1 for row in rows if row.capaian is not None and row.capaian < 100)


def comparisons(rows: tuple[IndicatorRow, ...]) -> tuple[Comparison, ...]:
    """The indicators that had a capaian last year, with this year's and the change in points."""
    return tuple(
        Comparison(
            row=row,
            previous=row.capaian_lalu,
            current=row.capaian,
            change=None if row.capaian is None else row.capaian - row.capaian_lalu,
        )
        for row in rows
        if row.capaian_lalu is not None
    )


def chart_image(png: bytes, profile: Profile) -> Chart:
    """The chart as a data URI, sized to the page width and kept within one page's height."""
    pixels_w, pixels_h = png_size(png)
    width = profile.total * 0.95
    height = width * pixels_h / pixels_w
    if profile is _PDF and height > PDF_CHART_HEIGHT:
        # An image does not split across pages: it must fit one.
        width, height = width * PDF_CHART_HEIGHT / height, PDF_CHART_HEIGHT
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return Chart(uri=uri, width=round(width, 1), height=round(height, 1))


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from the PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("grafik bukan berkas PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _align(column: Column) -> str:
    if column.kind is ColumnKind.INTEGER:
        return "no"
    if column.kind in (ColumnKind.NUMBER, ColumnKind.PERCENT):
        return "num"
    return "text"


def _cell(row: IndicatorRow, column: Column) -> Cell:
    figure = column.kind in (ColumnKind.NUMBER, ColumnKind.PERCENT)
    missing = figure and row.value(column.key) is None
    return Cell(column.key, tuple(row.text(column).splitlines()), _align(column), missing)
