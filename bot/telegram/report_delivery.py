"""A report's files in a chat: spreadsheet and PDF as documents, the chart as a photo.

The report is read from the database in a worker thread and its files are made
by ``services.reports`` (rendered in a worker process, or read from the cache
when the data is the same): awaiting :func:`prepare_report_files` keeps the
event loop free, but it takes as long as the render, so callers run it outside
the update (``handlers/report.py``, the outbox).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from telegram import Bot, Message

from bot.domain.periods import Period
from bot.reports.model import PerformanceReport
from bot.telegram.services import Services
from bot.telegram.texts import render

if TYPE_CHECKING:
    from bot.reports.files import ReportFile

SENT_FORMATS = ("xlsx", "pdf", "png")
ReportFiles = tuple[PerformanceReport, list["ReportFile"]]
"""A report and the files made of it, as they are sent in chat."""


def collect(
    services: Services,
    *,
    organisation_id: int,
    sop_id: str,
    period: Period,
    unit_code: str | None,
) -> PerformanceReport:
    """The report read from the database; blocking (call it in a thread)."""
    from bot.reports.files import produce  # the rendering libraries load on the first report

    return produce(
        services.report_reads(),  # on SQLite, no write lock for the length of the read
        services.catalog,
        organisation_id=organisation_id,
        sop_id=sop_id,
        period=period,
        unit_code=unit_code,
        now=services.now(),
    )


async def prepare_report_files(
    services: Services,
    *,
    organisation_id: int,
    sop_id: str,
    period: Period,
    unit_code: str | None,
) -> ReportFiles:
    """The report and its files as sent in chat.

    Raises ``DefinitionNotFound`` and ``ReportError`` for a report that cannot be
    made, and whatever the render raised.
    """
    services.report_reads()  # opened here, in the loop's thread, not by two threads at once
    report = await asyncio.to_thread(
        collect,
        services,
        organisation_id=organisation_id,
        sop_id=sop_id,
        period=period,
        unit_code=unit_code,
    )
    return report, await services.reports.files(report, SENT_FORMATS)


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
