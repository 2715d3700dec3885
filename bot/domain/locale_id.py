"""Dates and times the way an Indonesian office writes them.

"Senin, 11 Januari 2027 08.00 WITA": day and month names in Bahasa Indonesia,
a dot between hours and minutes, and the zone as WIB/WITA/WIT. Written out by
hand rather than through ``locale``/``strftime``, whose output depends on the
locales installed on the server.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

DAY_NAMES: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
"""Indexed by ``date.weekday()`` (Monday = 0)."""

MONTH_NAMES: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
"""Indexed by ``month - 1``."""

ZONE_ABBREVIATIONS: dict[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
"""Indonesia's three zones by their official names (tzdata's may differ by version)."""


def day_name(d: date) -> str:
    """``Senin`` ... ``Minggu``."""
    return DAY_NAMES[d.weekday()]


def month_name(month: int) -> str:
    """``Januari`` ... ``Desember`` for 1 ... 12."""
    if not 1 <= month <= 12:
        raise ValueError(f"bulan {month} tidak sah")
    return MONTH_NAMES[month - 1]


def format_date_id(d: date, *, with_day: bool = True) -> str:
    """``Senin, 11 Januari 2027`` (or ``11 Januari 2027`` without the day name).

    A datetime is formatted by its own (local) date; convert it first if needed.
    """
    text = f"{d.day} {month_name(d.month)} {d.year}"
    return f"{day_name(d)}, {text}" if with_day else text


def format_time_id(t: time | datetime) -> str:
    """``08.00``: Indonesian writes a dot between hours and minutes."""
    return f"{t.hour:02d}.{t.minute:02d}"


def zone_abbreviation(zone: tzinfo, at: datetime | None = None) -> str:
    """WIB, WITA or WIT for Indonesian zones; otherwise the zone's own abbreviation.

    ``at`` matters only for zones with daylight saving time (CET/CEST).
    """
    key = getattr(zone, "key", None)
    if key in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[key]
    moment = at if at is not None else datetime(2000, 1, 1)
    name = zone.tzname(moment.replace(tzinfo=None))
    return name or str(key or zone)


def format_datetime_id(dt: datetime, *, with_day: bool = True, with_zone: bool = True) -> str:
    """``Senin, 11 Januari 2027 08.00 WITA``, in ``dt``'s own zone.

    A naive datetime is written without a zone: callers should pass aware,
    local datetimes (``dt.astimezone(calendar.zone)``).
    """
    text = f"{format_date_id(dt, with_day=with_day)} {format_time_id(dt)}"
    if with_zone and dt.tzinfo is not None:
        text += f" {zone_abbreviation(dt.tzinfo, dt)}"
    return text


def zone_label(zone: ZoneInfo) -> str:
    """``WITA (Asia/Makassar)``: the abbreviation people know plus the exact zone."""
    return f"{zone_abbreviation(zone)} ({zone.key})"
