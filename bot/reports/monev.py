"""The SOP compliance report (monitoring dan evaluasi, "monev"), from plain facts.

PermenPANRB 35/2012 asks every unit to evaluate each of its SOPs every six
months: per procedure, "berjalan dengan baik / tidak berjalan dengan baik",
notes on what was found and the action to take. The bot has what paper never
had: when each step of each run really started and finished, the deadline it
was given (its Waktu, in working time), who did it and how often a review sent
the work back. This module turns those facts into the evaluation.

Pure: no database, no clock, no Telegram. :mod:`bot.reports.monev_collect`
reads the facts; ``as_of`` stands in for "now" when a step is still open.
No sentences are written here either: the notes and actions are data
(:class:`ProcedureSummary`), and ``bot/templates/reports/monev_text.j2``
words them, so the HTML, PDF and XLSX say exactly the same thing.

How a step is judged (:func:`judge_task`):

* Actual duration: working minutes (``WorkingCalendar``) from when the task was
  opened to when it was finished (or to ``as_of`` while still open), so a task
  opened Friday 15.00 and finished Monday 08.30 took 1 jam 30 menit, not three
  days, and a holiday in between costs nothing.
* Late: finished after the deadline the bot gave (``due_at``, itself the Waktu
  added in working time); a task still open past its deadline at ``as_of`` is
  late too. Without a deadline, the actual duration is held against the Waktu.
  How late is said in working time ("terlambat 1 hari 2 jam").
* Cancelled tasks (a cancelled run) are listed but not judged.

The rule for "Berjalan dengan baik" (:class:`MonevRule`, :func:`assess`): the
procedure ran at least once in the period, no run of it was cancelled, and at
most ``max_late_percent`` (default 20 %) of its judged steps were late.
Returns do not make a procedure fail: a review sending work back is the
control the SOP itself prescribes. They are reported, and a report returned
``frequent_returns`` times (default 2) or more gets an action of its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkingCalendar
from bot.domain.durations import WorkDuration
from bot.domain.lateness import format_lateness, format_work_time
from bot.domain.periods import Period
from bot.reports.model import Letterhead, Signature

URAIAN_LIMIT = 90
"""Characters of a step's uraian kept in the tables; the SOP sheet has the full text."""


class TaskStatus(StrEnum):
    DONE = "done"
    OPEN = "open"
    CANCELLED = "cancelled"


