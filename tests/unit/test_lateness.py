"""Working time said the way people say it (a "hari" is one working day of 510 minutes)."""

from __future__ import annotations

import pytest

from bot.domain.lateness import format_lateness, format_time_left, format_work_time

DAY = 510  # 07.30-16.00


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 menit"),
        (45, "45 menit"),
        (60, "1 jam"),
        (105, "1 jam 45 menit"),
        (509, "8 jam 29 menit"),
        (510, "1 hari"),
        (630, "1 hari 2 jam"),
        (640, "1 hari 2 jam"),  # minutes dropped once there is a whole day
        (3 * 510 + 5, "3 hari"),
    ],
)
def test_work_time(minutes: int, text: str) -> None:
    assert format_work_time(minutes, DAY) == text


def test_lateness_and_time_left() -> None:
    assert format_lateness(630, DAY) == "terlambat 1 hari 2 jam"
    assert format_lateness(0, DAY) == "lewat batas waktu"
    assert format_time_left(15, DAY) == "sisa 15 menit"
    assert format_time_left(0, DAY) == "batas waktu segera tiba"


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError):
        format_work_time(-1, DAY)
    with pytest.raises(ValueError):
        format_work_time(10, 0)
