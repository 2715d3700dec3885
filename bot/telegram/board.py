"""The pinned completeness board in each registered office group, kept up to date.

Planning (what each board says, which may be sent now) is ``bot.services.board``;
this module sends, within the per-minute budget, and hands back what happened.

Every ``BOARD_INTERVAL`` seconds the leading process rebuilds the board of each
open run (and of runs that ended in the last few days) from the database and
compares it with what the group last got (a hash of the text, stored with the
message id). A new board is posted and pinned; a changed one is edited in
place, at most once per ``MIN_EDIT_INTERVAL`` (the debounce: a burst of
changes becomes one edit) and at most ``EDITS_PER_MINUTE`` per group. Nothing
lives only in memory but the per-minute budget, so a restarted bot edits the
same message. A board whose message was deleted is posted and pinned again;
a group that removed the bot is marked inactive.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.domain.board import GroupBudget
from bot.services.board import (
    Planned,
    deactivate,
    plan,
    record,
    record_attempt,
    record_pinned,
)
from bot.services.context import Services
from bot.telegram.services import services_of

log = logging.getLogger("sopbot.board")

BOARD_INTERVAL = 5.0
"""Seconds between passes; a change reaches the group within this (plus the debounce)."""
MIN_EDIT_INTERVAL = timedelta(seconds=10)
"""A board is edited at most once per this; changes in between go out together."""
EDITS_PER_MINUTE = 12
"""Board messages per group per minute (Telegram allows about 20 in a group)."""


@dataclass
class BoardKeeper:
    """What one process keeps between passes: the settings and the per-minute budget."""

    min_interval: timedelta = MIN_EDIT_INTERVAL
    budget: GroupBudget = field(default_factory=lambda: GroupBudget(EDITS_PER_MINUTE))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def keeper_of(application: Application) -> BoardKeeper:
    keeper = application.bot_data.setdefault("board_keeper", BoardKeeper())
    assert isinstance(keeper, BoardKeeper)
    return keeper


async def refresh_boards(bot: Bot, services: Services, keeper: BoardKeeper | None = None) -> int:
    """One pass over every active group; returns how many boards were posted or edited."""
    if not services.leader:
        return 0  # the leading process keeps the boards
    keeper = keeper or BoardKeeper()
    async with keeper.lock:
        now = services.now()
        planned = await asyncio.to_thread(plan, services, keeper.min_interval, now)
        sent = 0
        for item in planned:
            if not keeper.budget.allows(item.chat_id, now):
                continue  # stays dirty: a later pass sends it
            keeper.budget.spend(item.chat_id, now)
            sent += await _send(bot, services, item, now)
        return sent


async def board_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await refresh_boards(context.bot, services_of(context), keeper_of(context.application))


# --- sending -----------------------------------------------------------------------------
async def _send(bot: Bot, services: Services, item: Planned, now: datetime) -> int:
    try:
        if item.message_id is None:
            return await _post(bot, services, item, now)
        try:
            await bot.edit_message_text(item.text, chat_id=item.chat_id, message_id=item.message_id)
        except BadRequest as error:
            reason = str(error).lower()
            if "not modified" not in reason:
                if "not found" in reason or "can't be edited" in reason:
                    return await _post(bot, services, item, now)  # deleted: post it again
                raise
        await asyncio.to_thread(record, services, item, item.message_id, now)
        return 1
    except (Forbidden, BadRequest) as error:
        if isinstance(error, Forbidden) or "chat not found" in str(error).lower():
            log.warning("bot is no longer in group %s: %s", item.chat_id, error)
            await asyncio.to_thread(deactivate, services, item.group_id)
        else:
            log.warning("board %s refused: %s", item.board_id, error)
            await asyncio.to_thread(record_attempt, services, item.board_id, now)
    except TelegramError as error:  # network, 5xx, rate limit beyond retries
        log.warning("board %s not sent yet: %s", item.board_id, error)
        await asyncio.to_thread(record_attempt, services, item.board_id, now)
    return 0


async def _post(bot: Bot, services: Services, item: Planned, now: datetime) -> int:
    message = await bot.send_message(item.chat_id, item.text, disable_notification=True)
    await asyncio.to_thread(record, services, item, message.message_id, now)
    try:
        await bot.pin_chat_message(item.chat_id, message.message_id, disable_notification=True)
    except TelegramError as error:  # no right to pin: the board still works unpinned
        log.warning("board %s posted but not pinned: %s", item.board_id, error)
    else:
        await asyncio.to_thread(record_pinned, services, item.board_id)
    return 1
