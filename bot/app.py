"""The one composition root: settings in, a ready python-telegram-bot Application out.

Nothing is opened at import. Services (database, definitions, engine) open in
``post_init`` and close in ``post_shutdown``; tests and the demo pass their own
already-open services (with their own clock) instead.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import BotCommand
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults

from bot.persistence.db import is_sqlite
from bot.services.context import Services, open_services
from bot.settings import Settings
from bot.telegram import leadership
from bot.telegram.board import BOARD_INTERVAL, board_job
from bot.telegram.commands import COMMANDS
from bot.telegram.concurrency import PerChatUpdateProcessor
from bot.telegram.http_client import bot_request
from bot.telegram.outage import paused_in_outage
from bot.telegram.outbox import dispatch_pending
from bot.telegram.reminders import reminder_job
from bot.telegram.services import services_of
from bot.telegram.tolerant_bot import TolerantBot

log = logging.getLogger("sopbot")


REMINDER_INTERVAL = 60.0
"""Seconds between reminder sweeps; a reminder is at most this late."""
OUTBOX_INTERVAL = 2.0
"""Seconds between outbox passes; handlers also trigger one right after a change."""


async def _dispatch_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    await dispatch_pending(context.bot, services_of(context))


def _rate_limiter() -> AIORateLimiter:
    """Telegram's limits, spaced evenly: about 29 messages a second overall, 20 a minute per group.

    A leaky bucket of 30 per second lets a burst of 30 through at once and then
    30 a second more, which a strict per-second window answers with 429; one
    message per 1/29 s never exceeds it. 429s that still come (another process,
    a restart) are retried after their ``retry_after``.
    """
    return AIORateLimiter(
        overall_max_rate=1,
        overall_time_period=1 / 29,
        group_max_rate=1,
        group_time_period=3,
        max_retries=3,
    )


CONCURRENT_UPDATES = {"sqlite": 4, "postgresql": 4}
"""Updates at once when SOPBOT_CONCURRENT_UPDATES is unset, per backend, from
bench/throughput.py (2 cores). PostgreSQL: 4 answered about 1.3x the updates/s of 1
while 1 still hopped to a worker thread (8 and 16 no better than 1); with 1 on the loop's
thread both answer as many, and 4 is kept so that one slow transaction does not hold every
chat. SQLite, its calls on the loop's thread (``runs_calls_inline``): 4 answered 0.70-0.76
of the anchor's updates/s in seven runs against 0.54-0.63 for 1 (2, 3, 6 and 8 between
0.58 and 0.75, less steady): one update's Bot API round trips overlap another's work. With
the calls in worker threads instead, no setting gained, and at 8 a transaction waited past
the 5 s busy_timeout for the write lock another update of the bot held."""


def runs_calls_inline(settings: Settings, limit: int) -> bool:
    """Whether service calls (a transaction each) run on the event loop's thread.

    On SQLite always: the transaction is this process's own CPU work, which a worker
    thread would not overlap with anything (the GIL), and on the loop's thread no two of
    the bot's transactions interleave, so none waits for the write lock another of its
    updates holds. On PostgreSQL only with one update at a time: otherwise a call waiting
    for the server would hold back the other updates."""
    return limit == 1 or is_sqlite(settings.database_url)


def concurrent_updates(settings: Settings) -> int:
    """SOPBOT_CONCURRENT_UPDATES, else the measured default for the database's backend."""
    if settings.concurrent_updates is not None:
        return settings.concurrent_updates
    return CONCURRENT_UPDATES["sqlite" if is_sqlite(settings.database_url) else "postgresql"]


class NoToken(RuntimeError):
    """``sopbot run`` needs TELEGRAM_BOT_TOKEN (``sopbot simulate`` does not)."""


