"""A report as the files people receive: XLSX, PDF, HTML, or the chart as PNG.

The command line, the bot's ``/laporan`` and the automatic delivery at the end
of a run all go through :func:`produce` and :func:`render_report`, so a report
looks the same wherever it was asked for. Rendering blocks (openpyxl,
ReportLab, matplotlib): plain functions of the report model, so a worker
process can call them. Those libraries are imported by :func:`render_report`,
when a report is made, not when the bot starts (they are most of a bot
process's memory after imports).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.definitions import Catalog
from bot.domain.periods import Period
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.reports.collect import ReportRequest, collect_report
from bot.reports.model import PerformanceReport

Format = Literal["xlsx", "pdf", "html", "png"]
FORMATS: tuple[Format, ...] = ("xlsx", "pdf", "html", "png")
_MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html",
    "png": "image/png",
}


@dataclass(frozen=True)
class ReportFile:
    name: str
    data: bytes
    mime: str


def produce(
    uow_factory: Callable[[], SqlAlchemyUnitOfWork],
    catalog: Catalog,
    *,
    organisation_id: int,
    sop_id: str,
    period: Period,
    unit_code: str | None,
    now: datetime,
) -> PerformanceReport:
    """Read the report of one SOP, period and (optionally) unit; ``sop_id`` may be a prefix.

    Raises ``DefinitionNotFound`` for an unknown SOP and ``ReportError`` for a
    unit the report cannot cover.
    """
    definition = catalog.get(sop_id).definition
    request = ReportRequest(organisation_id, definition.id, period, unit_code)
    with uow_factory() as uow:
        return collect_report(uow, request, definition, now=now)


def render_report(report: PerformanceReport, fmt: Format) -> ReportFile:
    """The report in one format; the PDF and HTML carry the capaian chart."""
    from bot.render.pdf import collector_paused  # ReportLab

    with collector_paused():  # see there: a quarter of a big report's time
        return _render(report, fmt)


def _render(report: PerformanceReport, fmt: Format) -> ReportFile:
    from bot.reports.chart import report_chart  # matplotlib
    from bot.reports.html import render_report_html, render_report_pdf  # ReportLab
    from bot.reports.xlsx import render_xlsx  # openpyxl

    if fmt == "xlsx":
        data = render_xlsx(report)
    elif fmt == "png":
        data = report_chart(report)
    elif fmt == "pdf":
        data = render_report_pdf(report, chart_png=report_chart(report))
    elif fmt == "html":
        data = render_report_html(report, chart_png=report_chart(report)).encode("utf-8")
    else:
        raise ValueError(f"format {fmt!r} tidak dikenal; pilih salah satu: {', '.join(FORMATS)}")
    suffix = "-grafik.png" if fmt == "png" else f".{fmt}"
    return ReportFile(f"{report.file_stem}{suffix}", data, _MIME[fmt])
