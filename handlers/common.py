"""Small pieces every handler uses: who is asking, and replying from a template."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.engine import EngineError, TaskEnded
from bot.render.texts import render
from bot.services.members import Member, member
from bot.services.reachability import restore
from bot.telegram.callbacks import Callback, decode
from bot.telegram.calls import service_call
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import services_of


async def reply(update: Update, template: str, /, **context: Any) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(render(template, **context))


async def member_or_refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Member | None:
    """The member writing, or None after telling an unknown user to ask for an invite."""
    user = update.effective_user
    if user is None:
        return None
    found = await service_call(context, member, user.id)
    if found is None:
        await reply(update, "not_registered")
    elif not found.reachable:
        await _back_in_touch(update, context, found)
    return found


async def _back_in_touch(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: Member
) -> None:
    """Someone marked unreachable wrote to the bot: their chat works again, and whoever was
    told of the gap hears of it once (``bot.services.reachability``)."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return  # a group message says nothing of their private chat with the bot
    services = services_of(context)
    if await service_call(context, restore, member.person_id):
        await dispatch_pending(context.bot, services)


async def greeted(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: Member | None
) -> bool:
    """After a service call: False (and the invite hint) for a stranger; a member marked
    unreachable who writes again is reachable again."""
    if member is None:
        await reply(update, "not_registered")
        return False
    if not member.reachable:
        await _back_in_touch(update, context, member)
    return True


def user_id(update: Update) -> int:
    return update.effective_user.id if update.effective_user else 0


_ANSWERED: set[str] = set()
"""Ids of presses a task button's handler has answered itself (``button`` answers the rest)."""

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


async def pressed(update: Update, *, answer_now: bool = True) -> Callback | None:
    """Decode the button press; answer it at once (Telegram shows a spinner until then)
    unless ``answer_now`` is False: a task button (``button``) is answered right after
    its service call, so that a stale one gets its toast.

    Data this bot did not make, or no longer understands, gets a short answer
    and nothing else happens.
    """
    query = update.callback_query
    if query is None:
        return None
    callback = decode(query.data)
    if callback is None:
        if not answer_now:
            _ANSWERED.add(query.id)  # for ``button``, which forgets it afterwards
        await query.answer("Tombol ini sudah tidak berlaku.", show_alert=True)
        return None
    if answer_now:
        await query.answer()
    return callback


def button(handler: Handler) -> Handler:
    """A task button's handler; its press is answered exactly once, whatever happens."""

    @functools.wraps(handler)
    async def answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        try:
            await handler(update, context)
        finally:
            if query is not None and query.id not in _ANSWERED:
                with contextlib.suppress(TelegramError):
                    await query.answer()
            if query is not None:
                _ANSWERED.discard(query.id)

    return answered


async def refuse(update: Update, error: EngineError) -> None:
    """An engine refusal as a short reply ("sudah diproses", "bukan tugas Bapak/Ibu", ...).

    A button of a task that has ended is stale: the press gets the refusal as a toast
    and the message loses its buttons; nothing is asked and nothing is sent.
    """
    query = update.callback_query
    if query is not None and isinstance(error, TaskEnded) and query.id not in _ANSWERED:
        _ANSWERED.add(query.id)
        await query.answer(str(error))
        with contextlib.suppress(TelegramError):  # already without buttons
            await query.edit_message_reply_markup(None)
        return
    await reply(update, "stale", message=str(error))
