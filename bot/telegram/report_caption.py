"""The caption sent with a report's files; made where the report is (the worker process)."""

from __future__ import annotations

from bot.render.texts import render
from bot.reports.model import PerformanceReport


def report_caption(report: PerformanceReport) -> str:
    """The period, the mean capaian and the status, from ``report_caption.html.j2``."""
    return render("report_caption", report=report)
