"""In ``sopbot run``: take the lead when free, then run the scheduler and the sweeps.

Every ``ELECTION_INTERVAL`` seconds each process asks for the PostgreSQL
advisory lock (``bot.scheduling.leader``). The holder starts APScheduler with
the trigger jobs and sends the outbox and the reminders; the others only answer
their users. If the leader dies, another takes over within the interval.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application, ContextTypes

from bot.scheduling.leader import Leadership
from bot.scheduling.scheduler import build_scheduler, sync_trigger_jobs
from bot.settings import Settings
from bot.telegram.services import services_of

log = logging.getLogger("sopbot.leadership")


async def leadership_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    services = services_of(context)
    leadership: Leadership = application.bot_data["leadership"]
    leads = await asyncio.to_thread(leadership.acquire)
    scheduler = application.bot_data.get("scheduler")
    if leads and scheduler is None:
        scheduler = build_scheduler(services)
        scheduler.start()
        count = await asyncio.to_thread(sync_trigger_jobs, scheduler, services)
        application.bot_data["scheduler"] = scheduler
        log.info("scheduler started with %d trigger job(s)", count)
    elif not leads and scheduler is not None:
        scheduler.shutdown(wait=False)
        application.bot_data.pop("scheduler", None)
        log.warning("lost the lead; the scheduler stopped")
    services.leader = leads


def prepare(application: Application, settings: Settings) -> None:
    """Start as a follower; the first election runs at once."""
    application.bot_data["leadership"] = Leadership(settings.database_url)


async def stop(application: Application) -> None:
    scheduler = application.bot_data.pop("scheduler", None)
    if scheduler is not None:
        scheduler.shutdown(wait=False)
    leadership = application.bot_data.pop("leadership", None)
    if isinstance(leadership, Leadership):
        await asyncio.to_thread(leadership.release)
