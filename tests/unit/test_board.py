"""The group board's pure core: unit states, lateness in whole working hours, debounce, budget."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.board import (
    GroupBudget,
    OpenStep,
    RunFacts,
    UnitFacts,
    UnitStatus,
    board_lateness,
    build_board,
    may_edit,
    text_hash,
    unit_status,
)
from bot.domain.calendar import build_calendar

WITA = ZoneInfo("Asia/Makassar")
CALENDAR = build_calendar(timezone="Asia/Makassar", work_start=time(7, 30), work_end=time(16, 0))
MONDAY = datetime(2026, 10, 12, 8, 0, tzinfo=WITA)


def step(no: int, *, review: bool = False, round: int = 1, due: datetime | None = None) -> OpenStep:
    return OpenStep(no, "Kasubid", due, is_review=review, round=round)


def unit(**facts: object) -> UnitFacts:
    defaults: dict[str, object] = {"code": "BID-A", "name": "Bidang A", "indicators": 3}
    return UnitFacts(**{**defaults, **facts})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (unit(open_steps=(step(1),)), UnitStatus.NOT_STARTED),
        (unit(drafts=1, open_steps=(step(3),)), UnitStatus.FILLING),
        (unit(submitted=3, open_steps=(step(4),)), UnitStatus.FILLING),  # the Kasubid compiles
        (unit(submitted=3, open_steps=(step(5, review=True),)), UnitStatus.SUBMITTED),
        (unit(submitted=3, finished=True), UnitStatus.SUBMITTED),  # waits for the recap
        (unit(submitted=2, returned=1, open_steps=(step(4, round=2),)), UnitStatus.RETURNED),
        (unit(submitted=2, drafts=1, open_steps=(step(4, round=2),)), UnitStatus.RETURNED),
        (unit(submitted=3, open_steps=(step(5, review=True, round=2),)), UnitStatus.SUBMITTED),
        (unit(approved=3, finished=True), UnitStatus.APPROVED),
        (unit(indicators=0, open_steps=(step(1),)), UnitStatus.NOT_STARTED),
    ],
)
def test_unit_status(facts: UnitFacts, status: UnitStatus) -> None:
    assert unit_status(facts) is status


def test_a_completed_run_approves_every_unit() -> None:
    assert unit_status(unit(submitted=3, finished=True), run_completed=True) is UnitStatus.APPROVED


def test_lateness_in_whole_working_hours() -> None:
    due = MONDAY.replace(hour=9)
    assert board_lateness(due, due, CALENDAR) == (False, None)
    assert board_lateness(None, MONDAY, CALENDAR) == (False, None)
    assert board_lateness(due, due + timedelta(minutes=59), CALENDAR) == (True, "lewat batas waktu")
    assert board_lateness(due, due + timedelta(minutes=150), CALENDAR) == (True, "terlambat 2 jam")
    # Friday 15.00 to Monday 08.00: 1 working hour 30 minutes, said as 1 jam.
    friday = datetime(2026, 10, 9, 15, 0, tzinfo=WITA)
    assert board_lateness(friday, MONDAY, CALENDAR) == (True, "terlambat 1 jam")


def test_build_board_rows_counts_and_run_steps() -> None:
    facts = RunFacts(
        sop_name="Pengumpulan Data Kinerja",
        period_label="Triwulan III 2026",
        state="berjalan",
        completed=False,
        units=(
            unit(approved=3, finished=True, round=2, open_steps=()),
            unit(code="BID-B", name="Bidang B", open_steps=(step(1, due=MONDAY),)),
            unit(code="BID-C", name="Bidang C", drafts=1, open_steps=(step(3, due=MONDAY),)),
        ),
        run_steps=(OpenStep(6, "Kasubag Perencanaan", None, waiting=True),),
    )
    board = build_board(facts, MONDAY + timedelta(hours=3), CALENDAR)
    a, b, c = board.rows
    assert (a.status, a.round, a.due_at, a.late) == (UnitStatus.APPROVED, 2, None, False)
    assert (b.status, b.step_no, b.lateness) == (UnitStatus.NOT_STARTED, 1, "terlambat 3 jam")
    assert c.status is UnitStatus.FILLING and c.late
    assert board.counts == (
        (UnitStatus.NOT_STARTED, 1),
        (UnitStatus.FILLING, 1),
        (UnitStatus.APPROVED, 1),
    )
    assert board.late_units == 2
    [waiting] = board.run_steps
    assert waiting.waiting and waiting.due_at is None and not waiting.late


def test_debounce() -> None:
    interval = timedelta(seconds=10)
    assert may_edit(None, MONDAY, interval)
    assert not may_edit(MONDAY, MONDAY + timedelta(seconds=9), interval)
    assert may_edit(MONDAY, MONDAY + timedelta(seconds=10), interval)


def test_group_budget_is_a_sliding_window_per_group() -> None:
    budget = GroupBudget(per_window=2)
    for second in (0, 20):
        assert budget.allows(-1, MONDAY + timedelta(seconds=second))
        budget.spend(-1, MONDAY + timedelta(seconds=second))
    assert not budget.allows(-1, MONDAY + timedelta(seconds=59))
    assert budget.allows(-2, MONDAY + timedelta(seconds=59))  # another group has its own
    assert budget.allows(-1, MONDAY + timedelta(seconds=60))  # the first has left the window


def test_text_hash() -> None:
    assert text_hash("papan") == text_hash("papan") != text_hash("papan ")
    assert len(text_hash("")) == 64