class RunOutcome(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Finding(StrEnum):
    """Why a procedure did not run well, or what deserves attention although it did."""

    NOT_RUN = "not_run"
    CANCELLED = "cancelled"
    TOO_LATE = "too_late"
    """More late steps than the rule allows: decides "tidak berjalan dengan baik"."""
    SOME_LATE = "some_late"
    """Late steps within the allowance: noted, not failing."""
    FREQUENT_RETURNS = "frequent_returns"
    """One report sent back ``frequent_returns`` times or more: noted, not failing."""


FAILING = frozenset({Finding.NOT_RUN, Finding.CANCELLED, Finding.TOO_LATE})


@dataclass(frozen=True)
class MonevRule:
    """The thresholds of the assessment; an organisation may agree on others."""

    max_late_percent: Decimal = Decimal(20)
    """Largest share of late steps (in %) that still counts as "berjalan dengan baik"."""
    frequent_returns: int = 2
    """Returns of one report at one review from which an action is proposed."""

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.max_late_percent <= Decimal(100):
            raise ValueError("batas persentase keterlambatan harus 0 sampai 100")
        if self.frequent_returns < 1:
            raise ValueError("batas pengembalian harus paling sedikit 1")


DEFAULT_RULE = MonevRule()


# --- facts (input) -----------------------------------------------------------------------
@dataclass(frozen=True)
class DecisionFacts:
    """A reviewer's YA / TIDAK on a review task."""

    approved: bool
    decided_at: datetime
    decided_by: str | None = None
    reason: str | None = None
    verified: bool = False
    """A YES at an earlier review: it verified the figures, the last review accepts them."""


@dataclass(frozen=True)
class TaskFacts:
    """One attempt at one step for one unit, as the database recorded it."""

    step_no: int
    uraian: str
    role_name: str
    unit_name: str
    status: TaskStatus
    created_at: datetime
    waktu_teks: str
    """The Waktu column verbatim ("1 Hari", "15 Menit")."""
    standard: WorkDuration | None = None
    """The Waktu that applied to this run's period, parsed; None when unknown."""
    round: int = 1
    started_at: datetime | None = None
    finished_at: datetime | None = None
    due_at: datetime | None = None
    done_by: str | None = None
    """Who finished it (for "any holder" tasks: whoever actually did)."""
    holders: tuple[str, ...] = ()
    """Who held the role while it was open: answerable for an open, overdue task."""
    decision: DecisionFacts | None = None
    """The YA / TIDAK that closed a review task."""


@dataclass(frozen=True)
class RunFacts:
    run_id: int
    period: str
    """``2026-TW3``."""
    scope_name: str
    """Whole organisation, or the unit the run was started for."""
    state: RunOutcome
    started_at: datetime
    finished_at: datetime | None = None
    cancel_reason: str | None = None
    unit_names: tuple[str, ...] = ()
    tasks: tuple[TaskFacts, ...] = ()


@dataclass(frozen=True)
class ProcedureFacts:
    """One SOP and its runs in the evaluated period."""

    sop_id: str
    sop_name: str
    nomor: str = ""
    runs: tuple[RunFacts, ...] = ()


@dataclass(frozen=True)
class MonevHeader:
    organisation: str
    instansi: str = ""
    kop: Letterhead | None = None
    """The organisation's kop surat, as on the performance reports."""
    signer: Signature | None = None
    """The head of office, who signs the monev."""


# --- the report (output) -------------------------------------------------------------------
@dataclass(frozen=True)
class ReturnNote:
    """One TIDAK: which report went back, from whom, and why."""

    run_id: int
    period: str
    step_no: int
    uraian: str
    unit_name: str
    round: int
    decided_at: datetime
    decided_by: str | None
    reason: str


@dataclass(frozen=True)
class StepRow:
    """One task of a run: actual time against the Waktu standard."""

    run_id: int
    period: str
    step_no: int
    uraian: str
    role_name: str
    unit_name: str
    round: int
    status: TaskStatus
    started_at: datetime | None
    finished_at: datetime | None
    due_at: datetime | None
    waktu_teks: str
    standard_minutes: int | None
    """The Waktu in working minutes (a Hari is one working day)."""
    actual_minutes: int | None
    actual_text: str
    """``2 jam 15 menit``, ``1 hari 3 jam``; empty when not measured."""
    judged: bool
    """Counted in the lateness share (done, or still open); cancelled tasks are not."""
    late: bool
    late_minutes: int
    """Working minutes past the deadline; 0 when not late (or late outside working hours)."""
    lateness_text: str
    """``terlambat 1 hari 2 jam``; empty when not late."""
    done_by: str | None
    responsible: tuple[str, ...]
    """Who answers for the time: whoever did it, else whoever held the role."""
    decision: DecisionFacts | None = None

    @property
    def returned(self) -> bool:
        return self.decision is not None and not self.decision.approved


@dataclass(frozen=True)
class ReviewSummary:
    """How one review step went for one unit in one run."""

    step_no: int
    uraian: str
    unit_name: str
    reviews: int
    returns: tuple[ReturnNote, ...]


@dataclass(frozen=True)
class RunReport:
    run_id: int
    period: str
    period_label: str
    scope_name: str
    state: RunOutcome
    started_at: datetime
    finished_at: datetime | None
    cancel_reason: str | None
    unit_names: tuple[str, ...]
    duration_minutes: int
    """Working minutes from start to finish (to ``as_of`` while open)."""
    duration_text: str
    rows: tuple[StepRow, ...]
    reviews: tuple[ReviewSummary, ...]

    @property
    def late_rows(self) -> tuple[StepRow, ...]:
        return tuple(row for row in self.rows if row.late)

    @property
    def returns(self) -> tuple[ReturnNote, ...]:
        return tuple(note for review in self.reviews for note in review.returns)


@dataclass(frozen=True)
class LateStep:
    """A step that was late, with how often and by whom, over all runs of a procedure."""

    step_no: int
    uraian: str
    role_name: str
    waktu_teks: str
    count: int
    worst_minutes: int
    worst_text: str
    """The largest lateness in working time, ``1 hari 2 jam``."""
    people: tuple[str, ...]
    """Who was late, most often first."""


@dataclass(frozen=True)
class Cancellation:
    run_id: int
    period_label: str
    reason: str


@dataclass(frozen=True)
class ProcedureSummary:
    """One row of the PermenPANRB 35/2012 monev table, with the figures behind it."""

    no: int
    sop_id: str
    sop_name: str
    nomor: str
    runs: tuple[RunReport, ...]
    steps_executed: int
    """Tasks finished (every round of a returned step counts)."""
    steps_judged: int
    steps_late: int
    late_percent: Decimal | None
    """Late share of the judged steps in %, one decimal; None when nothing was judged."""
    reviews: int
    returns: tuple[ReturnNote, ...]
    most_returns: int
    """The most times one report was sent back at one review."""
    late_steps: tuple[LateStep, ...]
    """Most often late first."""
    cancellations: tuple[Cancellation, ...]
    findings: tuple[Finding, ...]
    rule: MonevRule

    @property
    def good(self) -> bool:
        """Berjalan dengan baik: no finding that fails the rule."""
        return not FAILING.intersection(self.findings)

    @property
    def run_count(self) -> int:
        return len(self.runs)

    def runs_in(self, state: RunOutcome) -> int:
        return sum(1 for run in self.runs if run.state is state)

    @property
    def runs_completed(self) -> int:
        return self.runs_in(RunOutcome.COMPLETED)

    @property
    def runs_open(self) -> int:
        return self.runs_in(RunOutcome.OPEN)

    @property
    def runs_cancelled(self) -> int:
        return self.runs_in(RunOutcome.CANCELLED)

    def has(self, finding: Finding | str) -> bool:
        return Finding(finding) in self.findings


@dataclass(frozen=True)
class MonevReport:
    header: MonevHeader
    period: str
    period_label: str
    generated_at: datetime
    as_of: datetime
    zone: ZoneInfo
    day_minutes: int
    procedures: tuple[ProcedureSummary, ...]
    rule: MonevRule = field(default=DEFAULT_RULE)

    @property
    def runs(self) -> tuple[RunReport, ...]:
        return tuple(run for procedure in self.procedures for run in procedure.runs)


# --- building ------------------------------------------------------------------------------
def shorten(text: str, limit: int = URAIAN_LIMIT) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def judge_task(
    task: TaskFacts, calendar: WorkingCalendar, *, as_of: datetime, run_id: int, period: str
) -> StepRow:
    """Actual working time and lateness of one task (see the module doc for the rule)."""
    day = calendar.day_minutes
    start = task.started_at or task.created_at
    end = task.finished_at if task.status is not TaskStatus.OPEN else as_of
    actual = max(calendar.working_minutes_between(start, end), 0) if end is not None else None
    standard = _minutes(task.standard, day)
    if standard is None and task.due_at is not None and task.started_at is not None:
        standard = max(calendar.working_minutes_between(task.started_at, task.due_at), 0)
    judged = task.status is not TaskStatus.CANCELLED
    late, late_minutes = False, 0
    if judged and end is not None:
        if task.due_at is not None:
            late = end > task.due_at
            late_minutes = calendar.working_minutes_between(task.due_at, end) if late else 0
        elif standard is not None and actual is not None:
            late = actual > standard
            late_minutes = actual - standard if late else 0
    if task.done_by:
        responsible: tuple[str, ...] = (task.done_by,)
    else:
        responsible = task.holders
    return StepRow(
        run_id=run_id,
        period=period,
        step_no=task.step_no,
        uraian=shorten(task.uraian),
        role_name=task.role_name,
        unit_name=task.unit_name,
        round=task.round,
        status=task.status,
        started_at=task.started_at,
        finished_at=task.finished_at,
        due_at=task.due_at,
        waktu_teks=task.waktu_teks,
        standard_minutes=standard,
        actual_minutes=actual,
        actual_text=format_work_time(actual, day) if actual is not None else "",
        judged=judged,
        late=late,
        late_minutes=late_minutes,
        lateness_text=format_lateness(late_minutes, day) if late else "",
        done_by=task.done_by,
        responsible=responsible,
        decision=task.decision,
    )


def _minutes(duration: WorkDuration | None, day_minutes: int) -> int | None:
    if duration is None:
        return None
    return duration.days * day_minutes + duration.minutes


def _task_order(task: TaskFacts) -> tuple[datetime, int, str, int]:
    return (task.started_at or task.created_at, task.step_no, task.unit_name, task.round)


def build_run(facts: RunFacts, calendar: WorkingCalendar, *, as_of: datetime) -> RunReport:
    """The per-step table and the returns of one run, in the order things happened."""
    tasks = sorted(facts.tasks, key=_task_order)
    rows = tuple(
        judge_task(task, calendar, as_of=as_of, run_id=facts.run_id, period=facts.period)
        for task in tasks
    )
    end = facts.finished_at or as_of
    duration = max(calendar.working_minutes_between(facts.started_at, end), 0)
    return RunReport(
        run_id=facts.run_id,
        period=facts.period,
        period_label=_period_label(facts.period),
        scope_name=facts.scope_name,
        state=facts.state,
        started_at=facts.started_at,
        finished_at=facts.finished_at,
        cancel_reason=facts.cancel_reason,
        unit_names=facts.unit_names,
        duration_minutes=duration,
        duration_text=format_work_time(duration, calendar.day_minutes),
        rows=rows,
        reviews=_reviews(rows),
    )


def _reviews(rows: Sequence[StepRow]) -> tuple[ReviewSummary, ...]:
    """Per review step and unit: how many decisions, and every return with its reason."""
    grouped: dict[tuple[int, str], list[StepRow]] = defaultdict(list)
    for row in rows:
        if row.decision is not None:
            grouped[(row.step_no, row.unit_name)].append(row)
    summaries = []
    for (step_no, unit_name), decided in sorted(grouped.items()):
        notes = tuple(
            ReturnNote(
                run_id=row.run_id,
                period=row.period,
                step_no=row.step_no,
                uraian=row.uraian,
                unit_name=row.unit_name,
                round=row.round,
                decided_at=row.decision.decided_at,
                decided_by=row.decision.decided_by,
                reason=(row.decision.reason or "").strip(),
            )
            for row in decided
            if row.decision is not None and not row.decision.approved
        )
        summaries.append(ReviewSummary(step_no, decided[0].uraian, unit_name, len(decided), notes))
    return tuple(summaries)


def _period_label(text: str) -> str:
    try:
        return Period.parse(text).label
    except ValueError:
        return text


def late_steps(runs: Iterable[RunReport], day_minutes: int) -> tuple[LateStep, ...]:
    """The late steps over all runs, most often late first (then worst, then step order)."""
    grouped: dict[int, list[StepRow]] = defaultdict(list)
    for run in runs:
        for row in run.late_rows:
            grouped[row.step_no].append(row)
    found = []
    for step_no, rows in grouped.items():
        people = Counter(name for row in rows for name in row.responsible)
        worst = max(row.late_minutes for row in rows)
        found.append(
            LateStep(
                step_no=step_no,
                uraian=rows[0].uraian,
                role_name=rows[0].role_name,
                waktu_teks=rows[0].waktu_teks,
                count=len(rows),
                worst_minutes=worst,
                worst_text=format_work_time(worst, day_minutes),
                people=tuple(name for name, _ in people.most_common()),
            )
        )
    found.sort(key=lambda s: (-s.count, -s.worst_minutes, s.step_no))
    return tuple(found)


def late_percent(late: int, judged: int) -> Decimal | None:
    """``late`` of ``judged`` in %, one decimal, half up; None when nothing was judged."""
    if judged == 0:
        return None
    share = Decimal(late) * 100 / Decimal(judged)
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def assess(
    runs: Sequence[RunReport],
    steps_judged: int,
    steps_late: int,
    most_returns: int,
    rule: MonevRule,
) -> tuple[Finding, ...]:
    """The findings of the rule; the procedure runs well when none of them is failing.

    The late share is compared exactly (``late * 100 <= max * judged``), so 1 late
    step of 5 passes a 20 % threshold however the percentage is rounded.
    """
    findings: list[Finding] = []
    if not runs:
        findings.append(Finding.NOT_RUN)
    if any(run.state is RunOutcome.CANCELLED for run in runs):
        findings.append(Finding.CANCELLED)
    if steps_late:
        too_late = Decimal(steps_late) * 100 > rule.max_late_percent * steps_judged
        findings.append(Finding.TOO_LATE if too_late else Finding.SOME_LATE)
    if most_returns >= rule.frequent_returns:
        findings.append(Finding.FREQUENT_RETURNS)
    return tuple(findings)


def summarise_procedure(
    facts: ProcedureFacts,
    calendar: WorkingCalendar,
    *,
    as_of: datetime,
    rule: MonevRule = DEFAULT_RULE,
    no: int = 1,
) -> ProcedureSummary:
    """The monev row of one procedure over all its runs in the period."""
    runs = tuple(
        build_run(run, calendar, as_of=as_of)
        for run in sorted(facts.runs, key=lambda r: (r.period, r.started_at, r.run_id))
    )
    rows = [row for run in runs for row in run.rows]
    judged = sum(1 for row in rows if row.judged)
    late = sum(1 for row in rows if row.late)
    reviews = [review for run in runs for review in run.reviews]
    returns = tuple(note for review in reviews for note in review.returns)
    most_returns = max((len(review.returns) for review in reviews), default=0)
    return ProcedureSummary(
        no=no,
        sop_id=facts.sop_id,
        sop_name=facts.sop_name,
        nomor=facts.nomor,
        runs=runs,
        steps_executed=sum(1 for row in rows if row.status is TaskStatus.DONE),
        steps_judged=judged,
        steps_late=late,
        late_percent=late_percent(late, judged),
        reviews=sum(review.reviews for review in reviews),
        returns=returns,
        most_returns=most_returns,
        late_steps=late_steps(runs, calendar.day_minutes),
        cancellations=tuple(
            Cancellation(run.run_id, run.period_label, (run.cancel_reason or "").strip())
            for run in runs
            if run.state is RunOutcome.CANCELLED
        ),
        findings=assess(runs, judged, late, most_returns, rule),
        rule=rule,
    )


def build_monev(
    header: MonevHeader,
    period: Period,
    procedures: Sequence[ProcedureFacts],
    calendar: WorkingCalendar,
    *,
    as_of: datetime,
    generated_at: datetime,
    rule: MonevRule = DEFAULT_RULE,
) -> MonevReport:
    """The whole monev: one summary row per procedure, numbered from 1, with its runs."""
    return MonevReport(
        header=header,
        period=str(period),
        period_label=period.label,
        generated_at=generated_at,
        as_of=as_of,
        zone=calendar.zone,
        day_minutes=calendar.day_minutes,
        procedures=tuple(
            summarise_procedure(facts, calendar, as_of=as_of, rule=rule, no=i)
            for i, facts in enumerate(procedures, start=1)
        ),
        rule=rule,
    )
