"""The completeness board of a group chat: from plain facts about a run to one row per unit.

Each unit that takes part in a run is in one of six states, said the way an
office says them: belum mulai (nothing entered), sedang diisi (figures being
entered), diajukan (submitted, awaiting a decision), dikembalikan (sent back
for correction), diverifikasi (an earlier review said YES; the last has not
decided: ``bot.domain.acceptance``) and disetujui (accepted). The board also says when each unit's
current step is due and how late it is, in working time rounded down to whole
hours: the board is edited when it changes, and a figure in minutes would
change it every minute.

Also here, because they are decisions and not I/O: when an edit may be sent
(the debounce) and how many edits a group may get per minute (the budget).
Pure: the time is an argument; nothing here touches Telegram or the database.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.calendar import WorkingCalendar
from bot.domain.lateness import format_lateness


class UnitStatus(StrEnum):
    NOT_STARTED = "belum mulai"
    FILLING = "sedang diisi"
    SUBMITTED = "diajukan"
    RETURNED = "dikembalikan"
    VERIFIED = "diverifikasi"
    APPROVED = "disetujui"


STATUS_ORDER: tuple[UnitStatus, ...] = tuple(UnitStatus)
"""The order a summary line counts them in: from nothing to done."""


@dataclass(frozen=True)
class OpenStep:
    """An open task of a unit (or of the whole run)."""

    step_no: int
    role_name: str
    due_at: datetime | None
    """Aware, in the organisation's zone."""
    is_review: bool = False
    round: int = 1
    waiting: bool = False
    """A join that waits for units (it has no deadline running yet for its holder)."""


@dataclass(frozen=True)
class UnitFacts:
    """What the database says about one participating unit in one run."""

    code: str
    name: str
    indicators: int
    """Indicators of the unit that take part in the period."""
    drafts: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0
    """Current revisions in each state."""
    verified: int = 0
    verified_by: str | None = None
    """The role whose YES verified the unit's figures ("Kasubid"), when they are verified."""
    open_steps: tuple[OpenStep, ...] = ()
    finished: bool = False
    """The unit's branch is done (its part of the SOP is over)."""
    round: int = 1
    """The highest round of the unit's tasks (2 after one return)."""


@dataclass(frozen=True)
class RunFacts:
    sop_name: str
    period_label: str
    state: str
    """``berjalan``, ``selesai`` or ``dibatalkan``."""
    completed: bool
    units: tuple[UnitFacts, ...]
    run_steps: tuple[OpenStep, ...] = ()
    """Open work of the whole run (a recap, a run-level review)."""


@dataclass(frozen=True)
class BoardRow:
    code: str
    name: str
    status: UnitStatus
    round: int
    step_no: int | None
    due_at: datetime | None
    late: bool
    lateness: str | None
    verified_by: str | None = None

    @property
    def status_text(self) -> str:
        """ "diverifikasi Kasubid" for a verified unit, else the status's words."""
        if self.status is UnitStatus.VERIFIED and self.verified_by:
            return f"{self.status.value} {self.verified_by}"
        return self.status.value


@dataclass(frozen=True)
class BoardStep:
    step_no: int
    role_name: str
    due_at: datetime | None
    waiting: bool
    late: bool
    lateness: str | None


@dataclass(frozen=True)
class Board:
    sop_name: str
    period_label: str
    state: str
    rows: tuple[BoardRow, ...]
    counts: tuple[tuple[UnitStatus, int], ...]
    """Non-zero counts per status, in ``STATUS_ORDER``."""
    run_steps: tuple[BoardStep, ...]

    @property
    def late_units(self) -> int:
        return sum(1 for row in self.rows if row.late)


