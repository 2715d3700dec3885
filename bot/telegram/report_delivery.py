"""A report's files in a chat: spreadsheet and PDF as documents, the chart as a photo.

The report is read and its files are made by ``services.reports`` in a worker
process (or taken from the cache when the data is the same): awaiting
:func:`prepare_report_files` keeps the bot free, but it takes as long as the
render, so callers run it outside the update (``handlers/report.py``, the
outbox).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from telegram import Bot, Message

from bot.domain.periods import Period
from bot.reports.model import PerformanceReport, ReportError
from bot.reports.worker import Collect
from bot.services.context import Services
from bot.telegram.report_caption import report_caption

if TYPE_CHECKING:
    from bot.reports.files import ReportFile

SENT_FORMATS = ("xlsx", "pdf", "png")
ReportFiles = tuple[str, list["ReportFile"]]
"""A report's caption and files, as they are sent in chat."""


def shared_database_url(services: Services) -> str | None:
    """The database as another process can open it; None for an in-memory SQLite."""
    if services.db is None:
        return None
    url = services.db.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


def collect(
    services: Services,
    *,
    organisation_id: int,
    sop_id: str,
    period: Period,
    unit_code: str | None,
) -> PerformanceReport:
    """The report read in this process; blocking (call it in a thread)."""
    from bot.reports.files import produce  # the rendering libraries load with it

    return produce(
        services.uow_factory,
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
    """The report's caption and files as sent in chat.

    Read and rendered in the worker process, so that neither the read (a
    second or more of Python for 2,000 rows) nor the render slows the other
    users. Raises ``ReportError`` (also for an unknown SOP) for a report that
    cannot be made as asked, and whatever the worker raised.
    """
    url = shared_database_url(services)
    if url is None:  # a database only this process sees: read it here, render there
        report = await asyncio.to_thread(
            collect,
            services,
            organisation_id=organisation_id,
            sop_id=sop_id,
            period=period,
            unit_code=unit_code,
        )
        return report_caption(report), await services.reports.files(report, SENT_FORMATS)
    job = Collect(url, services.catalog, organisation_id, sop_id, period, unit_code, services.now())
    made = await services.reports.made(job, SENT_FORMATS, report_caption)
    if made.refused is not None:
        raise ReportError(made.refused)
    return made.caption, made.files


async def send_report_files(
    bot: Bot, chat_id: int, caption: str, files: list[ReportFile]
) -> list[Message]:
    """One message per file, each with the caption (period, mean capaian, status)."""
    sent = []
    for made in files:
        if made.mime == "image/png":
            sent.append(await bot.send_photo(chat_id, made.data, caption=caption))
        else:
            sent.append(
                await bot.send_document(chat_id, made.data, filename=made.name, caption=caption)
            )
    return sent
