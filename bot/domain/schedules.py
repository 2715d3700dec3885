"""When start triggers fire: "setiap tanggal 10 awal Triwulan" as concrete moments.

A trigger names a day of the month; the organisation's policy says what
happens when that day is not a working day (keep it, or move to the next
working day at the same local time). The scheduler, the CLI and messages all
ask this module, so they never disagree about when a run starts.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.domain.calendar import WorkingCalendar
from bot.domain.locale_id import day_name
from bot.domain.periods import Period
from bot.domain.sop import Trigger
from bot.domain.triggers import NonWorkingDayPolicy


@dataclass(frozen=True)
class Firing:
    """One moment a trigger starts a run."""

    at: datetime
    """Aware, in the calendar's zone."""
    nominal: date
    """The date the trigger's words name (10 January), before any shift."""
    shifted: bool
    """True when moved off a non-working ``nominal`` day."""
    period: Period
    """The period the started run reports (10 January 2027 -> 2026-TW4)."""


@dataclass(frozen=True)
class ScheduledFiring:
    """A firing together with the SOP and trigger it belongs to."""

    sop_id: str
    trigger_index: int
    """Position of the trigger in the definition's ``triggers`` (stable job ids)."""
    trigger: Trigger
    firing: Firing

    @property
    def at(self) -> datetime:
        return self.firing.at


def iter_firings(
    trigger: Trigger,
    calendar: WorkingCalendar,
    *,
    after: datetime,
    default_time: time,
) -> Iterator[Firing]:
    """Every firing strictly after ``after``, in time order, without end.

    Strictly after, so a scheduler that recomputes from the moment a job ran
    does not fire it twice.
    """
    # Checked here, not inside the generator, so a naive ``after`` fails at the call.
    after_local = calendar.localize(after)
    return _firings(trigger, calendar, after_local, trigger.jam or default_time)


def _firings(
    trigger: Trigger, calendar: WorkingCalendar, after_local: datetime, at_time: time
) -> Iterator[Firing]:
    rule = trigger.rule
    # Start one period back: its firing may have been shifted past ``after``.
    period = rule.reported_period(after_local.date())
    while True:
        nominal = rule.fire_date(period)
        day = nominal
        if trigger.non_working_day is NonWorkingDayPolicy.NEXT_WORKING_DAY:
            day = calendar.next_working_day(nominal)
        at = datetime.combine(day, at_time, tzinfo=calendar.zone)
        if at > after_local:
            yield Firing(
                at=at, nominal=nominal, shifted=day != nominal, period=rule.reported_period(nominal)
            )
        period = period.next()


def next_firings(
    trigger: Trigger,
    calendar: WorkingCalendar,
    *,
    after: datetime,
    count: int,
    default_time: time,
) -> list[Firing]:
    """The next ``count`` firings of ``trigger`` strictly after ``after``.

    ``trigger.jam`` is the local time of day, else ``default_time``.
    """
    if count < 0:
        raise ValueError("count tidak boleh negatif")
    firings = iter_firings(trigger, calendar, after=after, default_time=default_time)
    return list(itertools.islice(firings, count))


def merge_firings(
    triggers: Iterable[tuple[str, Trigger]],
    calendar: WorkingCalendar,
    *,
    after: datetime,
    count: int,
    default_time: time,
) -> list[ScheduledFiring]:
    """The next ``count`` firings of all ``(sop_id, trigger)`` pairs, in time order.

    Ties (two SOPs starting at 08.00 the same day) are ordered by SOP id and then
    by the trigger's position, so the result is stable. ``trigger_index``
    counts the triggers of each SOP in the order given.
    """
    if count < 0:
        raise ValueError("count tidak boleh negatif")
    positions: dict[str, int] = {}
    streams: list[Iterator[ScheduledFiring]] = []
    for sop_id, trigger in triggers:
        index = positions.get(sop_id, 0)
        positions[sop_id] = index + 1
        firings = iter_firings(trigger, calendar, after=after, default_time=default_time)
        streams.append(_labelled(sop_id, index, trigger, firings))
    merged = heapq.merge(*streams, key=lambda s: (s.at, s.sop_id, s.trigger_index))
    return list(itertools.islice(merged, count))


def _labelled(
    sop_id: str, index: int, trigger: Trigger, firings: Iterator[Firing]
) -> Iterator[ScheduledFiring]:
    # A function, not a generator expression: that would bind sop_id late.
    for firing in firings:
        yield ScheduledFiring(sop_id, index, trigger, firing)


def firing_note(firing: Firing, calendar: WorkingCalendar) -> str | None:
    """Why a firing is not simply on its nominal date, in Bahasa Indonesia; None if it is.

    "tanggal 10 jatuh pada Minggu; digeser ke hari kerja berikutnya", or
    "...; tetap dijalankan" when the policy keeps non-working days.
    """
    if calendar.is_working_day(firing.nominal):
        return None
    holiday = calendar.holiday_name(firing.nominal)
    if holiday and firing.nominal.weekday() in calendar.weekdays:
        reason = f"hari libur {holiday}"
    elif holiday:
        reason = f"{day_name(firing.nominal)}, hari libur {holiday}"
    else:
        reason = day_name(firing.nominal)
    action = "digeser ke hari kerja berikutnya" if firing.shifted else "tetap dijalankan"
    return f"tanggal {firing.nominal.day} jatuh pada {reason}; {action}"
