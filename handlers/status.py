"""/status: where this period's runs of the member's organisation stand, and who is late."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.domain.locale_id import format_datetime_id
from bot.engine.status import RunStatus, run_status
from bot.engine.timeliness import RunTimeliness, runs_timeliness
from bot.services.context import Services
from bot.services.members import Member, oversees
from bot.telegram.services import services_of
from handlers.common import member_or_refuse, reply


def _statuses(services: Services, member: Member) -> list[RunStatus]:
    """Every unit for those who oversee; a member's own unit for the others."""
    units = {unit for role, unit in member.roles if not oversees(services.catalog, role)}
    sees_all = any(oversees(services.catalog, role) for role, _ in member.roles)
    with services.uow_factory() as uow:
        if sees_all or not units:
            return run_status(
                uow,
                organisation_id=member.organisation_id,
                period=None,
                unit_id=None,
                now=services.now(),
            )
        found: dict[int, RunStatus] = {}
        for unit in sorted(units):
            for run in run_status(
                uow,
                organisation_id=member.organisation_id,
                period=None,
                unit_id=unit,
                now=services.now(),
            ):
                if run.run_id in found:  # roles in several units: one run, all their work
                    earlier = found[run.run_id]
                    seen = {w.task_id for w in earlier.work}
                    extra = tuple(w for w in run.work if w.task_id not in seen)
                    run = replace(earlier, work=earlier.work + extra)
                found[run.run_id] = run
        return list(found.values())


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is None:
        return
    services = services_of(context)
    runs = await asyncio.to_thread(_statuses, services, member)
    timeliness = await asyncio.to_thread(_timeliness, services, member, runs)
    overseer = any(oversees(services.catalog, role) for role, _ in member.roles)
    await reply(
        update,
        "status",
        runs=runs,
        when=format_datetime_id,
        timeliness=timeliness,
        overseer=overseer,
    )


def _timeliness(
    services: Services, member: Member, runs: list[RunStatus]
) -> dict[int, RunTimeliness]:
    """Completeness and timeliness of each run's period (and, for overseers, the quarters
    before it)."""
    wanted = [(run.run_id, run.sop_id, run.period) for run in runs]
    with services.uow_factory() as uow:
        return runs_timeliness(uow, member.organisation_id, wanted)


HANDLER = CommandHandler("status", status)
