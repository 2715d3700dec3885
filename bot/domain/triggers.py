"""Start triggers written the way the SOP documents write them.

A trigger names a day relative to a period (bulan, triwulan, semester,
tahun). Five phrases are understood (case and spaces do not matter; ``N`` is
a number):

``setiap tanggal N awal <periode>``
    Day N (1-28) of the period's first month. Reports the period that has
    just ended: "setiap tanggal 10 awal Triwulan" fires on 10 January,
    April, July and October, and 10 January reports TW IV of the year before.
    Also written "setiap tanggal N bulan pertama awal <periode>". With
    "untuk <periode> berjalan" at the end it reports the period that has just
    begun instead (a Perjanjian Kinerja signed early in the year it is for:
    "setiap hari kerja ke-5 awal tahun untuk tahun berjalan" reports 2027 on
    11 January 2027). The same suffix works for the two phrases below.
``setiap tanggal N setiap bulan``
    Day N (1-28) of every month; the same as "setiap tanggal N awal bulan".
    Reports the month that has just ended (5 November reports October).
``setiap hari kerja ke-N awal <periode>``
    The Nth working day (1-20) counted from the period's first day: weekends,
    national holidays and cuti bersama are skipped through the
    organisation's working calendar, so the date is always a working day.
    Reports the period that has just ended. "setiap hari kerja ke-N setiap
    bulan" is the same with <periode> = bulan.
``N hari kerja sebelum akhir <periode>``
    Counting back from the period's last day (not itself counted), the Nth
    working day (1-20): 3 hari kerja sebelum akhir TW III 2026 (Wednesday 30
    September) is Friday 25 September. Reports the CURRENT period, the one
    about to end (a reminder to close it). "setiap" may precede it. A period
    with fewer working days than that fires on its first working day.
``paling lambat tanggal N bulan berikutnya``
    Day N (1-28) of the month after the period ends: the latest day the run
    may start. The trigger starts it on that day unless someone started it
    by hand before (a triggered start never starts a period twice). Reports
    the period that ended in the month before. The period is the SOP's own
    ``frequency`` (so a bulanan SOP's October run starts by 10 November, a
    triwulan SOP's TW III run by 10 October), or named: "paling lambat
    tanggal N bulan berikutnya setelah akhir triwulan".
``paling lambat tanggal N bulan ke-M setelah akhir <periode>``
    The same in the Mth month (1-12) after the period ends ("bulan ke-M
    berikutnya" follows the SOP's frequency): an LKjIP due by the end of
    February is "paling lambat tanggal 28 bulan ke-2 setelah akhir tahun".

<periode> is one of ``bulan``, ``triwulan``, ``semester``, ``tahun``. A
calendar-day rule may land on a holiday or weekend; the definition's
``non_working_day`` policy then keeps it or moves it to the next working day.
A working-day rule always lands on a working day, so the policy never applies.

Examples (each line is checked by a test: phrase | SOP frequency | the period
whose run it starts | the day it fires, for the standard Indonesian calendar
with cuti bersama and the "next working day" policy). 1 January 2027 (Tahun
Baru) and 5 January 2027 (Isra Mikraj) are holidays, so the 5th working day
of TW I 2027 is Monday 11 January, and the 3rd of January is the 7th::

    setiap tanggal 10 awal Triwulan                         | triwulan | 2026-TW4     | 2027-01-11
    setiap tanggal 5 awal semester                          | semester | 2026-S1      | 2026-07-06
    setiap tanggal 15 awal tahun                            | tahunan  | 2026-TAHUNAN | 2027-01-15
    setiap tanggal 5 setiap bulan                           | bulanan  | 2026-10      | 2026-11-05
    setiap hari kerja ke-5 awal triwulan                    | triwulan | 2026-TW4     | 2027-01-11
    setiap hari kerja ke-3 setiap bulan                     | bulanan  | 2026-12      | 2027-01-07
    setiap hari kerja ke-5 awal tahun untuk tahun berjalan  | tahunan  | 2027-TAHUNAN | 2027-01-11
    3 hari kerja sebelum akhir triwulan                     | triwulan | 2026-TW3     | 2026-09-25
    paling lambat tanggal 10 bulan berikutnya               | bulanan  | 2026-10      | 2026-11-10
    paling lambat tanggal 10 bulan berikutnya               | triwulan | 2026-TW3     | 2026-10-12
    paling lambat tanggal 28 bulan ke-2 setelah akhir tahun | tahunan  | 2026-TAHUNAN | 2027-03-01
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.domain.periods import Period, PeriodKind

if TYPE_CHECKING:
    from bot.domain.calendar import WorkingCalendar


class TriggerError(ValueError):
    """A trigger text that cannot be read."""


class NonWorkingDayPolicy(StrEnum):
    KEEP = "keep"
    NEXT_WORKING_DAY = "next_working_day"


class Anchor(StrEnum):
    """Where in its period a trigger fires, which decides the period its run reports."""

    START = "awal"
    """In the period's first days; reports the period just ended."""
    BEFORE_END = "sebelum_akhir"
    """Before the period's last day; reports the period itself."""
    AFTER_END = "bulan_berikutnya"
    """In the month after the period ends; reports the period itself."""


