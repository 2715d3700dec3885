"""Delivering outbox events to Telegram, each notice at most once per crash.

Guarantee: every notice planned from a committed event is sent (a failed
send is retried on the next pass), and a notice is repeated only if the
process dies in the window between Telegram accepting it and the log
recording it as sent. Telegram has no idempotency key, so that window cannot
be closed, only kept small: the intent is committed before the send and the
confirmation right after it, with nothing else in between.

An event costs two transactions: its notices are planned and their intents
committed together (an intent a crash leaves is sent on the next pass), and
the last confirmation marks the event dispatched. Where the handlers' service calls
run on the event loop's thread (``Services.blocking``: SQLite, or one update at a
time), so do they.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.domain.enums import ReminderState
from bot.domain.periods import Period
from bot.persistence.errors import DuplicateKeyError
from bot.persistence.models import ReminderLog
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.render.texts import render
from bot.services.context import Services
from bot.services.notifications import Notice, plan_notices
from bot.services.reachability import mark_unreachable, unreachable_reason
from bot.telegram.keyboards import open_task
from bot.telegram.report_delivery import ReportFiles, prepare_report_files, send_report_files

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
    for event in await services.blocking(_pending, services, limit):
        delivery = await send_notices(
            bot, services, event.notices, claimed=event.claimed, event_id=event.id
        )
        sent += delivery.sent
        if delivery.delivered and not delivery.marked:
            await services.blocking(_mark_dispatched, services, event.id)
    return sent


@dataclass(frozen=True)
class Delivery:
    """What one pass over some notices did."""

    sent: int
    delivered: bool
    """No notice must be retried."""
    marked: bool = False
    """The event was marked dispatched with the last confirmation."""


async def send_notices(
    bot: Bot,
    services: Services,
    notices: list[Notice],
    *,
    claimed: frozenset[str] = frozenset(),
    event_id: int | None = None,
) -> Delivery:
    """Send each notice not sent before.

    ``claimed``: keys whose intent the caller has committed already (an event's notices
    are claimed in the transaction that planned them). ``event_id``: the event the
    notices come from; when every notice went out, the last confirmation marks it
    dispatched in the same transaction.

    A completed run's report is made outside the pass (:func:`_report_for`): until
    its files are ready its notices wait, claimed, and the event stays pending;
    the pass that follows the render sends them.
    """
    sent, delivered, marked = 0, True, False
    read: set[ReportKey] = set()  # reports whose files this pass sent (or failed to make)
    for n, notice in enumerate(notices, 1):
        job = services.report_jobs.get(_report_key(notice)) if notice.report else None
        if job is not None and not job.done():
            delivered = False  # still being made: nothing to claim or send yet
            continue
        if notice.key not in claimed and not await services.blocking(_claim, services, notice):
            continue  # already sent in an earlier pass
        try:
            if notice.report:
                read.add(_report_key(notice))
                message = await _send_report(bot, services, notice)
                if message is None:
                    delivered = False
                    continue
            else:
                message = await _send_text(bot, notice)
        except (Forbidden, BadRequest) as refused:
            await services.blocking(_record_failure, services, notice, str(refused))
            continue
        except TelegramError as error:  # network, 5xx, rate limit beyond retries
            log.warning("notice %s not sent yet: %s", notice.key, error)
            delivered = False
            continue
        closes = event_id if delivered and n == len(notices) else None
        await services.blocking(_confirm, services, notice.key, message.message_id, closes)
        marked = closes is not None
        sent += 1
    for key in read:  # made once for every recipient of this pass; a retry asks the cache
        job = services.report_jobs.get(key)
        if job is not None and job.done():
            del services.report_jobs[key]
    return Delivery(sent, delivered, marked)


async def _send_text(bot: Bot, notice: Notice) -> Message:
    return await bot.send_message(
        notice.chat_id, render(notice.template, e=notice.context), reply_markup=_buttons(notice)
    )


ReportKey = tuple[int, str, str]
"""(organisation id, SOP id, period): one consolidated report, whoever receives it."""


def _report_key(notice: Notice) -> ReportKey:
    payload = notice.context
    return (int(payload["organisation_id"]), str(payload["sop_id"]), str(payload["period"]))


async def _send_report(bot: Bot, services: Services, notice: Notice) -> Message | None:
    """The completed run's consolidated report; the log keeps the first message's id.

    None while the files are being made. The report is made once per
    organisation, SOP and period and sent to every recipient; a report that
    could not be made is told to each recipient instead of the files.
    """
    outcome = _report_for(bot, services, _report_key(notice))
    if outcome is None:
        return None
    if isinstance(outcome, BaseException):
        e = notice.context
        text = render("report_refused", reason="failed", **_labels(e))
        return await bot.send_message(notice.chat_id, text)
    caption, files = outcome
    sent = await send_report_files(bot, notice.chat_id, caption, files)
    return sent[0]


def _labels(e: dict[str, object]) -> dict[str, object]:
    return {"period_label": e.get("period_label"), "sop_name": e.get("sop_name")}


def _report_for(bot: Bot, services: Services, key: ReportKey) -> ReportFiles | BaseException | None:
    """The files of ``key``'s report, its error, or None after starting to make it.

    The job runs outside the outbox pass (and outside the update that triggered
    the pass); when it ends, another pass is started to send what it made. A
    finished job is forgotten once read, so a later pass (a retry after a
    network error) asks again and gets the files from the cache.
    """
    job = services.report_jobs.get(key)
    if job is None:
        job = asyncio.get_running_loop().create_task(_make_report(services, key))
        services.report_jobs[key] = job
        job.add_done_callback(functools.partial(_made, bot, services))
        return None
    if not job.done() or job.cancelled():
        return None
    return job.exception() or job.result()


def _made(bot: Bot, services: Services, job: asyncio.Task[ReportFiles]) -> None:
    if not job.cancelled():  # cancelled: the services are closing
        job.exception()  # read here too, so asyncio does not call it unretrieved
        _start_pass(bot, services)


async def _make_report(services: Services, key: ReportKey) -> ReportFiles:
    try:
        return await prepare_report_files(
            services,
            organisation_id=key[0],
            sop_id=key[1],
            period=Period.parse(key[2]),
            unit_code=None,
        )
    except Exception:
        log.exception("the completion report %s was not made", key)
        raise


def _start_pass(bot: Bot, services: Services) -> None:
    """An outbox pass now, held by the services until it ends."""
    try:
        task = asyncio.get_running_loop().create_task(dispatch_pending(bot, services))
    except RuntimeError:  # the loop is closing: the next start's pass sends it
        return
    services.background.add(task)
    task.add_done_callback(functools.partial(_finished, services))


def _finished(services: Services, task: asyncio.Task[int]) -> None:
    services.background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("outbox pass failed", exc_info=task.exception())


def _buttons(notice: Notice) -> InlineKeyboardMarkup | None:
    """A notice about a task opens that task; a reminder and a return open the same card."""
    opens_task = notice.kind in OPENS_TASK
    return open_task(notice.task_id) if opens_task and notice.task_id else None


@dataclass(frozen=True)
class PendingEvent:
    """An outbox event's notices, planned and (but for reports) claimed in one transaction."""

    id: int
    notices: list[Notice]
    claimed: frozenset[str]


