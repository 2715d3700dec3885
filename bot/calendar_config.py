"""The organisation's working calendar, built from deployment settings.

Kept outside ``bot.domain`` because it reads configuration; the calendar
itself stays a pure value that tests can build by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from bot.domain.calendar import WorkingCalendar, build_calendar
from bot.settings import Settings


def calendar_from_settings(
    settings: Settings,
    *,
    extra_non_working_days: Mapping[date, str] | Iterable[date] = (),
    extra_working_days: Iterable[date] = (),
) -> WorkingCalendar:
    """The working calendar ``settings`` describe (zone, hours, cuti bersama on/off).

    Organisation-specific days (a regional holiday, a cancelled cuti bersama)
    come from organisation data and are passed in by the caller.
    """
    return build_calendar(
        timezone=settings.timezone,
        work_start=settings.work_start,
        work_end=settings.work_end,
        include_cuti_bersama=settings.include_cuti_bersama,
        extra_non_working_days=extra_non_working_days,
        extra_working_days=extra_working_days,
    )