KINDS = {
    "bulan": PeriodKind.BULANAN,
    "triwulan": PeriodKind.TRIWULAN,
    "semester": PeriodKind.SEMESTER,
    "tahun": PeriodKind.TAHUNAN,
}
FREQUENCIES = {
    "bulanan": PeriodKind.BULANAN,
    "triwulan": PeriodKind.TRIWULAN,
    "semester": PeriodKind.SEMESTER,
    "tahunan": PeriodKind.TAHUNAN,
}
"""The SOP schema's ``frequency`` words."""

MAX_DAY = 28
MAX_WORKING_DAYS = 20
_KIND = r"(?P<every>bulan|triwulan|semester|tahun)"
_CURRENT = r"(?P<current> untuk (?:periode|bulan|triwulan|semester|tahun) berjalan)?"
_START_DAY = re.compile(
    r"^setiap tanggal (?P<n>\d{1,2}) (?:bulan )?(?:pertama )?awal "
    + _KIND
    + r"(?: berikutnya)?"
    + _CURRENT
    + "$"
)
_MONTH_DAY = re.compile(r"^setiap tanggal (?P<n>\d{1,2}) setiap bulan" + _CURRENT + "$")
_START_WORKING = re.compile(
    r"^(?:setiap )?hari kerja ke ?-? ?(?P<n>\d{1,2}) (?:bulan pertama )?(?:awal "
    + _KIND
    + r"|setiap bulan)"
    + _CURRENT
    + "$"
)
_BEFORE_END = re.compile(r"^(?:setiap )?(?P<n>\d{1,2}) hari kerja sebelum akhir " + _KIND + "$")
_AFTER_END = re.compile(
    r"^paling lambat tanggal (?P<n>\d{1,2}) bulan (?:ke ?-? ?(?P<m>\d{1,2}) )?"
    r"(?:berikutnya(?: setelah (?:akhir )?"
    + _KIND
    + r")?|setelah (?:akhir )?(?P<after>bulan|triwulan|semester|tahun))$"
)
_EXAMPLES = (
    "'setiap tanggal 10 awal triwulan', 'setiap tanggal 5 setiap bulan', "
    "'setiap hari kerja ke-5 awal triwulan', '3 hari kerja sebelum akhir triwulan', "
    "'paling lambat tanggal 10 bulan berikutnya'"
)


