"""The background sweeps pause while the database is out of reach (``bot.services.outage``)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable

from telegram.ext import ContextTypes

from bot.services.outage import is_database_down
from bot.telegram.services import services_of

Job = Callable[[ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def paused_in_outage(job: Job) -> Job:
    """``job``, skipped while the database is out of reach; its own failure for want of
    the database starts an outage instead of a traceback every few seconds."""

    @functools.wraps(job)
    async def guarded(context: ContextTypes.DEFAULT_TYPE) -> None:
        services = services_of(context)
        outage = services.outage
        if outage.active and not await asyncio.to_thread(outage.usable, services.db):
            return
        try:
            await job(context)
        except Exception as error:
            if not is_database_down(error):
                raise
            outage.noticed(error)

    return guarded
