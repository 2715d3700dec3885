"""/bantuan: what the bot does and the commands it knows."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.services.admin import administers
from bot.telegram.calls import service_call
from bot.telegram.commands import COMMANDS
from bot.telegram.services import services_of
from handlers.common import member_or_refuse, reply


async def bantuan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is None:
        return
    services = services_of(context)
    admin = await service_call(context, administers, services, member.person_id)
    await reply(update, "help", commands=COMMANDS, admin=admin)


HANDLER = CommandHandler(["bantuan", "help"], bantuan)
