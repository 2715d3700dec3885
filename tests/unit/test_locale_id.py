"""Indonesian date and time formatting for messages and reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.locale_id import (
    day_name,
    format_date_id,
    format_datetime_id,
    format_time_id,
    month_name,
    zone_abbreviation,
    zone_label,
)


def test_day_and_month_names() -> None:
    assert day_name(date(2027, 1, 11)) == "Senin"
    assert day_name(date(2027, 1, 10)) == "Minggu"
    assert day_name(date(2027, 1, 15)) == "Jumat"
    assert month_name(8) == "Agustus"
    with pytest.raises(ValueError):
        month_name(13)


def test_dates_and_times() -> None:
    assert format_date_id(date(2026, 8, 17)) == "Senin, 17 Agustus 2026"
    assert format_date_id(date(2026, 8, 17), with_day=False) == "17 Agustus 2026"
    assert format_time_id(time(8, 5)) == "08.05"


@pytest.mark.parametrize(
    ("zone", "abbreviation"),
    [
        ("Asia/Jakarta", "WIB"),
        ("Asia/Pontianak", "WIB"),
        ("Asia/Makassar", "WITA"),
        ("Asia/Jayapura", "WIT"),
        ("Asia/Tokyo", "JST"),
    ],
)
def test_zone_abbreviations(zone: str, abbreviation: str) -> None:
    assert zone_abbreviation(ZoneInfo(zone)) == abbreviation


def test_daylight_saving_zones_use_the_abbreviation_of_the_moment() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert zone_abbreviation(berlin, datetime(2026, 7, 1, 12, tzinfo=berlin)) == "CEST"
    assert zone_abbreviation(berlin, datetime(2026, 1, 1, 12, tzinfo=berlin)) == "CET"


def test_datetimes_are_written_in_their_own_zone() -> None:
    wita = ZoneInfo("Asia/Makassar")
    moment = datetime(2027, 1, 11, 8, 0, tzinfo=wita)
    assert format_datetime_id(moment) == "Senin, 11 Januari 2027 08.00 WITA"
    assert format_datetime_id(moment, with_zone=False) == "Senin, 11 Januari 2027 08.00"
    assert format_datetime_id(moment.astimezone(UTC)) == "Senin, 11 Januari 2027 00.00 UTC"
    assert format_datetime_id(datetime(2027, 1, 11, 8, 0)) == "Senin, 11 Januari 2027 08.00"
    assert zone_label(wita) == "WITA (Asia/Makassar)"