@dataclass(frozen=True)
class TriggerRule:
    """When a trigger fires relative to its periods, and which period its run reports.

    Exactly one of ``day`` (a calendar day of the month) and ``working_day``
    (a count of working days) is set. ``every`` None means the SOP's own
    frequency (only "paling lambat ... bulan berikutnya" leaves it open);
    :meth:`resolved` fills it in.
    """

    every: PeriodKind | None
    anchor: Anchor = Anchor.START
    day: int | None = None
    working_day: int | None = None
    current: bool = False
    """A START rule that reports the period just begun ("untuk tahun berjalan")."""
    months_after: int = 1
    """An AFTER_END rule fires in this month after the period's end (1: the next month)."""

    @property
    def counts_working_days(self) -> bool:
        """True when the rule counts working days, so it always lands on one."""
        return self.working_day is not None

    def resolved(self, frequency: PeriodKind | str | None) -> TriggerRule:
        """This rule with its period kind, taken from the SOP's ``frequency`` when open."""
        if self.every is not None:
            return self
        if frequency is None:
            raise TriggerError(
                "'bulan berikutnya' mengikuti frequency SOP; frequency tidak diberikan"
            )
        kind = frequency if isinstance(frequency, PeriodKind) else FREQUENCIES[frequency]
        return replace(self, every=kind)

    def period_of(self, day: date) -> Period:
        """The period of the rule's kind that contains ``day``."""
        return Period.containing(self._kind(), day)

    def reported(self, anchor: Period) -> Period:
        """The period a run started by the firing of ``anchor`` reports."""
        return anchor.previous() if self.anchor is Anchor.START and not self.current else anchor

    def fire_date(self, anchor: Period, calendar: WorkingCalendar) -> date:
        """The date it fires for the period ``anchor`` (before any non-working-day shift).

        ``calendar`` counts working days (holidays and cuti bersama included);
        calendar-day rules do not look at it.
        """
        kind = self._kind()
        if anchor.kind is not kind:
            raise ValueError(f"periode {anchor} bukan periode {kind.value}")
        if self.anchor is Anchor.START:
            if self.day is not None:
                return date(anchor.year, anchor.first_month, self.day)
            return _nth_working_day(calendar, anchor.start, self._count(), timedelta(days=1))
        if self.anchor is Anchor.BEFORE_END:
            before_end = anchor.end - timedelta(days=1)
            day = _nth_working_day(calendar, before_end, self._count(), timedelta(days=-1))
            # Never before the period it reports: a short month fires on its first working day.
            return max(day, calendar.next_working_day(anchor.start))
        month = Period.containing(PeriodKind.BULANAN, anchor.end)
        for _ in range(self.months_after):
            month = month.next()
        return date(month.year, month.first_month, self._day())

    def _kind(self) -> PeriodKind:
        if self.every is None:
            raise TriggerError("periode pemicu belum ditentukan (lihat resolved)")
        return self.every

    def _count(self) -> int:
        assert self.working_day is not None
        return self.working_day

    def _day(self) -> int:
        assert self.day is not None
        return self.day


def _nth_working_day(calendar: WorkingCalendar, first: date, n: int, step: timedelta) -> date:
    """The ``n``-th working day walking from ``first`` (counted if it is one) by ``step``."""
    day = first
    found = 0
    for _ in range(366):
        if calendar.is_working_day(day):
            found += 1
            if found == n:
                return day
        day += step
    raise ValueError(f"tidak ada {n} hari kerja dalam setahun dari {first}")


def _number(text: str, low: int, high: int, what: str) -> int:
    value = int(text)
    if not low <= value <= high:
        raise TriggerError(f"{what} {value} tidak sah untuk jadwal; gunakan {low} sampai {high}")
    return value


def parse_trigger(text: str) -> TriggerRule:
    """Read a trigger phrase such as "setiap tanggal 10 awal Triwulan" (see the module doc)."""
    words = " ".join((text or "").lower().split())
    if match := _START_DAY.match(words):
        day = _number(match["n"], 1, MAX_DAY, "tanggal")
        current = bool(match["current"])
        return TriggerRule(KINDS[match["every"]], Anchor.START, day=day, current=current)
    if match := _MONTH_DAY.match(words):
        day = _number(match["n"], 1, MAX_DAY, "tanggal")
        current = bool(match["current"])
        return TriggerRule(PeriodKind.BULANAN, Anchor.START, day=day, current=current)
    if match := _START_WORKING.match(words):
        count = _number(match["n"], 1, MAX_WORKING_DAYS, "hari kerja ke-")
        kind = KINDS[match["every"]] if match["every"] else PeriodKind.BULANAN
        current = bool(match["current"])
        return TriggerRule(kind, Anchor.START, working_day=count, current=current)
    if match := _BEFORE_END.match(words):
        count = _number(match["n"], 1, MAX_WORKING_DAYS, "jumlah hari kerja")
        return TriggerRule(KINDS[match["every"]], Anchor.BEFORE_END, working_day=count)
    if match := _AFTER_END.match(words):
        day = _number(match["n"], 1, MAX_DAY, "tanggal")
        months = _number(match["m"], 1, 12, "bulan ke-") if match["m"] else 1
        named = match["every"] or match["after"]
        kind = KINDS[named] if named else None
        return TriggerRule(kind, Anchor.AFTER_END, day=day, months_after=months)
    raise TriggerError(f"jadwal {text!r} tidak dapat dibaca; contoh: {_EXAMPLES}")