def register_handlers(application: Application) -> None:
    """Every handler, in the order PTB must try them (first match wins within a group)."""
    from handlers import (
        admin,
        bulk,  # issue 16: many figures at once, the Excel sheet
        cancel,
        errors,
        fallback,
        help,
        messages,
        question,
        report,
        review,
        start,
        status,
        task_card,
        tasks,
    )
    from handlers import group as group_chat  # /daftargrup, /hapusgrup
    from handlers import input as input_conversation  # a name that keeps the builtin

    application.add_handler(start.HANDLER)  # /start <invite>: the only thing strangers may do
    application.add_handler(tasks.HANDLER)  # /tugas
    application.add_handler(status.HANDLER)  # /status
    application.add_handlers(report.HANDLERS)  # /laporan and its buttons: period, unit
    application.add_handler(help.HANDLER)  # /bantuan
    application.add_handler(cancel.HANDLER)  # /batal
    application.add_handlers(group_chat.HANDLERS)  # /daftargrup, /hapusgrup: in the group
    application.add_handlers(task_card.HANDLERS)  # buttons: open a task, finish a plain task
    application.add_handlers(review.HANDLERS)  # buttons: Setujui, Kembalikan, tick indicators
    application.add_handlers(question.HANDLERS)  # buttons: YA / TIDAK of a question step
    application.add_handlers(input_conversation.HANDLERS)  # buttons of the guided input
    application.add_handlers(bulk.HANDLERS)  # Isi sekaligus, Lembar Excel, Simpan semua
    application.add_handlers(admin.HANDLERS)  # /admin and its buttons: admins only (issue 19)
    application.add_handler(messages.HANDLER)  # typed text and files, by conversation position
    application.add_handlers(fallback.HANDLERS)  # last: whatever nobody else took
    application.add_error_handler(errors.on_error)


def build_application(
    settings: Settings,
    *,
    services: Services | None = None,
    background_jobs: bool = True,
    rate_limiter: AIORateLimiter | None = None,
) -> Application:
    """The Application; ``background_jobs=False`` leaves the outbox and reminder sweeps to
    the caller (tests and the demo move their own clock and decide when time passes).
    ``rate_limiter`` replaces Telegram's limits (the demo compresses a quarter into seconds)."""
    token = settings.telegram_bot_token
    if not token:
        raise NoToken("TELEGRAM_BOT_TOKEN belum diisi: isi dengan token dari @BotFather")
    api = settings.telegram_api_base_url.rstrip("/")

    async def post_init(application: Application) -> None:
        if "services" not in application.bot_data:
            opened = open_services(settings)
            opened.leader = False  # until the first election (leadership_job) says otherwise
            opened.inline_calls = runs_calls_inline(settings, limit)
            application.bot_data["services"] = opened
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])

    async def post_shutdown(application: Application) -> None:
        await leadership.stop(application)
        opened = application.bot_data.pop("services", None)
        if isinstance(opened, Services) and services is None:
            opened.close()

    bot = TolerantBot(
        token=token,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=ZoneInfo(settings.timezone)),
        rate_limiter=rate_limiter or _rate_limiter(),
        # PTB's builder defaults: a large pool for handlers, a separate one for polling.
        request=bot_request(api, connection_pool_size=256),
        get_updates_request=bot_request(api),
    )
    builder = Application.builder().bot(bot).post_init(post_init).post_shutdown(post_shutdown)
    limit = concurrent_updates(settings)
    if limit > 1:  # 1: PTB's own one-at-a-time loop, untouched
        builder = builder.concurrent_updates(PerChatUpdateProcessor(limit))
    application = builder.build()
    assert application.job_queue is not None  # the job-queue extra is a dependency
    if background_jobs:
        application.job_queue.run_repeating(
            paused_in_outage(_dispatch_outbox), interval=OUTBOX_INTERVAL, first=1, name="outbox"
        )
        application.job_queue.run_repeating(
            paused_in_outage(reminder_job), interval=REMINDER_INTERVAL, first=5, name="reminders"
        )
        application.job_queue.run_repeating(
            paused_in_outage(board_job), interval=BOARD_INTERVAL, first=3, name="boards"
        )  # leader-only inside, like the outbox
        leadership.prepare(application, settings)
        application.job_queue.run_repeating(
            paused_in_outage(leadership.leadership_job),
            interval=settings.election_interval,
            first=settings.election_interval,
            name="leadership",
        )
        # A ``first`` counts from here: after a slow start (getMe, opening the database)
        # an interval's first run falls a whole interval later. The first election runs
        # once, as soon as the jobs start, however late that is.
        application.job_queue.run_once(
            paused_in_outage(leadership.leadership_job),
            0,
            name="first-election",
            job_kwargs={"misfire_grace_time": None},
        )
    if services is not None:
        # post_init runs only under run_polling/run_webhook; an embedding caller
        # (tests, the demo) drives initialize()/start() itself.
        application.bot_data["services"] = services
        services.inline_calls = runs_calls_inline(settings, limit)
    register_handlers(application)
    return application
