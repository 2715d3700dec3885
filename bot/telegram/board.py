"""The pinned completeness board in each registered office group, kept up to date.

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
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.domain.board import (
    GroupBudget,
    OpenStep,
    RunFacts,
    UnitFacts,
    build_board,
    may_edit,
    text_hash,
)
from bot.domain.enums import MeasurementState, RunState, TaskState
from bot.domain.locale_id import format_datetime_id
from bot.domain.sop import StepKind
from bot.engine.context import RunContext, calendar_of, run_context
from bot.engine.inputs import relevant
from bot.engine.progress import task_kind
from bot.engine.status import RUN_STATE_TEXT
from bot.persistence.models import Run, Task
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services.context import Services
from bot.telegram.services import services_of
from bot.telegram.texts import render

log = logging.getLogger("sopbot.board")

BOARD_INTERVAL = 5.0
"""Seconds between passes; a change reaches the group within this (plus the debounce)."""
MIN_EDIT_INTERVAL = timedelta(seconds=10)
"""A board is edited at most once per this; changes in between go out together."""
EDITS_PER_MINUTE = 12
"""Board messages per group per minute (Telegram allows about 20 in a group)."""
RECENTLY_FINISHED = timedelta(days=3)
"""A run that ended this recently still gets its board's final edit."""
TEXT_LIMIT = 4096


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


@dataclass(frozen=True)
class Planned:
    """One board to post or edit, with the text it should show."""

    group_id: int
    chat_id: int
    board_id: int
    message_id: int | None
    text: str
    digest: str


async def refresh_boards(bot: Bot, services: Services, keeper: BoardKeeper | None = None) -> int:
    """One pass over every active group; returns how many boards were posted or edited."""
    if not services.leader:
        return 0  # the leading process keeps the boards
    keeper = keeper or BoardKeeper()
    async with keeper.lock:
        now = services.now()
        planned = await asyncio.to_thread(_plan, services, keeper.min_interval, now)
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
        await asyncio.to_thread(_record, services, item, item.message_id, now)
        return 1
    except (Forbidden, BadRequest) as error:
        if isinstance(error, Forbidden) or "chat not found" in str(error).lower():
            log.warning("bot is no longer in group %s: %s", item.chat_id, error)
            await asyncio.to_thread(_deactivate, services, item.group_id)
        else:
            log.warning("board %s refused: %s", item.board_id, error)
            await asyncio.to_thread(_record_attempt, services, item.board_id, now)
    except TelegramError as error:  # network, 5xx, rate limit beyond retries
        log.warning("board %s not sent yet: %s", item.board_id, error)
        await asyncio.to_thread(_record_attempt, services, item.board_id, now)
    return 0


async def _post(bot: Bot, services: Services, item: Planned, now: datetime) -> int:
    message = await bot.send_message(item.chat_id, item.text, disable_notification=True)
    await asyncio.to_thread(_record, services, item, message.message_id, now)
    try:
        await bot.pin_chat_message(item.chat_id, message.message_id, disable_notification=True)
    except TelegramError as error:  # no right to pin: the board still works unpinned
        log.warning("board %s posted but not pinned: %s", item.board_id, error)
    else:
        await asyncio.to_thread(_record_pinned, services, item.board_id)
    return 1


def _record(services: Services, item: Planned, message_id: int, now: datetime) -> None:
    with services.uow_factory() as uow:
        board = uow.oversight.board_by_id(item.board_id)
        if board is not None:
            if board.message_id != message_id:
                board.pinned = False
            board.message_id = message_id
            board.text_hash = item.digest
            board.dirty = False
            board.edited_at = now
            uow.commit()


def _record_pinned(services: Services, board_id: int) -> None:
    with services.uow_factory() as uow:
        board = uow.oversight.board_by_id(board_id)
        if board is not None:
            board.pinned = True
            uow.commit()


def _record_attempt(services: Services, board_id: int, now: datetime) -> None:
    """A failed send still counts for the debounce, so a refusal is not retried every pass."""
    with services.uow_factory() as uow:
        board = uow.oversight.board_by_id(board_id)
        if board is not None:
            board.edited_at = now
            uow.commit()


def _deactivate(services: Services, group_id: int) -> None:
    with services.uow_factory() as uow:
        group = uow.oversight.group_by_id(group_id)
        if group is not None:
            group.active = False
            uow.commit()


