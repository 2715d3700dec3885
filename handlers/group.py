"""/daftargrup and /hapusgrup: an admin links the office's Telegram group to the organisation.

Once linked, the group gets a pinned board per SOP and period from the next pass of
the board job (``bot.telegram.board``), a few seconds later. Who may link or
unlink a group is decided by ``bot.services.groups`` (the organisation's admins;
a group belongs to one organisation at most).
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler, ContextTypes

from bot.services import groups
from bot.telegram.calls import service_call
from handlers.common import reply


async def daftargrup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if chat.type == ChatType.PRIVATE:
        await reply(update, "group", outcome="private", title="")
        return
    title = chat.title or ""
    outcome = await service_call(context, groups.register, chat.id, title, user.id)
    await reply(update, "group", outcome=outcome, title=title)  # the board job posts within seconds


async def hapusgrup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if chat.type == ChatType.PRIVATE:
        await reply(update, "group", outcome="private", title="")
        return
    outcome = await service_call(context, groups.unregister, chat.id, user.id)
    await reply(update, "group", outcome=outcome, title=chat.title or "")


HANDLERS = [CommandHandler("daftargrup", daftargrup), CommandHandler("hapusgrup", hapusgrup)]
