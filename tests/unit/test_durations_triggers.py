from datetime import date

import pytest

from bot.domain.durations import DurationError, WorkDuration, parse_duration
from bot.domain.periods import Period, PeriodKind
from bot.domain.triggers import TriggerError, parse_trigger


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 Menit", WorkDuration(minutes=15)),
        ("2 Menit", WorkDuration(minutes=2)),
        ("60 Menit", WorkDuration(minutes=60)),
        ("1 Jam", WorkDuration(minutes=60)),
        ("2 Jam", WorkDuration(minutes=120)),
        ("1 Hari", WorkDuration(days=1)),
        ("2 hari", WorkDuration(days=2)),
        ("120 Hari", WorkDuration(days=120)),
        ("1 Minggu", WorkDuration(days=5)),
        ("2 (dua) Hari", WorkDuration(days=2)),
    ],
)
def test_parse_duration(text: str, expected: WorkDuration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "Menit", "lima menit", "15", "15 detik", "1,5 Jam", "-1 Hari"]
)
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


def test_duration_text() -> None:
    assert str(WorkDuration(days=1, minutes=90)) == "1 hari kerja 1 jam 30 menit"
    assert str(WorkDuration()) == "0 menit"


@pytest.mark.parametrize(
    ("text", "every", "day"),
    [
        ("setiap tanggal 10 awal Triwulan", PeriodKind.TRIWULAN, 10),
        ("Setiap tanggal 5 awal semester", PeriodKind.SEMESTER, 5),
        ("setiap tanggal 15 awal tahun", PeriodKind.TAHUNAN, 15),
        ("setiap tanggal 1 bulan pertama awal triwulan", PeriodKind.TRIWULAN, 1),
    ],
)
def test_parse_trigger(text: str, every: PeriodKind, day: int) -> None:
    rule = parse_trigger(text)
    assert (rule.every, rule.day) == (every, day)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tanggal 10",
        "setiap tanggal 31 awal triwulan",
        "setiap hari",
        "setiap tanggal 0 awal tahun",
    ],
)
def test_parse_trigger_refuses(text: str) -> None:
    with pytest.raises(TriggerError):
        parse_trigger(text)


def test_trigger_reports_the_period_just_ended() -> None:
    rule = parse_trigger("setiap tanggal 10 awal Triwulan")
    assert rule.fire_date(Period.parse("2027-TW1")) == date(2027, 1, 10)
    assert rule.reported_period(date(2027, 1, 10)) == Period.parse("2026-TW4")
    yearly = parse_trigger("setiap tanggal 15 awal tahun")
    assert yearly.reported_period(date(2027, 1, 15)) == Period.parse("2026")
    half = parse_trigger("setiap tanggal 5 awal semester")
    assert half.reported_period(date(2026, 7, 5)) == Period.parse("2026-S1")
