"""/laporan: pick an SOP, a period and a unit with buttons; receive XLSX, PDF and the chart.

Every press is checked again (membership, the units the member may see): the
callback data comes from the client. Building the files blocks, so it runs in
a worker thread.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.definitions import DefinitionNotFound
from bot.domain.periods import Period
from bot.render.texts import render
from bot.reports.collect import ReportError
from bot.services.members import Member
from bot.services.report_menu import ALL_UNITS, Menu, ReportChoice
from bot.services.report_menu import menu as _menu
from bot.telegram.callbacks import Action, Callback, pattern
from bot.telegram.keyboards import button
from bot.telegram.report_delivery import report_files, send_report_files
from bot.telegram.services import services_of
from handlers.common import member_or_refuse, pressed, reply


def _button(text: str, action: Action, number: int, argument: int | None = None) -> list:
    return [button(text[:60], action, number, argument)]


def _period_buttons(index: int, periods: list[Period]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [_button(p.label, Action.REPORT_PERIOD, ReportChoice(index, p).number()) for p in periods]
    )


async def laporan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await member_or_refuse(update, context)
    if member is None or update.effective_message is None:
        return
    menu = await asyncio.to_thread(_menu, services_of(context), member, None)
    if not menu.sops:
        await reply(update, "report_refused", reason="no_sop")
        return
    if len(menu.sops) == 1:
        await update.effective_message.reply_text(
            render("report_choose", stage="period", sop_name=menu.sops[0][1], period_label=None),
            reply_markup=_period_buttons(0, menu.periods),
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
    member = await member_or_refuse(update, context)
    if callback is None or member is None:
        return None
    choice = ReportChoice.from_number(callback.task_id)
    year = choice.period.year if choice and choice.period else None
    menu = await asyncio.to_thread(_menu, services_of(context), member, year)
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
        reply_markup=_period_buttons(choice.sop_index, menu.periods),
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
    await query.edit_message_text(render("report_sending", done=False, **sending))
    services = services_of(context)
    try:
        report, files = await asyncio.to_thread(
            report_files,
            services,
            organisation_id=member.organisation_id,
            sop_id=sop_id,
            period=period,
            unit_code=unit.code if unit else None,
        )
    except (ReportError, DefinitionNotFound) as error:
        await query.edit_message_text(render("report_refused", reason="error", message=str(error)))
        return
    chat = update.effective_chat
    if chat is not None:
        await send_report_files(context.bot, chat.id, report, files)
    await query.edit_message_text(render("report_sending", done=True, **sending))


HANDLERS = [
    CommandHandler("laporan", laporan),
    CallbackQueryHandler(sop_chosen, pattern=pattern(Action.REPORT_SOP)),
    CallbackQueryHandler(period_chosen, pattern=pattern(Action.REPORT_PERIOD)),
    CallbackQueryHandler(unit_chosen, pattern=pattern(Action.REPORT_UNIT)),
]
