"""The Waktu column of an SOP step: "15 Menit", "1 Jam", "2 Hari".

A "Hari" is a working day, a "Menit" or "Jam" is working time: the calendar
decides what that means in wall-clock time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class DurationError(ValueError):
    """A Waktu text that cannot be read."""


_UNITS = {
    "menit": 1,
    "mnt": 1,
    "jam": 60,
    "hari": 0,  # days are kept apart: a working day is not a fixed number of minutes
    "hr": 0,
    "minggu": 0,
}
_SINGLE = re.compile(r"^\s*(?P<amount>\d+)\s*(?:\([^)]*\)\s*)?(?P<unit>[A-Za-z]+)\s*$")


@dataclass(frozen=True, order=True)
class WorkDuration:
    """An amount of working time: whole working days plus working minutes."""

    days: int = 0
    minutes: int = 0

    def __post_init__(self) -> None:
        if self.days < 0 or self.minutes < 0:
            raise DurationError("durasi tidak boleh negatif")

    def __str__(self) -> str:
        parts = []
        if self.days:
            parts.append(f"{self.days} hari kerja")
        hours, minutes = divmod(self.minutes, 60)
        if hours:
            parts.append(f"{hours} jam")
        if minutes:
            parts.append(f"{minutes} menit")
        return " ".join(parts) or "0 menit"

    @property
    def is_zero(self) -> bool:
        return not self.days and not self.minutes


def parse_duration(text: str) -> WorkDuration:
    """Read one Waktu value such as "15 Menit", "1 Jam", "2 hari" or "1 Minggu".

    A week is five working days.
    """
    match = _SINGLE.match(text or "")
    if not match:
        raise DurationError(
            f"Waktu {text!r} tidak dapat dibaca; contoh: '15 Menit', '1 Jam', '2 Hari'"
        )
    amount = int(match["amount"])
    unit = match["unit"].lower()
    if unit not in _UNITS:
        raise DurationError(
            f"satuan waktu {match['unit']!r} tidak dikenal; gunakan Menit, Jam, Hari atau Minggu"
        )
    if unit in ("hari", "hr"):
        return WorkDuration(days=amount)
    if unit == "minggu":
        return WorkDuration(days=5 * amount)
    return WorkDuration(minutes=amount * _UNITS[unit])
