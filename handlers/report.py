"""/laporan: pick an SOP, a period and a unit with buttons; receive XLSX, PDF and the chart.

Every press is checked again (membership, the units the member may see): the
callback data comes from the client. The last press is answered at once
("sedang disiapkan"); the report is made outside the update (read and
rendered in a worker process, or taken from the cache by its data hash) and
the files follow, so nobody waits behind a long render.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.definitions import DefinitionNotFound
from bot.domain.periods import Period
from bot.render.texts import render
from bot.reports.model import ReportError
from bot.services.context import Services
from bot.services.members import Member
from bot.services.report_menu import ALL_UNITS, Menu, ReportChoice, member_menu
from bot.telegram.callbacks import Action, Callback, pattern
from bot.telegram.calls import service_call
from bot.telegram.keyboards import button
from bot.telegram.report_delivery import prepare_report_files, send_report_files
from bot.telegram.services import services_of
from handlers.common import greeted, pressed, reply, user_id

log = logging.getLogger("sopbot.report")


def _button(text: str, action: Action, number: int, argument: int | None = None) -> list:
    return [button(text[:60], action, number, argument)]


def _period_buttons(index: int, periods: list[Period]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [_button(p.label, Action.REPORT_PERIOD, ReportChoice(index, p).number()) for p in periods]
    )


async def laporan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    member, menu = await service_call(context, member_menu, user_id(update), None)
    if not await greeted(update, context, member) or update.effective_message is None:
        return
    assert menu is not None  # a member has a menu
    if not menu.sops:
        await reply(update, "report_refused", reason="no_sop")
        return
    services.reports.warm()  # the worker process starts while the member picks
    if len(menu.sops) == 1:
        await update.effective_message.reply_text(
            render("report_choose", stage="period", sop_name=menu.sops[0][1], period_label=None),
            reply_markup=_period_buttons(0, menu.periods(0)),
        )
        return
    rows = [
        _button(name, Action.REPORT_SOP, ReportChoice(i).number())
        for i, (_, name) in enumerate(menu.sops)
    ]
    await update.effective_message.reply_text(
        render("report_choose", stage="sop", sop_name=None, period_label=None),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def _press(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[Callback, ReportChoice, Member, Menu] | None:
    """The press decoded and checked against what the member may choose now."""
    callback = await pressed(update)
    if callback is None:
        return None
    choice = ReportChoice.from_number(callback.task_id)
    year = choice.period.year if choice and choice.period else None
    member, menu = await service_call(context, member_menu, user_id(update), year)
    if not await greeted(update, context, member) or member is None or menu is None:
        return None
    if choice is None or choice.sop_index >= len(menu.sops):
        await reply(update, "stale", message="Pilihan ini sudah tidak berlaku; ketik /laporan.")
        return None
    return callback, choice, member, menu


async def sop_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await _press(update, context)
    if found is None or update.callback_query is None:
        return
    _, choice, _, menu = found
    await update.callback_query.edit_message_text(
        render(
            "report_choose",
            stage="period",
            sop_name=menu.sops[choice.sop_index][1],
            period_label=None,
        ),
        reply_markup=_period_buttons(choice.sop_index, menu.periods(choice.sop_index)),
    )


async def period_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await _press(update, context)
    if found is None or update.callback_query is None or found[1].period is None:
        return
    _, choice, _, menu = found
    period = choice.period
    assert period is not None
    if not menu.units:
        await update.callback_query.edit_message_text(
            render("report_refused", reason="no_unit", period_label=period.label)
        )
        return
    number = choice.number()
    rows = [
        _button(f"{u.code} — {u.name}", Action.REPORT_UNIT, number, u.unit_id) for u in menu.units
    ]
    if menu.everything:
        rows.insert(0, _button("Seluruh organisasi (gabungan)", Action.REPORT_UNIT, number, 0))
    await update.callback_query.edit_message_text(
        render(
            "report_choose",
            stage="unit",
            sop_name=menu.sops[choice.sop_index][1],
            period_label=period.label,
            everything=menu.everything,
        ),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def unit_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await _press(update, context)
    query = update.callback_query
    if found is None or query is None or found[1].period is None:
        return
    callback, choice, member, menu = found
    period = choice.period
    assert period is not None
    wanted = callback.argument or ALL_UNITS
    unit = next((u for u in menu.units if u.unit_id == wanted), None)
    if (wanted == ALL_UNITS and not menu.everything) or (wanted != ALL_UNITS and unit is None):
        await reply(update, "report_refused", reason="not_allowed")
        return
    sop_id, sop_name = menu.sops[choice.sop_index]
    scope = f"{unit.code} — {unit.name}" if unit else "Seluruh organisasi (gabungan)"
    sending = {"sop_name": sop_name, "period_label": period.label, "scope": scope}
    status = await query.edit_message_text(render("report_sending", done=False, **sending))
    chat = update.effective_chat
    status_id = status.message_id if isinstance(status, Message) else callback_message_id(query)
    if chat is None or status_id is None:
        return  # no chat to send files to (an inline message): nothing was promised there
    request = Request(member.organisation_id, sop_id, period, unit.code if unit else None)
    # The files follow when they are made; this update (and every other user's) ends now.
    context.application.create_task(
        _make_and_send(context.bot, services_of(context), chat.id, status_id, request, sending),
        update=update,
        name=f"laporan-{chat.id}",
    )


def callback_message_id(query: CallbackQuery) -> int | None:
    return query.message.message_id if query.message is not None else None


@dataclass(frozen=True)
class Request:
    organisation_id: int
    sop_id: str
    period: Period
    unit_code: str | None


async def _make_and_send(
    bot: Bot,
    services: Services,
    chat_id: int,
    status_id: int,
    request: Request,
    sending: dict[str, str],
) -> None:
    """Outside the update: make the files, send them, and say so on the status message.

    A report that cannot be made, or a render that failed, is told to the member
    in a new message (an edit alone would go unnoticed) and on the status message.
    """
    try:
        caption, files = await prepare_report_files(
            services,
            organisation_id=request.organisation_id,
            sop_id=request.sop_id,
            period=request.period,
            unit_code=request.unit_code,
        )
    except (ReportError, DefinitionNotFound) as error:
        await _tell_failure(bot, chat_id, status_id, "error", str(error), sending)
        return
    except Exception:
        log.exception("report %s for chat %s not made", request, chat_id)
        await _tell_failure(bot, chat_id, status_id, "failed", "", sending)
        return
    await send_report_files(bot, chat_id, caption, files)
    await bot.edit_message_text(render("report_sending", done=True, **sending), chat_id, status_id)


async def _tell_failure(
    bot: Bot, chat_id: int, status_id: int, reason: str, message: str, sending: dict[str, str]
) -> None:
    text = render("report_refused", reason=reason, message=message, **sending)
    await bot.send_message(chat_id, text)
    with contextlib.suppress(TelegramError):  # the status message may be gone: the news is sent
        await bot.edit_message_text(text, chat_id, status_id)


HANDLERS = [
    CommandHandler("laporan", laporan),
    CallbackQueryHandler(sop_chosen, pattern=pattern(Action.REPORT_SOP)),
    CallbackQueryHandler(period_chosen, pattern=pattern(Action.REPORT_PERIOD)),
    CallbackQueryHandler(unit_chosen, pattern=pattern(Action.REPORT_UNIT)),
]
