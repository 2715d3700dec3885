"""Delivering outbox events to Telegram, each notice at most once per crash.

Guarantee: every notice planned from a committed event is sent (a failed
send is retried on the next pass), and a notice is repeated only if the
process dies in the window between Telegram accepting it and the log
recording it as sent. Telegram has no idempotency key, so that window cannot
be closed, only kept small: the intent is committed before the send and the
confirmation right after it, with nothing else in between.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.domain.enums import ReminderState
from bot.domain.periods import Period
from bot.persistence.errors import DuplicateKeyError
from bot.persistence.models import ReminderLog
from bot.render.texts import render
from bot.services.context import Services
from bot.services.notifications import Notice, plan_notices
from bot.services.reachability import mark_unreachable, unreachable_reason
from bot.telegram.keyboards import open_task
from bot.telegram.report_delivery import ReportFiles, report_files, send_report_files

log = logging.getLogger("sopbot.outbox")
OPENS_TASK = (
    "task_assigned",
    "task_overdue",
    "reminder_before_due",
    "reminder_due",
    "reminder_overdue",
)
"""Notices whose button opens the task (the holder's own reminders; not an escalation)."""


async def dispatch_pending(bot: Bot, services: Services, *, limit: int = 50) -> int:
    """Send what the outbox holds; returns the number of messages sent.

    One pass at a time per process: a second pass must not take a notice that
    the first has claimed and is sending for one a crash left behind.
    """
    if not services.leader:
        return 0  # the leading process delivers it within OUTBOX_INTERVAL
    async with services.dispatch_lock:
        return await _dispatch(bot, services, limit)


async def _dispatch(bot: Bot, services: Services, limit: int) -> int:
    sent = 0
    for event_id, notices in await asyncio.to_thread(_pending, services, limit):
        count, delivered = await send_notices(bot, services, notices)
        sent += count
        if delivered:
            await asyncio.to_thread(_mark_dispatched, services, event_id)
    return sent


async def send_notices(bot: Bot, services: Services, notices: list[Notice]) -> tuple[int, bool]:
    """Send each notice not sent before; returns (how many sent, whether none must be retried)."""
    sent, delivered = 0, True
    reports: dict[tuple[int, str, str], ReportFiles] = {}  # made once, sent to each recipient
    for notice in notices:
        if not await asyncio.to_thread(_claim, services, notice):
            continue  # already sent in an earlier pass
        try:
            message = await (
                _send_report(bot, services, notice, reports)
                if notice.report
                else _send_text(bot, notice)
            )
        except (Forbidden, BadRequest) as refused:
            await asyncio.to_thread(_record_failure, services, notice, str(refused))
            continue
        except TelegramError as error:  # network, 5xx, rate limit beyond retries
            log.warning("notice %s not sent yet: %s", notice.key, error)
            delivered = False
            continue
        await asyncio.to_thread(_confirm, services, notice.key, message.message_id)
        sent += 1
    return sent, delivered


async def _send_text(bot: Bot, notice: Notice) -> Message:
    return await bot.send_message(
        notice.chat_id, render(notice.template, e=notice.context), reply_markup=_buttons(notice)
    )


async def _send_report(
    bot: Bot,
    services: Services,
    notice: Notice,
    reports: dict[tuple[int, str, str], ReportFiles],
) -> Message:
    """The completed run's consolidated report; the log keeps the first message's id.

    Rendering (the PDF above all) is the slow part, so the files are made once per
    organisation, SOP and period in a pass and sent to every recipient.
    """
    payload = notice.context
    key = (int(payload["organisation_id"]), str(payload["sop_id"]), str(payload["period"]))
    if key not in reports:
        reports[key] = await asyncio.to_thread(
            report_files,
            services,
            organisation_id=key[0],
            sop_id=key[1],
            period=Period.parse(key[2]),
            unit_code=None,
        )
    report, files = reports[key]
    sent = await send_report_files(bot, notice.chat_id, report, files)
    return sent[0]


def _buttons(notice: Notice) -> InlineKeyboardMarkup | None:
    """A notice about a task opens that task; a reminder and a return open the same card."""
    opens_task = notice.kind in OPENS_TASK
    return open_task(notice.task_id) if opens_task and notice.task_id else None


def _pending(services: Services, limit: int) -> list[tuple[int, list[Notice]]]:
    with services.uow_factory() as uow:
        return [
            (event.id, plan_notices(uow, services.catalog, event))
            for event in uow.audit.pending_events(limit)
        ]


def _claim(services: Services, notice: Notice) -> bool:
    """Commit the intent to send; False if this notice was already sent or given up."""
    with services.uow_factory() as uow:
        existing = uow.audit.reminder(notice.key)
        if existing is not None:
            return existing.state is ReminderState.INTENDED  # a crash left it: send again
        try:
            uow.audit.add_reminder(
                ReminderLog(
                    key=notice.key,
                    run_id=notice.run_id,
                    task_id=notice.task_id,
                    kind=notice.kind,
                    recipient_id=notice.person_id,
                    slot=notice.slot,
                    state=ReminderState.INTENDED,
                    intended_at=services.now(),
                )
            )
        except DuplicateKeyError:
            return False  # another process claimed it first
        uow.commit()
        return True


def _confirm(services: Services, key: str, message_id: int) -> None:
    with services.uow_factory() as uow:
        row = uow.audit.reminder(key)
        if row is not None:
            row.state = ReminderState.SENT
            row.sent_at = services.now()
            row.telegram_message_id = message_id
            uow.commit()


def _record_failure(services: Services, notice: Notice, error: str) -> None:
    """Telegram refused for good: record it, and stop writing to a chat that is gone."""
    with services.uow_factory() as uow:
        row = uow.audit.reminder(notice.key)
        if row is not None:
            row.state = ReminderState.FAILED
            row.error = error
        reason = unreachable_reason(error)
        if reason is not None:  # once per transition: the admins and superiors are told
            mark_unreachable(
                uow, services.catalog, notice.person_id, reason=reason, now=services.now()
            )
        uow.commit()


def _mark_dispatched(services: Services, event_id: int) -> None:
    with services.uow_factory() as uow:
        event = uow.audit.outbox_event(event_id)
        if event is not None and event.dispatched_at is None:
            event.dispatched_at = services.now()
            event.attempts += 1
            uow.commit()