# --- planning ----------------------------------------------------------------------------
def _plan(services: Services, min_interval: timedelta, now: datetime) -> list[Planned]:
    """Which boards to send now; boards that changed but must wait are marked dirty."""
    planned = []
    texts: dict[tuple[int, str, str], tuple[str, str]] = {}
    with services.uow_factory() as uow:
        for group in uow.oversight.active_groups():
            org_id = group.organisation_id
            for (sop_id, period), runs in _runs_by_board(uow, org_id, now).items():
                key = (org_id, sop_id, period)
                if key not in texts:
                    texts[key] = _texts(uow, runs, now)
                body_hash, text = texts[key]
                board = uow.oversight.board(group.id, sop_id, period)
                if board is None:
                    board = uow.oversight.add_board(group.id, sop_id, period, now)
                if board.message_id is not None and board.text_hash == body_hash:
                    board.dirty = False
                    continue
                if not board.dirty:
                    board.dirty, board.updated_at = True, now
                if may_edit(board.edited_at, now, min_interval):
                    planned.append(
                        Planned(
                            group.id, group.chat_id, board.id, board.message_id, text, body_hash
                        )
                    )
        uow.commit()
    return planned


def _runs_by_board(
    uow: SqlAlchemyUnitOfWork, organisation_id: int, now: datetime
) -> dict[tuple[str, str], list[Run]]:
    """The runs each board shows: the open ones, else the one that ended last."""
    found: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in uow.oversight.board_runs(organisation_id, now - RECENTLY_FINISHED):
        found[(run.sop_id, run.period)].append(run)
    chosen = {}
    for key, runs in found.items():
        open_runs = [run for run in runs if run.state is RunState.OPEN]
        chosen[key] = open_runs or [max(runs, key=lambda r: (r.finished_at or r.started_at, r.id))]
    return chosen


def _texts(uow: SqlAlchemyUnitOfWork, runs: Sequence[Run], now: datetime) -> tuple[str, str]:
    """(hash of the board's content, the text to send: the content and when it was updated)."""
    facts = [_run_facts(uow, run_context(uow, run)) for run in runs]
    merged = RunFacts(
        sop_name=facts[0].sop_name,
        period_label=facts[0].period_label,
        state=facts[0].state if len(facts) == 1 else RUN_STATE_TEXT[RunState.OPEN],
        completed=all(f.completed for f in facts),
        units=tuple(unit for f in facts for unit in f.units),
        run_steps=tuple(step for f in facts for step in f.run_steps),
    )
    calendar = calendar_of(runs[0].organisation)
    board = build_board(merged, now, calendar)
    local = now.astimezone(calendar.zone)
    for compact in (False, True):  # many units: one line each, to stay under Telegram's limit
        body = render("board", board=board, when=format_datetime_id, updated=None, compact=compact)
        stamp = format_datetime_id(local)
        text = render("board", board=board, when=format_datetime_id, updated=stamp, compact=compact)
        if len(text) < TEXT_LIMIT:
            break
    return text_hash(body), text  # over the limit even so: Telegram refuses, and it is logged


def _run_facts(uow: SqlAlchemyUnitOfWork, ctx: RunContext) -> RunFacts:
    run, period = ctx.run, str(ctx.period)
    tasks = uow.work.tasks_of_run(run.id)
    branches = {branch.unit_id: branch for branch in uow.runs.branches(run.id)}
    unit_ids = list(run.participant_unit_ids or branches)
    units = []
    for unit_id in unit_ids:
        unit = ctx.tree.units[unit_id]
        branch = branches.get(unit_id)
        indicators = [
            i.id for i in uow.indicators.indicators_of_unit(unit_id) if relevant(i, ctx.period.year)
        ]
        states = [m.state for m in uow.work.current_measurements(indicators, period)]
        mine = [t for t in tasks if branch is not None and t.branch_id == branch.id]
        units.append(
            UnitFacts(
                code=unit.code,
                name=unit.name,
                indicators=len(indicators),
                drafts=states.count(MeasurementState.DRAFT),
                submitted=states.count(MeasurementState.SUBMITTED),
                returned=states.count(MeasurementState.RETURNED),
                approved=states.count(MeasurementState.APPROVED),
                open_steps=tuple(_open(ctx, t) for t in mine if t.state is TaskState.OPEN),
                finished=branch is not None and branch.state is RunState.COMPLETED,
                round=max((t.round for t in mine), default=1),
            )
        )
    units.sort(key=lambda u: u.code)
    run_level = [t for t in tasks if t.branch_id is None]
    return RunFacts(
        sop_name=ctx.definition.name,
        period_label=ctx.period.label,
        state=RUN_STATE_TEXT[run.state],
        completed=run.state is RunState.COMPLETED,
        units=tuple(units),
        run_steps=tuple(
            _open(ctx, t) for t in run_level if t.state in (TaskState.OPEN, TaskState.WAITING)
        ),
    )


def _open(ctx: RunContext, task: Task) -> OpenStep:
    return OpenStep(
        step_no=task.step_no,
        role_name=ctx.definition.role(task.role_key).name,
        due_at=task.due_at.astimezone(ctx.calendar.zone) if task.due_at else None,
        is_review=task_kind(task, ctx) is StepKind.REVIEW,
        round=task.round,
        waiting=task.state is TaskState.WAITING,
    )
