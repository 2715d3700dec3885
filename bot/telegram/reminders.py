"""The reminder sweep: every minute, send the reminders that are due and not yet sent.

Restart-safe by construction: what to send is recomputed from the open tasks
and the policy each time, and the reminder log's keys stop any repeat (see
``bot.telegram.outbox`` for the one window a crash can still repeat a message).
"""

from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.ext import ContextTypes

from bot.services.context import Services
from bot.services.notifications import Notice
from bot.services.reminding import plan_all_reminders
from bot.telegram.outbox import dispatch_pending, send_notices
from bot.telegram.services import services_of


def _plan(services: Services) -> list[Notice]:
    return plan_all_reminders(services.uow_factory, services.catalog, services.now())


def _check_deadlines(services: Services) -> int:
    return services.engine.check_deadlines(now=services.now())


async def send_due_reminders(bot: Bot, services: Services) -> int:
    """Deadlines first (joins still missing units), then the reminders; returns messages sent."""
    if not services.leader:
        return 0
    await asyncio.to_thread(_check_deadlines, services)
    sent = await dispatch_pending(bot, services)
    async with services.dispatch_lock:
        notices = await asyncio.to_thread(_plan, services)
        delivery = await send_notices(bot, services, notices)
    return sent + delivery.sent


async def reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_due_reminders(context.bot, services_of(context))
