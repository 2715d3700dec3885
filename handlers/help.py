"""/bantuan: what the bot does and the commands it knows."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.telegram.commands import COMMANDS
from handlers.common import member_or_refuse, reply


async def bantuan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await member_or_refuse(update, context) is None:
        return
    await reply(update, "help", commands=COMMANDS)


HANDLER = CommandHandler(["bantuan", "help"], bantuan)