def unit_status(unit: UnitFacts, *, run_completed: bool = False) -> UnitStatus:
    """Where the unit's figures stand; the first rule that applies wins.

    Only accepted figures make a unit "disetujui" (a run completes only after the
    acceptance rule's step, so a completed run's are); verified ones are
    "diverifikasi" until the last review says YES.
    """
    if run_completed or (unit.indicators and unit.approved >= unit.indicators):
        return UnitStatus.APPROVED
    reviewing = any(step.is_review for step in unit.open_steps)
    correcting = any(step.round > 1 and not step.is_review for step in unit.open_steps)
    if unit.returned or correcting:
        return UnitStatus.RETURNED
    if unit.verified and not unit.drafts and not unit.submitted:
        return UnitStatus.VERIFIED
    if reviewing or unit.finished:
        return UnitStatus.SUBMITTED
    if unit.drafts or unit.submitted:
        return UnitStatus.FILLING
    return UnitStatus.NOT_STARTED


def board_lateness(
    due_at: datetime | None, now: datetime, calendar: WorkingCalendar
) -> tuple[bool, str | None]:
    """(late, "terlambat 1 hari 2 jam"): working time past ``due_at``, in whole hours."""
    if due_at is None or now <= due_at:
        return False, None
    minutes = calendar.working_minutes_between(due_at, now)
    return True, format_lateness(minutes - minutes % 60, calendar.day_minutes)


def _first_due(steps: Iterable[OpenStep]) -> OpenStep | None:
    timed = [s for s in steps if s.due_at is not None and not s.waiting]
    return min(timed, key=lambda s: s.due_at) if timed else None  # type: ignore[arg-type,return-value]


def build_board(facts: RunFacts, now: datetime, calendar: WorkingCalendar) -> Board:
    """The board's content; ``now`` decides lateness only."""
    rows = []
    for unit in facts.units:
        status = unit_status(unit, run_completed=facts.completed)
        step = None if status is UnitStatus.APPROVED else _first_due(unit.open_steps)
        due = step.due_at if step else None
        late, lateness = board_lateness(due, now, calendar)
        rows.append(
            BoardRow(
                code=unit.code,
                name=unit.name,
                status=status,
                round=unit.round,
                step_no=step.step_no if step else None,
                due_at=due,
                late=late,
                lateness=lateness,
                verified_by=unit.verified_by if status is UnitStatus.VERIFIED else None,
            )
        )
    counted = {status: sum(1 for row in rows if row.status is status) for status in STATUS_ORDER}
    steps = []
    for open_step in sorted(facts.run_steps, key=lambda s: s.step_no):
        due = None if open_step.waiting else open_step.due_at
        late, lateness = board_lateness(due, now, calendar)
        steps.append(
            BoardStep(
                open_step.step_no, open_step.role_name, due, open_step.waiting, late, lateness
            )
        )
    return Board(
        sop_name=facts.sop_name,
        period_label=facts.period_label,
        state=facts.state,
        rows=tuple(rows),
        counts=tuple((status, n) for status, n in counted.items() if n),
        run_steps=tuple(steps),
    )


def text_hash(text: str) -> str:
    """What the board stores of the text it last sent (sha256, hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def may_edit(last_sent: datetime | None, now: datetime, min_interval: timedelta) -> bool:
    """The debounce: a board is sent at most once per ``min_interval``.

    The first change after a quiet spell goes out at once; changes inside the
    interval wait and go out together, as one edit, when it has passed.
    """
    return last_sent is None or now - last_sent >= min_interval


@dataclass
class GroupBudget:
    """At most ``per_window`` board messages per group in any ``window`` (a sliding window).

    Telegram allows about 20 messages a minute in a group; the board takes
    less than that, so a reply to a command in the same group still fits.
    """

    per_window: int
    window: timedelta = timedelta(minutes=1)
    _sent: dict[int, deque[datetime]] = field(default_factory=dict)

    def allows(self, chat_id: int, now: datetime) -> bool:
        recent = self._sent.setdefault(chat_id, deque())
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        return len(recent) < self.per_window

    def spend(self, chat_id: int, now: datetime) -> None:
        self._sent.setdefault(chat_id, deque()).append(now)
