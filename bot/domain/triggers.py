"""Start triggers written the way the SOP documents write them.

"setiap tanggal 10 awal Triwulan" means: on the 10th of January, April, July and
October, start the run that reports the quarter that has just ended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.periods import Period, PeriodKind


class TriggerError(ValueError):
    """A trigger text that cannot be read."""


class NonWorkingDayPolicy(StrEnum):
    KEEP = "keep"
    NEXT_WORKING_DAY = "next_working_day"


_EVERY = {
    "triwulan": PeriodKind.TRIWULAN,
    "semester": PeriodKind.SEMESTER,
    "tahun": PeriodKind.TAHUNAN,
}
_PATTERN = re.compile(
    r"^\s*setiap\s+tanggal\s+(?P<day>\d{1,2})\s+(?:bulan\s+)?(?:pertama\s+)?awal\s+"
    r"(?P<every>triwulan|semester|tahun)(?:\s+berikutnya)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TriggerRule:
    """Fires on ``day`` of the first month of every ``every`` period."""

    every: PeriodKind
    day: int

    def fire_date(self, new_period: Period) -> date:
        """The date it fires at the start of ``new_period`` (before any working-day shift)."""
        return date(new_period.year, new_period.first_month, self.day)

    def reported_period(self, fire_day: date) -> Period:
        """The period a run started on ``fire_day`` reports: the one that just ended."""
        current = _period_containing(self.every, fire_day)
        return current.previous()


def _period_containing(kind: PeriodKind, day: date) -> Period:
    if kind is PeriodKind.TRIWULAN:
        return Period.quarter_of(day)
    if kind is PeriodKind.SEMESTER:
        return Period(day.year, kind, 1 if day.month <= 6 else 2)
    return Period(day.year, kind)


def parse_trigger(text: str) -> TriggerRule:
    """Read a trigger phrase such as "setiap tanggal 10 awal Triwulan"."""
    match = _PATTERN.match(text or "")
    if not match:
        raise TriggerError(
            f"jadwal {text!r} tidak dapat dibaca; contoh: 'setiap tanggal 10 awal triwulan', "
            "'setiap tanggal 5 awal semester', 'setiap tanggal 15 awal tahun'"
        )
    day = int(match["day"])
    if not 1 <= day <= 28:
        # 29-31 do not exist in every first month (February never starts a period,
        # but keeping one rule for all kinds keeps the schedule honest).
        raise TriggerError(f"tanggal {day} tidak sah untuk jadwal; gunakan 1 sampai 28")
    return TriggerRule(every=_EVERY[match["every"].lower()], day=day)
