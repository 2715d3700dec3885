"""/daftargrup and /hapusgrup: an admin links the office's Telegram group to the organisation.

Once linked, the group gets a pinned board per SOP and period from the next pass of
the board job (``bot.telegram.board``), a few seconds later.
Only the organisation's admins may link or unlink a group; a group belongs to
one organisation at most.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler, ContextTypes

from bot.engine.access import is_admin
from bot.services.context import Services
from bot.services.members import member_for
from bot.telegram.services import services_of
from handlers.common import reply


def _register(services: Services, chat_id: int, title: str, user_id: int) -> str:
    """``registered``, ``renewed`` (already this organisation's), or why not."""
    member = member_for(services.uow_factory, user_id)
    if member is None:
        return "stranger"
    with services.uow_factory() as uow:
        org = uow.orgs.organisation_by_id(member.organisation_id)
        if org is None or not is_admin(org, member.person_id):
            return "not_admin"
        group = uow.oversight.group(chat_id)
        if group is not None and group.organisation_id != org.id:
            return "other_org"
        if group is None:
            uow.oversight.add_group(org.id, chat_id, title, member.person_id, services.now())
            outcome = "registered"
        else:
            group.active, group.title = True, title
            outcome = "renewed"
        uow.commit()
        return outcome


def _unregister(services: Services, chat_id: int, user_id: int) -> str:
    member = member_for(services.uow_factory, user_id)
    if member is None:
        return "stranger"
    with services.uow_factory() as uow:
        org = uow.orgs.organisation_by_id(member.organisation_id)
        if org is None or not is_admin(org, member.person_id):
            return "not_admin"
        group = uow.oversight.group(chat_id)
        if group is None or not group.active:
            return "not_registered"
        if group.organisation_id != org.id:
            return "other_org"
        group.active = False  # the boards stay in the chat; /daftargrup resumes them
        uow.commit()
        return "removed"


async def daftargrup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if chat.type == ChatType.PRIVATE:
        await reply(update, "group", outcome="private", title="")
        return
    services = services_of(context)
    title = chat.title or ""
    outcome = await asyncio.to_thread(_register, services, chat.id, title, user.id)
    await reply(update, "group", outcome=outcome, title=title)  # the board job posts within seconds


async def hapusgrup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if chat.type == ChatType.PRIVATE:
        await reply(update, "group", outcome="private", title="")
        return
    outcome = await asyncio.to_thread(_unregister, services_of(context), chat.id, user.id)
    await reply(update, "group", outcome=outcome, title=chat.title or "")


HANDLERS = [CommandHandler("daftargrup", daftargrup), CommandHandler("hapusgrup", hapusgrup)]
