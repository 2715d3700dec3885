"""The working calendar: which days and hours count as working time.

An SOP's Waktu ("15 Menit", "2 Hari") is working time: a deadline set on
Friday afternoon runs on into Monday, and Idul Fitri or a cuti bersama day
does not count. Everything here is local wall-clock time in one zone; callers
pass aware datetimes (stored as UTC) and get aware datetimes in that zone.

Holidays change every year, so the calendar asks a lazily-filled mapping
(``holidays.Indonesia(expand=True)`` behind :class:`LayeredDays`) and never
needs to be told in advance which years a deadline will cross.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.durations import WorkDuration

MONDAY_TO_FRIDAY: frozenset[int] = frozenset(range(5))

_MAX_CLOSED_RUN = 366
"""Longest run of non-working days we accept before calling the calendar broken."""


class LayeredDays(Mapping[date, str]):
    """Non-working days: a base (e.g. a ``holidays`` object) plus and minus local choices.

    ``base`` may fill itself on demand (``holidays`` objects with ``expand=True``
    add a whole year the first time a date in it is asked for), so iterating
    and ``len()`` only see the years looked at so far; lookups see every year.
    """

    def __init__(
        self,
        base: Mapping[date, str],
        extra: Mapping[date, str] | None = None,
        working: Iterable[date] = (),
    ) -> None:
        self._base = base
        self._extra = dict(extra or {})
        self._working = frozenset(working)

    def __getitem__(self, day: date) -> str:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise KeyError(day)
        if day in self._working:
            raise KeyError(day)
        if day in self._extra:
            return self._extra[day]
        name = self._base.get(day)
        if name is None:
            raise KeyError(day)
        return name

    def __contains__(self, day: object) -> bool:
        try:
            self[day]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[date]:
        days = (set(self._base) | set(self._extra)) - self._working
        return iter(sorted(days))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __eq__(self, other: object) -> bool:
        # Mapping's __eq__ would compare only the years loaded so far.
        if not isinstance(other, LayeredDays):
            return NotImplemented
        return (self._base, self._extra, self._working) == (
            other._base,
            other._extra,
            other._working,
        )

    __hash__ = None  # type: ignore[assignment]


def _require_aware(dt: datetime, name: str = "datetime") -> None:
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} harus datetime, bukan {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} {dt.isoformat()} tidak memiliki zona waktu (naive)")


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and hours in one time zone.

    ``non_working_days`` maps a date to its name ("Hari Raya Idul Fitri") so
    messages can say why a day is skipped; weekends are closed by ``weekdays``.
    """

    zone: ZoneInfo
    work_start: time
    work_end: time
    non_working_days: Mapping[date, str] = field(default_factory=dict, hash=False)
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    extra_working_days: frozenset[date] = frozenset()
    """Days worked although closed otherwise (a Saturday swapped for a cuti bersama)."""

    def __post_init__(self) -> None:
        if not isinstance(self.zone, ZoneInfo):
            raise TypeError("zone harus ZoneInfo")
        if self.work_start.tzinfo is not None or self.work_end.tzinfo is not None:
            raise ValueError("jam kerja ditulis sebagai jam lokal tanpa zona")
        if any(t.second or t.microsecond for t in (self.work_start, self.work_end)):
            raise ValueError("jam kerja ditulis dalam jam dan menit saja")
        if not self.work_start < self.work_end:
            raise ValueError(
                f"jam kerja tidak sah: mulai {self.work_start} "
                f"harus sebelum selesai {self.work_end}"
            )
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("hari kerja harus berisi angka 0 (Senin) sampai 6 (Minggu)")

    # --- days -----------------------------------------------------------------------
    @property
    def day_minutes(self) -> int:
        """Working minutes in one working day (510 for 07.30-16.00): the length of 1 Hari."""
        return _minutes(self.work_end) - _minutes(self.work_start)

    def is_working_day(self, d: date) -> bool:
        """Weekday in ``weekdays`` and not a holiday; an aware datetime counts by its local date."""
        day = self._local_date(d)
        if day in self.extra_working_days:
            return True
        return day.weekday() in self.weekdays and day not in self.non_working_days

    def holiday_name(self, d: date) -> str | None:
        """Why ``d`` is closed besides being a weekend ("Hari Raya Natal"), if it is."""
        day = self._local_date(d)
        if day in self.extra_working_days:
            return None
        return self.non_working_days.get(day)

    def next_working_day(self, d: date, *, inclusive: bool = True) -> date:
        """``d`` itself when it is a working day (and ``inclusive``), else the next one."""
        day = self._local_date(d)
        if not inclusive:
            day += timedelta(days=1)
        return self._walk(day, timedelta(days=1))

    def previous_working_day(self, d: date, *, inclusive: bool = True) -> date:
        """``d`` itself when it is a working day (and ``inclusive``), else the one before."""
        day = self._local_date(d)
        if not inclusive:
            day -= timedelta(days=1)
        return self._walk(day, timedelta(days=-1))

    def working_days(self, first: date, last: date) -> Iterator[date]:
        """Working days from ``first`` to ``last``, both included."""
        day = self._local_date(first)
        last = self._local_date(last)
        while day <= last:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)

    # --- moments --------------------------------------------------------------------
    def localize(self, dt: datetime) -> datetime:
        """``dt`` (aware) as wall-clock time in the calendar's zone."""
        _require_aware(dt)
        return dt.astimezone(self.zone)

    def is_working_time(self, dt: datetime) -> bool:
        """Inside working hours (work_start inclusive, work_end exclusive) on a working day."""
        local = self.localize(dt)
        return self.is_working_day(local.date()) and self.work_start <= local.time() < self.work_end

    def next_working_moment(self, dt: datetime) -> datetime:
        """``dt`` if it is working time, else work_start of the next working morning.

        This is what quiet hours need: a reminder due at 21.00 waits until 07.30.
        """
        local = self.localize(dt)
        if self.is_working_time(local):
            return local
        day = local.date()
        if local.time() >= self.work_start:
            day += timedelta(days=1)
        return self._at(self.next_working_day(day), self.work_start)

    def add_working_time(self, start: datetime, duration: WorkDuration) -> datetime:
        """The moment ``duration`` of working time after ``start``.

        A day is ``day_minutes`` of working time, so Monday 10.00 + 1 Hari is
        Tuesday 10.00 and Friday 15.00 + 1 Hari is Monday 15.00. A start outside
        working time starts at the next working morning. A result that fills a
        day exactly stays at work_end of that day (a deadline "today at 16.00",
        not "tomorrow at 07.30").
        """
        remaining = timedelta(minutes=duration.days * self.day_minutes + duration.minutes)
        day_length = timedelta(minutes=self.day_minutes)
        day, offset = self._position(self.localize(start))
        while True:
            room = day_length - offset
            if remaining <= room:
                return self._at(day, self.work_start) + offset + remaining
            remaining -= room
            day = self.next_working_day(day, inclusive=False)
            offset = timedelta()

    def working_minutes_between(self, a: datetime, b: datetime) -> int:
        """Working minutes from ``a`` to ``b``; negative when ``b`` is before ``a``.

        The inverse of :meth:`add_working_time`: how late something is. Whole
        minutes, rounded down (seconds inside working time are dropped).
        """
        start, end = self.localize(a), self.localize(b)
        if end < start:
            return -self.working_minutes_between(b, a)
        total = timedelta()
        for day in self.working_days(start.date(), end.date()):
            open_, close = self._at(day, self.work_start), self._at(day, self.work_end)
            overlap = min(close, end) - max(open_, start)
            if overlap > timedelta():
                total += overlap
        return int(total.total_seconds() // 60)

    def working_days_between(self, a: datetime, b: datetime) -> int:
        """Whole working days (of ``day_minutes``) from ``a`` to ``b``, toward zero.

        Consistent with :meth:`add_working_time`: a task due Monday 16.00 is one
        working day overdue from Tuesday 16.00 on.
        """
        minutes = self.working_minutes_between(a, b)
        days = abs(minutes) // self.day_minutes
        return days if minutes >= 0 else -days

    # --- helpers --------------------------------------------------------------------
    def _local_date(self, d: date) -> date:
        if isinstance(d, datetime):
            return self.localize(d).date()
        return d

    def _walk(self, day: date, step: timedelta) -> date:
        for _ in range(_MAX_CLOSED_RUN):
            if self.is_working_day(day):
                return day
            day += step
        raise ValueError(f"tidak ada hari kerja dalam {_MAX_CLOSED_RUN} hari dari {day}")

    def _at(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone)

    def _position(self, local: datetime) -> tuple[date, timedelta]:
        """Where working time starts counting from ``local``: a working day and the time into it.

        Unlike :meth:`next_working_moment`, work_end itself is a valid position
        (the whole day used up), which keeps adding in steps equal to adding at once.
        """
        day = local.date()
        if self.is_working_day(day) and self.work_start <= local.time() <= self.work_end:
            return day, local.replace(tzinfo=None) - datetime.combine(day, self.work_start)
        if local.time() > self.work_start:
            day += timedelta(days=1)
        return self.next_working_day(day), timedelta()


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def load_zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` named ``name``, or a ValueError a person can act on."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(
            f"zona waktu {name!r} tidak dikenal; contoh: Asia/Makassar (WITA), "
            "Asia/Jakarta (WIB), Asia/Jayapura (WIT)"
        ) from exc


def build_calendar(
    *,
    timezone: str,
    work_start: time,
    work_end: time,
    years: Iterable[int] = (),
    include_cuti_bersama: bool = True,
    extra_non_working_days: Mapping[date, str] | Iterable[date] = (),
    extra_working_days: Iterable[date] = (),
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY,
) -> WorkingCalendar:
    """An Indonesian working calendar from the ``holidays`` package plus local choices.

    National holidays come from the 'public' category and cuti bersama from
    'government'. Cuti bersama is fixed each year by a joint decree, and some
    regions add their own days: ``extra_non_working_days`` closes more days,
    ``extra_working_days`` opens days that would be closed (a holiday the
    region works, or a Saturday worked in exchange). ``years`` only
    preloads; any other year is filled in the first time it is asked about.
    """
    # Imported here so the rest of the domain never loads the package.
    import holidays

    zone = load_zone(timezone)
    categories = ("public", "government") if include_cuti_bersama else ("public",)
    base = holidays.country_holidays(
        "ID", years=list(years), expand=True, language="id", categories=categories
    )
    if isinstance(extra_non_working_days, Mapping):
        extra = dict(extra_non_working_days)
    else:
        extra = dict.fromkeys(extra_non_working_days, "Hari libur setempat")
    working = frozenset(extra_working_days)
    return WorkingCalendar(
        zone=zone,
        work_start=work_start,
        work_end=work_end,
        non_working_days=LayeredDays(base, extra, working),
        weekdays=weekdays,
        extra_working_days=working,
    )
