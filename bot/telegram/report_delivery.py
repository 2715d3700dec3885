"""A report's files in a chat: spreadsheet and PDF as documents, the chart as a photo."""

from __future__ import annotations

from telegram import Bot, Message

from bot.domain.periods import Period
from bot.render.texts import render
from bot.reports.files import ReportFile, produce, render_report
from bot.reports.model import PerformanceReport
from bot.services.context import Services

SENT_FORMATS = ("xlsx", "pdf", "png")
ReportFiles = tuple[PerformanceReport, list[ReportFile]]
"""A report and the files made of it, as they are sent in chat."""


def report_files(
    services: Services,
    *,
    organisation_id: int,
    sop_id: str,
    period: Period,
    unit_code: str | None,
) -> ReportFiles:
    """The report and its files as sent in chat; blocking (call it in a thread)."""
    report = produce(
        services.uow_factory,
        services.catalog,
        organisation_id=organisation_id,
        sop_id=sop_id,
        period=period,
        unit_code=unit_code,
        now=services.now(),
    )
    return report, [render_report(report, fmt) for fmt in SENT_FORMATS]


async def send_report_files(
    bot: Bot, chat_id: int, report: PerformanceReport, files: list[ReportFile]
) -> list[Message]:
    """One message per file, each captioned with the period, the mean capaian and the status."""
    caption = render("report_caption", report=report)
    sent = []
    for made in files:
        if made.mime == "image/png":
            sent.append(await bot.send_photo(chat_id, made.data, caption=caption))
        else:
            sent.append(
                await bot.send_document(chat_id, made.data, filename=made.name, caption=caption)
            )
    return sent
