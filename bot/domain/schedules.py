"""When start triggers fire: "setiap tanggal 10 awal Triwulan" as concrete moments.

A trigger names a day of the month or a count of working days (see
:mod:`bot.domain.triggers`); the working calendar passed in counts the
working days (holidays and cuti bersama included), and the organisation's
policy says what happens when a calendar day is not a working day (keep it,
or move to the next working day at the same local time). The scheduler, the
CLI and messages all ask this module, so they never disagree about when a run
starts. ``frequency`` is the SOP's own (``bulanan``, ``triwulan``...): the
"paling lambat tanggal N bulan berikutnya" rule follows it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.calendar import WorkingCalendar
from bot.domain.locale_id import day_name
from bot.domain.periods import Period, PeriodKind
from bot.domain.sop import Trigger
from bot.domain.triggers import NonWorkingDayPolicy, TriggerRule


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
    frequency: PeriodKind | str | None = None,
) -> Iterator[Firing]:
    """Every firing strictly after ``after``, in time order, without end.

    Strictly after, so a scheduler that recomputes from the moment a job ran
    does not fire it twice. ``frequency`` (the SOP's) is needed only by rules
    that follow it ("paling lambat tanggal 10 bulan berikutnya").
    """
    # Checked here, not inside the generator, so a naive ``after`` fails at the call.
    after_local = calendar.localize(after)
    rule = trigger.rule.resolved(frequency)
    return _firings(trigger, rule, calendar, after_local, trigger.jam or default_time)


def _firings(
    trigger: Trigger,
    rule: TriggerRule,
    calendar: WorkingCalendar,
    after_local: datetime,
    at_time: time,
) -> Iterator[Firing]:
    # Start far enough back: a firing months after its period's end ("bulan ke-2
    # setelah akhir tahun") or one shifted off a holiday may still lie after ``after``.
    # Fire dates grow with the period, so step back until one is a month before.
    anchor = rule.period_of(after_local.date())
    horizon = after_local.date() - timedelta(days=31)
    while rule.fire_date(anchor, calendar) >= horizon:
        anchor = anchor.previous()
    while True:
        nominal = rule.fire_date(anchor, calendar)
        day = nominal
        if trigger.non_working_day is NonWorkingDayPolicy.NEXT_WORKING_DAY:
            day = calendar.next_working_day(nominal)
        at = datetime.combine(day, at_time, tzinfo=calendar.zone)
        if at > after_local:
            yield Firing(
                at=at, nominal=nominal, shifted=day != nominal, period=rule.reported(anchor)
            )
        anchor = anchor.next()


def next_firings(
    trigger: Trigger,
    calendar: WorkingCalendar,
    *,
    after: datetime,
    count: int,
    default_time: time,
    frequency: PeriodKind | str | None = None,
) -> list[Firing]:
    """The next ``count`` firings of ``trigger`` strictly after ``after``.

    ``trigger.jam`` is the local time of day, else ``default_time``.
    """
    if count < 0:
        raise ValueError("count tidak boleh negatif")
    firings = iter_firings(
        trigger, calendar, after=after, default_time=default_time, frequency=frequency
    )
    return list(itertools.islice(firings, count))


def merge_firings(
    triggers: Iterable[tuple[str, Trigger]],
    calendar: WorkingCalendar,
    *,
    after: datetime,
    count: int,
    default_time: time,
    frequencies: dict[str, PeriodKind | str] | None = None,
) -> list[ScheduledFiring]:
    """The next ``count`` firings of all ``(sop_id, trigger)`` pairs, in time order.

    ``frequencies`` maps an SOP id to its frequency, for rules that follow it.

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
        firings = iter_firings(
            trigger,
            calendar,
            after=after,
            default_time=default_time,
            frequency=(frequencies or {}).get(sop_id),
        )
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
