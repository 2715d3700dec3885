"""/start: joining with an invite code (deep link), or a greeting for a known member."""

from __future__ import annotations

import asyncio

from telegram import Update, User
from telegram.ext import CommandHandler, ContextTypes

from bot.services.context import Services
from bot.services.members import role_name
from bot.services.onboarding import Joined, OnboardingError, redeem_invite
from bot.telegram.services import services_of
from handlers.common import member_or_refuse, reply


def _redeem(services: Services, code: str, user: User) -> Joined:
    with services.uow_factory() as uow:
        joined = redeem_invite(
            uow, code, telegram_user_id=user.id, display_name=user.full_name, now=services.now()
        )
        uow.commit()
        return joined


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    if user is None:
        return
    if not context.args:
        member = await member_or_refuse(update, context)
        if member is not None:
            await reply(update, "welcome_back", name=member.name)
        return
    services = services_of(context)
    try:
        joined = await asyncio.to_thread(_redeem, services, context.args[0], user)
    except OnboardingError as refused:
        await reply(update, "invite_refused", reason=str(refused))
        return
    await reply(
        update,
        "joined",
        already=joined.already,
        name=joined.person_name,
        role=role_name(services.catalog, joined.role_key),
        unit=joined.unit_name,
        organisation=joined.organisation_name,
    )


HANDLER = CommandHandler("start", start)
