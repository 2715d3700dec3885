"""/status: where this period's runs of the member's organisation stand, and who is late."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.domain.locale_id import format_datetime_id
from bot.engine.status import RunStatus, run_status
from bot.telegram.members import Member
from bot.telegram.services import Services, services_of
from handlers.common import member_or_refuse, reply


def _statuses(services: Services, member: Member) -> list[RunStatus]:
    with services.uow_factory() as uow:
        return run_status(
            uow,
            organisation_id=member.organisation_id,
            period=None,
            unit_id=None,
            now=services.now(),
        )


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is None:
        return
    runs = await asyncio.to_thread(_statuses, services_of(context), member)
    await reply(update, "status", runs=runs, when=format_datetime_id)


HANDLER = CommandHandler("status", status)
