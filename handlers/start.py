"""/start: joining with an invite code (deep link), or a greeting for a known member."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.services.onboarding import OnboardingError, join
from bot.telegram.calls import service_call
from handlers.common import member_or_refuse, reply


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    if user is None:
        return
    if not context.args:
        member = await member_or_refuse(update, context)
        if member is not None:
            await reply(update, "welcome_back", name=member.name)
        return
    try:
        joined, role = await service_call(
            context,
            join,
            context.args[0],
            telegram_user_id=user.id,
            display_name=user.full_name,
        )
    except OnboardingError as refused:
        await reply(update, "invite_refused", reason=str(refused))
        return
    await reply(
        update,
        "joined",
        already=joined.already,
        name=joined.person_name,
        role=role,
        unit=joined.unit_name,
        organisation=joined.organisation_name,
    )


HANDLER = CommandHandler("start", start)
