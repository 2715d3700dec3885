"""Working time as people say it: "terlambat 1 hari 2 jam", "sisa 45 menit".

Deadlines are counted in working time (a "hari" is one working day of the
organisation's calendar, ``day_minutes`` long; a "jam" is 60 working minutes),
so how late a task is must be said in the same units: a task due Friday 16.00
looked at on Monday 09.30 is "terlambat 1 jam 30 menit", not three days.
Pure functions: the caller measures the minutes with its calendar
(``WorkingCalendar.working_minutes_between``).
"""

from __future__ import annotations


def format_work_time(minutes: int, day_minutes: int) -> str:
    """``1 hari 2 jam``, ``2 jam 5 menit``, ``45 menit``, ``0 menit``.

    Minutes are left out once there is a whole day: nobody chasing a report a
    day late cares about the minutes (rounded down, never up).
    """
    if minutes < 0:
        raise ValueError("durasi tidak boleh negatif")
    if day_minutes <= 0:
        raise ValueError("panjang hari kerja harus lebih dari 0 menit")
    days, rest = divmod(minutes, day_minutes)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if mins and not days:
        parts.append(f"{mins} menit")
    return " ".join(parts) or "0 menit"


def format_lateness(minutes: int, day_minutes: int) -> str:
    """``terlambat 1 hari 2 jam`` for a task ``minutes`` of working time past its deadline.

    A deadline passed outside working hours has cost no working time yet (due
    16.00, now 19.00): it is still overdue, and says so without a figure.
    """
    if minutes < 1:
        return "lewat batas waktu"
    return f"terlambat {format_work_time(minutes, day_minutes)}"


def format_time_left(minutes: int, day_minutes: int) -> str:
    """``sisa 3 jam``: working time left before a deadline that has not passed."""
    if minutes < 1:
        return "batas waktu segera tiba"
    return f"sisa {format_work_time(minutes, day_minutes)}"
