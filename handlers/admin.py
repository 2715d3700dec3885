"""issue 19: /admin in a private chat, and the admin menu's buttons. Thin: translate the
update, call one service (``bot.services.admin*``), show its view after the commit.

Someone who is not an admin of their organisation sees none of it: /admin is
answered as an unknown command is (``handlers.fallback``), an admin button as
a button the bot no longer knows.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup
from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.conversation.table import Event
from bot.render.texts import render
from bot.services import admin, admin_runs, admin_upload
from bot.services.context import Services
from bot.services.turn import Outcome
from bot.telegram.admin_callbacks import PATTERN, decode, keyboard
from bot.telegram.calls import service_call
from bot.telegram.outbox import dispatch_pending
from bot.telegram.services import services_of
from handlers import fallback
from handlers.common import refuse, user_id

UNKNOWN_BUTTON = "Tombol ini sudah tidak berlaku."
KEEP_BUTTONS = frozenset({Event.ADMIN_MENU, Event.UPLOAD, Event.REISSUE})
"""Presses that leave the message's buttons (the menu, the not-joined list): the others
belong to one choice; once it is made, the message says what was chosen, without buttons."""

Call = Callable[[Services, int, int, str | None], Outcome]
CALLS: dict[Event, Call] = {
    Event.ADMIN_MENU: lambda s, u, n, _: admin.menu(s, u, n),
    Event.INVITE_UNIT: lambda s, u, n, _: admin.invite_unit(s, u, n),
    Event.INVITE_ROLE: lambda s, u, n, _: admin.invite_role(s, u, n),
    Event.INVITE_PERSON: lambda s, u, n, b: admin.invite_person(s, u, n, bot_username=b),
    Event.REISSUE: lambda s, u, n, b: admin.reissue(s, u, n, bot_username=b),
    Event.UPLOAD: lambda s, u, n, _: admin_upload.ask_file(s, u, n),
    Event.SAVE_UPLOAD: lambda s, u, n, _: admin_upload.save(s, u, n),
    Event.DISCARD_UPLOAD: lambda s, u, n, _: admin_upload.discard(s, u, n),
    Event.RUN_SOP: lambda s, u, n, _: admin_runs.choose_sop(s, u, n),
    Event.RUN_PERIOD: lambda s, u, n, _: admin_runs.choose_period(s, u, n),
    Event.REOPEN_RUN: lambda s, u, n, _: admin_runs.choose_run(s, u, n),
    Event.REOPEN_UNIT: lambda s, u, n, _: admin_runs.choose_unit(s, u, n),
}


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def admin_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_user is None or not _private(update):
        return
    outcome = await service_call(context, admin.menu, user_id(update))
    await show(update, context, outcome)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    decoded = decode(query.data if query else None)
    if query is None or decoded is None or not _private(update):
        if query is not None:
            await query.answer(UNKNOWN_BUTTON, show_alert=True)
        return
    event, number, _ = decoded
    username = context.bot.username
    outcome = await service_call(context, CALLS[event], user_id(update), number, username)
    if outcome.admin is None and outcome.refusal is not None and not outcome.stranger:
        await query.answer()  # an admin, and the engine refused (another writer was first)
        await refuse(update, outcome.refusal)
        return
    if outcome.admin is None or outcome.admin.refused:
        await query.answer(UNKNOWN_BUTTON, show_alert=True)  # not an admin: nothing shown
        return
    await query.answer()
    if event not in KEEP_BUTTONS and outcome.admin.view != "stale":
        await _chosen(query)
    await show(update, context, outcome)


async def _chosen(query: CallbackQuery) -> None:
    """The pressed message keeps its text, says what was chosen and loses its buttons."""
    message = query.message
    label = next(
        (
            b.text
            for row in (
                message.reply_markup.inline_keyboard if message and message.reply_markup else []
            )
            for b in row
            if b.callback_data == query.data
        ),
        None,
    )
    if not isinstance(message, Message) or not message.text or label is None:
        await query.edit_message_reply_markup(None)
        return
    text = render("admin", view="chosen", before=Markup(message.text_html), choice=label)
    await query.edit_message_text(text)  # no reply_markup: the buttons are gone


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome) -> None:
    """The view of an admin update (also for text and files the menu waited for)."""
    message = update.effective_message
    if message is None:
        return
    view = outcome.admin
    if view is None or view.refused:
        if outcome.refusal is not None and view is None and not outcome.stranger:
            await refuse(update, outcome.refusal)
        else:
            await fallback.anything_else(update, context)  # as to an unknown command
        return
    await message.reply_text(
        render("admin", view=view.view, **view.context), reply_markup=keyboard(view.rows)
    )
    if view.view == "invite" and view.context.get("link"):
        await message.reply_text(render("admin", view="invite_link", **view.context))
    if view.document is not None:
        name, content = view.document
        caption = render("admin", view="attachment", name=name)
        await message.reply_document(document=content, filename=name, caption=caption)
    if outcome.notify:
        await dispatch_pending(context.bot, services_of(context))


HANDLERS = [
    CommandHandler("admin", admin_command),
    CallbackQueryHandler(on_button, pattern=PATTERN),
]
