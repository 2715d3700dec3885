"""When to remind about a task: the reminder policy as a pure function of the task's times.

A reminder's key is (run, task, kind, recipient, slot); this module gives the
(kind, slot, time) part. Slot strings come only from the task's own times and
the calendar, so recomputing after a restart yields the same keys and the
reminder log sends each one at most once. "Morning" below is the policy's
``overdue_time`` on a working day (the calendar's ``work_start`` when unset or
outside working hours); all counting is working time (:mod:`bot.domain.calendar`).

=========== ===================== =================================================
kind        slot                  when
=========== ===================== =================================================
before_due  ``before``            task >= 1 working day long and the morning of the
                                  last working day before the due day is after the
                                  start: that morning. Otherwise half-way through
                                  the task's working time. Dropped unless it is
                                  after the start and >= ``min_lead_minutes`` of
                                  working time before the due time.
due         ``due``               the due time (a due time of 16.00 = work_end, or
                                  any quiet hour, moves to work_start next day).
overdue     ``overdue-<date>``    every working morning after the due day, later
                                  than the due reminder (a due reminder moved to
                                  07.30 replaces an overdue one at that moment).
escalation  ``escalate-<date>``   the first of those mornings on which the task is
                                  ``escalate_after_working_days`` whole working days
                                  overdue (``working_days_between``; weekends and
                                  holidays do not count), then each later morning
                                  too if ``escalate_daily``, else never again.
=========== ===================== =================================================

Quiet hours: nothing is placed outside working time; a slot that would be
(before/due) moves to the next working moment (``next_working_moment``: 07.30
of the next working day) and keeps its slot string.
An escalation shares its moment with that morning's overdue reminder; lists are
ordered by time, then by kind in the order of the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from bot.domain.calendar import WorkingCalendar
from bot.domain.durations import WorkDuration


class ReminderKind(StrEnum):
    BEFORE_DUE = "before_due"
    DUE = "due"
    OVERDUE = "overdue"
    ESCALATION = "escalation"


_RANK = {kind: rank for rank, kind in enumerate(ReminderKind)}


class ReminderPolicy(BaseModel):
    """An organisation's reminder choices; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    before_due: bool = True
    at_due: bool = True
    overdue_daily: bool = True
    overdue_time: time | None = None
    """Local time of the daily morning reminders; ``None`` = the calendar's work_start."""
    escalate_after_working_days: Annotated[int, Field(ge=0, le=250)] = 2
    """Tell the holder's superior once this many whole working days late; 0 = never."""
    escalate_daily: bool = True
    """After the first escalation, repeat it with each later morning reminder."""
    min_lead_minutes: Annotated[int, Field(ge=0, le=1440)] = 10
    """A before-due reminder closer than this (working minutes) to the due time is dropped."""

    @field_validator("overdue_time", mode="before")
    @classmethod
    def _time_as_text(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted 8:00 as the number 480; pydantic would take
        # a number as seconds. Neither is what the author meant.
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise PydanticCustomError("time_as_number", "time written as a number")
        return value

    @field_validator("overdue_time")
    @classmethod
    def _plain_local_time(cls, value: time | None) -> time | None:
        if value is not None and (value.tzinfo is not None or value.second or value.microsecond):
            raise PydanticCustomError("time_precision", "hours and minutes only, no zone")
        return value

    def morning(self, calendar: WorkingCalendar) -> time:
        """The daily reminder time: ``overdue_time`` if inside working hours, else work_start."""
        at = self.overdue_time
        if at is None or not calendar.work_start <= at < calendar.work_end:
            return calendar.work_start
        return at


DEFAULT_POLICY = ReminderPolicy()


@dataclass(frozen=True)
class ReminderSlot:
    """One reminder moment for one task; ``slot`` is unique per task and kind."""

    kind: ReminderKind
    at: datetime
    """Aware, in the calendar's zone, always working time."""
    slot: str


def reminder_slots(
    *,
    started_at: datetime,
    due_at: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy = DEFAULT_POLICY,
    after: datetime | None = None,
    until: datetime,
) -> list[ReminderSlot]:
    """Every slot with ``after < at <= until``, ordered by time then kind.

    Strictly after ``after`` so a scheduler recomputing from the moment it last
    sent never repeats one; ``until`` is needed because overdue reminders never
    stop while the task stays open. The slots do not depend on ``after`` or
    ``until`` except through that filter: a later ``after`` gives a suffix.
    """
    start, due = calendar.localize(started_at), calendar.localize(due_at)
    low = calendar.localize(after) if after is not None else None
    high = calendar.localize(until)
    slots: list[ReminderSlot] = []
    if policy.before_due:
        before = _before_due(start, due, calendar, policy)
        if before is not None:
            slots.append(ReminderSlot(ReminderKind.BEFORE_DUE, before, "before"))
    due_moment = calendar.next_working_moment(due)
    if policy.at_due:
        slots.append(ReminderSlot(ReminderKind.DUE, due_moment, "due"))
    floor = due_moment if policy.at_due else due
    slots.extend(_late(due, floor, high, calendar, policy))
    kept = [s for s in slots if (low is None or s.at > low) and s.at <= high]
    return sorted(kept, key=lambda s: (s.at, _RANK[s.kind]))


def next_slot(
    *,
    started_at: datetime,
    due_at: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy = DEFAULT_POLICY,
    after: datetime,
) -> ReminderSlot | None:
    """The first slot strictly after ``after``: when a scheduler should wake next.

    At that moment ask :func:`reminder_slots` for everything due, because an
    escalation shares its moment with the overdue reminder. ``None`` means
    nothing is left (all kinds switched off, or only a before/due slot that passed).
    """
    due, after = calendar.localize(due_at), calendar.localize(after)
    horizon = calendar.next_working_moment(max(due, after))
    # Two working days past the later of due/after always hold the next morning;
    # a first escalation may come up to N working days later than that.
    reach = 2 + policy.escalate_after_working_days
    until = calendar.add_working_time(horizon, WorkDuration(days=reach))
    found = reminder_slots(
        started_at=started_at,
        due_at=due_at,
        calendar=calendar,
        policy=policy,
        after=after,
        until=until,
    )
    return found[0] if found else None


def _before_due(
    start: datetime, due: datetime, calendar: WorkingCalendar, policy: ReminderPolicy
) -> datetime | None:
    length = calendar.working_minutes_between(start, due)
    if length <= 0:
        return None
    candidate: datetime | None = None
    if length >= calendar.day_minutes:
        eve = calendar.previous_working_day(due.date(), inclusive=False)
        morning = datetime.combine(eve, policy.morning(calendar), tzinfo=calendar.zone)
        if morning > start:
            candidate = morning
    if candidate is None:
        half = calendar.add_working_time(start, WorkDuration(minutes=length // 2))
        candidate = calendar.next_working_moment(half)
    lead = calendar.working_minutes_between(candidate, due)
    if candidate <= start or candidate >= due or lead < policy.min_lead_minutes:
        return None
    return candidate


def _late(
    due: datetime,
    floor: datetime,
    until: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
) -> list[ReminderSlot]:
    """Overdue and escalation slots on the working mornings after the due day, up to ``until``."""
    escalate = policy.escalate_after_working_days
    if not policy.overdue_daily and not escalate:
        return []
    at_time = policy.morning(calendar)
    slots: list[ReminderSlot] = []
    day = calendar.next_working_day(due.date(), inclusive=False)
    late_days: int | None = None
    escalated = False
    while (at := datetime.combine(day, at_time, tzinfo=calendar.zone)) <= until:
        if at > floor:
            # From one morning to the next is exactly one working day, so the
            # count only needs the calendar once.
            late_days = (
                calendar.working_days_between(due, at) if late_days is None else late_days + 1
            )
            stamp = day.isoformat()
            if policy.overdue_daily:
                slots.append(ReminderSlot(ReminderKind.OVERDUE, at, f"overdue-{stamp}"))
            if escalate and late_days >= escalate and (policy.escalate_daily or not escalated):
                slots.append(ReminderSlot(ReminderKind.ESCALATION, at, f"escalate-{stamp}"))
                escalated = True
        day = calendar.next_working_day(day, inclusive=False)
    return slots


# --- loading from organisation configuration ------------------------------------------

Lang = Literal["id", "en"]


class ReminderPolicyError(ValueError):
    """A reminder policy configuration that cannot be used; the message lists every problem."""

    def __init__(self, problems: list[str], lang: Lang = "id") -> None:
        self.problems = tuple(problems)
        title = "kebijakan pengingat tidak sah" if lang == "id" else "invalid reminder policy"
        super().__init__(title + ":\n" + "\n".join(f"- {p}" for p in problems))


def load_reminder_policy(data: Mapping[str, Any] | None, *, lang: Lang = "id") -> ReminderPolicy:
    """The policy in an organisation's config (``reminders:`` in YAML/JSON); empty = defaults.

    Every problem is reported at once, in Bahasa Indonesia (``lang="id"``) or English.
    """
    if data is None:
        return DEFAULT_POLICY
    if not isinstance(data, Mapping):
        raise ReminderPolicyError([_MESSAGES[lang]["dict_type"]], lang)
    try:
        return ReminderPolicy.model_validate(dict(data))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            template = _MESSAGES[lang].get(error["type"])
            ctx = error.get("ctx", {})
            message = template.format(known=_KNOWN, **ctx) if template else error["msg"]
            problems.append(f"{field}: {message}" if field else message)
        raise ReminderPolicyError(problems, lang) from exc


_KNOWN = ", ".join(ReminderPolicy.model_fields)
_MESSAGES: dict[Lang, dict[str, str]] = {
    "id": {
        "extra_forbidden": "kunci tidak dikenal (yang dikenal: {known})",
        "bool_type": "harus true atau false",
        "bool_parsing": "harus true atau false",
        "int_type": "harus bilangan bulat",
        "int_parsing": "harus bilangan bulat",
        "int_from_float": "harus bilangan bulat",
        "greater_than_equal": "tidak boleh kurang dari {ge}",
        "less_than_equal": "tidak boleh lebih dari {le}",
        "time_type": "harus jam seperti '08:00'",
        "time_parsing": "harus jam seperti '08:00'",
        "time_as_number": "tulis jam dalam tanda kutip, seperti '08:00'",
        "time_precision": "tulis jam dan menit saja, tanpa zona, seperti '08:00'",
        "dict_type": "harus mapping (kunci: nilai)",
        "model_type": "harus mapping (kunci: nilai)",
    },
    "en": {
        "extra_forbidden": "unknown key (known keys: {known})",
        "bool_type": "must be true or false",
        "bool_parsing": "must be true or false",
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "greater_than_equal": "must not be less than {ge}",
        "less_than_equal": "must not be more than {le}",
        "time_type": "must be a time such as '08:00'",
        "time_parsing": "must be a time such as '08:00'",
        "time_as_number": "write the time in quotes, such as '08:00'",
        "time_precision": "hours and minutes only, no zone, such as '08:00'",
        "dict_type": "must be a mapping (key: value)",
        "model_type": "must be a mapping (key: value)",
    },
}
