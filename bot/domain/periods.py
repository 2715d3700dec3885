"""Reporting periods: bulanan (1-12), triwulan (TW I-IV), semester (I-II) and tahunan.

Written as ``2026-10``, ``2026-TW3``, ``2026-S1`` and ``2026-TAHUNAN``;
``2026-Q3``, ``2026-SEM1``, ``2026/10`` and ``2026`` are accepted on input.
A month is its own period (monitoring a Rencana Aksi monthly); it is not made
of quarters, but the month that ends a quarter, a semester or the year closes
those reports too (March closes TW I, June TW II and semester I, December all
of them), as TW II closes semester I.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.locale_id import MONTH_NAMES


class PeriodKind(StrEnum):
    BULANAN = "BULAN"
    TRIWULAN = "TW"
    SEMESTER = "S"
    TAHUNAN = "TAHUNAN"


class ReportType(StrEnum):
    """The kinds of report a period closes; SOP steps run only for some of them."""

    BULANAN = "bulanan"
    TRIWULAN = "triwulan"
    SEMESTER = "semester"
    TAHUNAN = "tahunan"


class PeriodError(ValueError):
    """A period text that cannot be read."""


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_PATTERN = re.compile(
    r"^\s*(?P<year>\d{4})(?:\s*[-/ ]\s*(?P<kind>TW|Q|S|SEM|TAHUNAN|TH|Y)\s*(?P<index>[1-4])?)?\s*$",
    re.IGNORECASE,
)
_MONTH_PATTERN = re.compile(r"^\s*(?P<year>\d{4})\s*[-/]\s*(?P<month>\d{1,2})\s*$")
_MAX_INDEX = {
    PeriodKind.BULANAN: 12,
    PeriodKind.TRIWULAN: 4,
    PeriodKind.SEMESTER: 2,
    PeriodKind.TAHUNAN: 1,
}
_MONTHS = {
    PeriodKind.BULANAN: 1,
    PeriodKind.TRIWULAN: 3,
    PeriodKind.SEMESTER: 6,
    PeriodKind.TAHUNAN: 12,
}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: PeriodKind
    index: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.index <= _MAX_INDEX[self.kind]:
            raise PeriodError(f"indeks {self.index} tidak sah untuk {self.kind.value}")
        if not 1900 <= self.year <= 9999:
            raise PeriodError(f"tahun {self.year} tidak sah")

    # --- construction -------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2026-TW3`` (also ``2026-Q3``, ``2026-S1``, ``2026-SEM2``, ``2026``, ``2026-10``).

        ``2026-10`` is a month (October 2026).
        """
        month = _MONTH_PATTERN.match(text or "")
        if month:
            if not 1 <= int(month["month"]) <= 12:
                raise PeriodError(f"periode {text!r}: bulan {int(month['month'])} tidak ada")
            return cls(int(month["year"]), PeriodKind.BULANAN, int(month["month"]))
        match = _PATTERN.match(text or "")
        if not match:
            raise PeriodError(
                f"periode {text!r} tidak dikenali; contoh: 2026-10 (bulan), 2026-TW3, "
                "2026-S1, 2026-TAHUNAN"
            )
        year = int(match["year"])
        raw_kind = (match["kind"] or "TAHUNAN").upper()
        index = match["index"]
        if raw_kind in ("TW", "Q"):
            kind = PeriodKind.TRIWULAN
        elif raw_kind in ("S", "SEM"):
            kind = PeriodKind.SEMESTER
        else:
            kind = PeriodKind.TAHUNAN
            if index is not None:
                raise PeriodError(f"periode {text!r}: tahunan tidak memakai nomor")
        if kind is not PeriodKind.TAHUNAN and index is None:
            raise PeriodError(f"periode {text!r}: nomor triwulan/semester tidak ada")
        return cls(year, kind, int(index or 1))

    @classmethod
    def quarter(cls, year: int, index: int) -> Period:
        return cls(year, PeriodKind.TRIWULAN, index)

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        """The quarter that contains ``day``."""
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, PeriodKind.BULANAN, month)

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        """The period of ``kind`` that contains ``day``."""
        return cls(day.year, kind, (day.month - 1) // _MONTHS[kind] + 1)

    @classmethod
    def quarter_before(cls, day: date) -> Period:
        """The quarter that ended most recently before ``day``'s quarter began.

        A trigger on 10 January reports TW IV of the previous year.
        """
        return cls.quarter_of(day).previous()

    # --- text -----------------------------------------------------------------------
    def __str__(self) -> str:
        if self.kind is PeriodKind.BULANAN:
            return f"{self.year}-{self.index:02d}"
        if self.kind is PeriodKind.TAHUNAN:
            return f"{self.year}-TAHUNAN"
        return f"{self.year}-{self.kind.value}{self.index}"

    @property
    def label(self) -> str:
        """Human label in Bahasa Indonesia: ``Triwulan III 2026``, ``Oktober 2026``."""
        if self.kind is PeriodKind.BULANAN:
            return f"{MONTH_NAMES[self.index - 1]} {self.year}"
        if self.kind is PeriodKind.TRIWULAN:
            return f"Triwulan {_ROMAN[self.index]} {self.year}"
        if self.kind is PeriodKind.SEMESTER:
            return f"Semester {_ROMAN[self.index]} {self.year}"
        return f"Tahun {self.year}"

    # --- calendar ---------------------------------------------------------------------
    @property
    def first_month(self) -> int:
        if self.kind is PeriodKind.BULANAN:
            return self.index
        if self.kind is PeriodKind.TRIWULAN:
            return 3 * (self.index - 1) + 1
        if self.kind is PeriodKind.SEMESTER:
            return 6 * (self.index - 1) + 1
        return 1

    @property
    def months(self) -> int:
        return _MONTHS[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """Last day of the period (inclusive)."""
        last_month = self.first_month + self.months - 1
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)

    def quarters(self) -> tuple[Period, ...]:
        """The quarters this period is made of (a quarter is made of itself; a month of none)."""
        first = (self.first_month - 1) // 3 + 1
        return tuple(Period.quarter(self.year, i) for i in range(first, first + self.months // 3))

    def previous(self) -> Period:
        if self.kind is PeriodKind.TAHUNAN:
            return Period(self.year - 1, self.kind)
        if self.index == 1:
            return Period(self.year - 1, self.kind, _MAX_INDEX[self.kind])
        return Period(self.year, self.kind, self.index - 1)

    def earlier_in_year(self) -> tuple[Period, ...]:
        """This year's periods of its kind before it, in order (none for the first, or a year)."""
        return tuple(Period(self.year, self.kind, i) for i in range(1, self.index))

    def next(self) -> Period:
        if self.kind is PeriodKind.TAHUNAN:
            return Period(self.year + 1, self.kind)
        if self.index == _MAX_INDEX[self.kind]:
            return Period(self.year + 1, self.kind, 1)
        return Period(self.year, self.kind, self.index + 1)

    def report_types(self) -> frozenset[ReportType]:
        """Which reports fall due when this period closes.

        TW II closes semester I and TW IV closes semester II and the year, so a
        quarterly run for those quarters also runs the semester (and annual) steps;
        likewise a month closes the quarter, semester and year it ends (2026-06:
        bulanan, triwulan, semester).
        """
        end_month = self.first_month + self.months - 1
        due: set[ReportType] = set()
        if self.kind is PeriodKind.BULANAN:
            due.add(ReportType.BULANAN)
        if self.kind is PeriodKind.TRIWULAN or (
            self.kind is PeriodKind.BULANAN and end_month % 3 == 0
        ):
            due.add(ReportType.TRIWULAN)
        if end_month in (6, 12) and self.kind is not PeriodKind.TAHUNAN:
            due.add(ReportType.SEMESTER)
        if end_month == 12:
            due.add(ReportType.TAHUNAN)
        return frozenset(due)

    def month_numbers(self) -> frozenset[int]:
        """The months of the year (1-12) this period covers: TW II is {4, 5, 6}."""
        return frozenset(range(self.first_month, self.first_month + self.months))

    def due(self) -> Due:
        """What a run of this period makes due: the reports it closes, the months it covers."""
        return Due(self.report_types(), self.month_numbers())


@dataclass(frozen=True)
class Due:
    """What one run's period makes due, for the steps that run only in some periods.

    A step runs when the period closes one of its ``report_types`` and covers one
    of its ``months`` (``bot.domain.workflow.runs_in``).
    """

    reports: frozenset[ReportType]
    months: frozenset[int] = frozenset(range(1, 13))

    @classmethod
    def of(cls, period: str) -> Due:
        """``Due.of("2026-TW3")``: what a run of that period makes due."""
        return Period.parse(period).due()
