"""Planning the pinned completeness boards of the office groups, and recording what was sent.

``plan`` rebuilds the board of each open run (and of runs that ended in the
last few days) from the database, compares it with what the group last got (a
hash of the text, stored with the message id) and returns the boards to post or
edit now; a changed board that must wait is marked dirty. The ``record_*``
functions store what Telegram did with them. Sending is ``bot.telegram.board``'s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.board import OpenStep, RunFacts, UnitFacts, build_board, may_edit, text_hash
from bot.domain.enums import MeasurementState, RunState, TaskState
from bot.domain.locale_id import format_datetime_id
from bot.domain.sop import StepKind
from bot.engine.context import RunContext, calendar_of, run_context
from bot.engine.inputs import relevant
from bot.engine.progress import task_kind
from bot.engine.status import RUN_STATE_TEXT
from bot.persistence.models import Run, Task
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.render.texts import render
from bot.services.context import Services

RECENTLY_FINISHED = timedelta(days=3)
"""A run that ended this recently still gets its board's final edit."""
TEXT_LIMIT = 4096


@dataclass(frozen=True)
class Planned:
    """One board to post or edit, with the text it should show."""

    group_id: int
    chat_id: int
    board_id: int
    message_id: int | None
    text: str
    digest: str


def plan(services: Services, min_interval: timedelta, now: datetime) -> list[Planned]:
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
        current = uow.work.current_measurements(indicators, period)
        states = [m.state for m in current]
        verifiers = [m.verified_role for m in current if m.verified_role]
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
                verified=states.count(MeasurementState.VERIFIED),
                verified_by=ctx.definition.role(verifiers[-1]).name
                if verifiers and ctx.definition.has_role(verifiers[-1])
                else None,
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


# --- recording what was sent ---------------------------------------------------------------
def record(services: Services, item: Planned, message_id: int, now: datetime) -> None:
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


def record_pinned(services: Services, board_id: int) -> None:
    with services.uow_factory() as uow:
        board = uow.oversight.board_by_id(board_id)
        if board is not None:
            board.pinned = True
            uow.commit()


def record_attempt(services: Services, board_id: int, now: datetime) -> None:
    """A failed send still counts for the debounce, so a refusal is not retried every pass."""
    with services.uow_factory() as uow:
        board = uow.oversight.board_by_id(board_id)
        if board is not None:
            board.edited_at = now
            uow.commit()


def deactivate(services: Services, group_id: int) -> None:
    with services.uow_factory() as uow:
        group = uow.oversight.group_by_id(group_id)
        if group is not None:
            group.active = False
            uow.commit()
