"""Completeness and timeliness of reporting, per unit and period (the DHIS2 rates).

Pure rules over plain facts, no database and no clock:

* a unit's data for a period is **complete** when every indicator it reports has an
  accepted figure: an approved value or an approved "belum ada data" (in a procedure
  whose run ends without a review of the unit's figures, the completed run accepts
  what was submitted);
* it is **timely** when it is complete and was accepted no later than
  ``timeliness_days`` calendar days after the period's last day, counted in the
  organisation's local calendar (the day of acceptance, in its time zone);
* an organisation's **rates** for a period are the shares of its units that are
  complete and timely; :func:`last_quarters` names the quarters a board shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from bot.domain.periods import Period


@dataclass(frozen=True)
class UnitPeriodFacts:
    """What is known of one unit's data for one period."""

    unit_code: str
    unit_name: str
    period: Period
    indicators: int
    """How many indicators the unit reports for the period."""
    accepted: int
    """How many of them have an accepted figure (value or "belum ada data")."""
    accepted_at: datetime | None = None
    """When the unit's data was last accepted (approval, or the run's end); aware."""


@dataclass(frozen=True)
class UnitTimeliness:
    unit_code: str
    unit_name: str
    period: Period
    indicators: int
    accepted: int
    complete: bool
    timely: bool
    deadline: date
    """The last local day on which acceptance still counts as on time."""
    accepted_on: date | None
    """The local day the data was accepted (None: not complete)."""
    days_late: int
    """Calendar days after the deadline (0 when on time or not complete)."""


@dataclass(frozen=True)
class PeriodRates:
    """An organisation's completeness and timeliness for one period."""

    period: Period
    units: int
    complete: int
    timely: int

    @property
    def complete_percent(self) -> Decimal | None:
        return _percent(self.complete, self.units)

    @property
    def timely_percent(self) -> Decimal | None:
        return _percent(self.timely, self.units)

    @property
    def text(self) -> str:
        """``Kelengkapan 2/3 unit, tepat waktu 1/3`` (what /status and the CLI print)."""
        return (
            f"Kelengkapan {self.complete}/{self.units} unit, tepat waktu {self.timely}/{self.units}"
        )


def deadline(period: Period, timeliness_days: int) -> date:
    """The last day on which data for ``period`` is on time."""
    return period.end + timedelta(days=timeliness_days)


def days_after_period(period: Period, moment: datetime, zone: ZoneInfo) -> int:
    """Calendar days between the period's end and ``moment``'s local day (negative: before)."""
    return (moment.astimezone(zone).date() - period.end).days


LATE_FLAG = "late"
"""The ``Measurement.flags`` entry of a figure saved after the edit window closed."""


def late_entry(
    period: Period, moment: datetime, zone: ZoneInfo, edit_window_days: int | None
) -> bool:
    """Saved more than ``edit_window_days`` calendar days after the period (None: no window)."""
    if edit_window_days is None:
        return False
    return days_after_period(period, moment, zone) > edit_window_days


def assess(facts: UnitPeriodFacts, timeliness_days: int, zone: ZoneInfo) -> UnitTimeliness:
    """Whether one unit's data for one period came, and came on time."""
    complete = facts.indicators > 0 and facts.accepted >= facts.indicators
    last_day = deadline(facts.period, timeliness_days)
    accepted_on = (
        facts.accepted_at.astimezone(zone).date()
        if complete and facts.accepted_at is not None
        else None
    )
    timely = accepted_on is not None and accepted_on <= last_day
    late = (accepted_on - last_day).days if accepted_on is not None and not timely else 0
    return UnitTimeliness(
        unit_code=facts.unit_code,
        unit_name=facts.unit_name,
        period=facts.period,
        indicators=facts.indicators,
        accepted=facts.accepted,
        complete=complete,
        timely=timely,
        deadline=last_day,
        accepted_on=accepted_on,
        days_late=late,
    )


def rates(assessed: Iterable[UnitTimeliness]) -> list[PeriodRates]:
    """Per period (oldest first): how many units, how many complete, how many on time."""
    by_period: dict[Period, list[UnitTimeliness]] = {}
    for item in assessed:
        by_period.setdefault(item.period, []).append(item)
    return [
        PeriodRates(
            period=period,
            units=len(items),
            complete=sum(1 for i in items if i.complete),
            timely=sum(1 for i in items if i.timely),
        )
        for period, items in sorted(by_period.items())
    ]


def last_quarters(latest: Period, count: int) -> list[Period]:
    """``count`` quarters ending with ``latest``'s last quarter, oldest first.

    For a month: the ``count`` months ending with it.
    """
    quarter = latest.quarters()[-1] if latest.quarters() else latest
    found = [quarter]
    while len(found) < count:
        found.append(found[-1].previous())
    return list(reversed(found))


def timeliness_note(item: UnitTimeliness) -> str:
    """A unit's status in a few words, for reports: ``Tepat waktu``, ``Terlambat 3 hari``..."""
    if not item.complete:
        return f"Belum lengkap ({item.accepted}/{item.indicators} indikator)"
    if item.timely:
        return "Tepat waktu"
    return f"Terlambat {item.days_late} hari"


def summary_text(items: Sequence[PeriodRates]) -> str:
    """``TW II 2026: 100% / 67%; TW III 2026: ...`` (complete % / timely %)."""
    parts = []
    for item in items:
        label = item.period.label.replace("Triwulan ", "TW ")
        parts.append(
            f"{label}: {_percent_text(item.complete_percent)} lengkap, "
            f"{_percent_text(item.timely_percent)} tepat waktu"
        )
    return "; ".join(parts)


def _percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _percent_text(value: Decimal | None) -> str:
    return "-" if value is None else f"{value}%"
