"""/bantuan: what the bot does and the commands it knows."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.services.admin import administers
from bot.telegram.calls import service_call
from bot.telegram.commands import COMMANDS
from handlers.common import member_or_refuse, reply


async def bantuan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is None:
        return
    admin = await service_call(context, administers, member.person_id)
    await reply(update, "help", commands=COMMANDS, admin=admin)


HANDLER = CommandHandler(["bantuan", "help"], bantuan)