def _pending(services: Services, limit: int) -> list[PendingEvent]:
    """The pending events' notices, their intents committed in the same transaction (a
    notice already sent or given up is left out); an event with nothing to send is marked
    dispatched there too. A report's notice is claimed when its files are ready."""
    found: list[PendingEvent] = []
    with services.uow_factory() as uow:
        for event in uow.audit.pending_events(limit):
            notices: list[Notice] = []
            for notice in plan_notices(uow, services.catalog, event):
                if notice.report or _claimed(uow, services, notice):
                    notices.append(notice)
            if notices:
                claimed = frozenset(n.key for n in notices if not n.report)
                found.append(PendingEvent(event.id, notices, claimed))
            else:
                uow.audit.mark_dispatched(event.id, services.now())
        uow.commit()
    return found


def _claim(services: Services, notice: Notice) -> bool:
    """Commit the intent to send; False if this notice was already sent or given up."""
    with services.uow_factory() as uow:
        if _claimed(uow, services, notice):
            uow.commit()
            return True
        return False


def _claimed(uow: SqlAlchemyUnitOfWork, services: Services, notice: Notice) -> bool:
    """Record the intent to send (committed by the caller); False if this notice was
    already sent or given up, or another process claimed it first."""
    state = uow.audit.reminder_state(notice.key)
    if state is not None:
        return state is ReminderState.INTENDED  # a crash left it: send again
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
        return False
    return True


def _confirm(services: Services, key: str, message_id: int, event_id: int | None = None) -> None:
    """The notice went out; ``event_id``: and so did the rest of its event's."""
    with services.uow_factory() as uow:
        uow.audit.reminder_sent(key, message_id, services.now())
        if event_id is not None:
            uow.audit.mark_dispatched(event_id, services.now())
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
        uow.audit.mark_dispatched(event_id, services.now())
        uow.commit()
