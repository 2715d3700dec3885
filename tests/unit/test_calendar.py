"""Working calendar: days, hours and working-time arithmetic (07.30-16.00, WITA)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar import LayeredDays, WorkingCalendar, build_calendar
from bot.domain.durations import WorkDuration, parse_duration
from tests.properties import examples

WITA = ZoneInfo("Asia/Makassar")


def make(**overrides: object) -> WorkingCalendar:
    options: dict[str, object] = {
        "timezone": "Asia/Makassar",
        "work_start": time(7, 30),
        "work_end": time(16, 0),
        "years": (2026,),
    }
    options.update(overrides)
    return build_calendar(**options)  # type: ignore[arg-type]


CAL = make()


def wita(*args: int) -> datetime:
    return datetime(*args, tzinfo=WITA)  # type: ignore[misc]


# --- days ------------------------------------------------------------------------------


def test_weekdays_are_working_days_and_weekends_are_not() -> None:
    assert CAL.is_working_day(date(2026, 11, 23))  # Monday
    assert CAL.is_working_day(date(2026, 11, 27))  # Friday
    assert not CAL.is_working_day(date(2026, 11, 28))  # Saturday
    assert not CAL.is_working_day(date(2026, 11, 29))  # Sunday


def test_national_holiday_is_closed_and_named_in_indonesian() -> None:
    assert not CAL.is_working_day(date(2026, 8, 17))
    assert CAL.holiday_name(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert CAL.holiday_name(date(2026, 8, 18)) is None


def test_cuti_bersama_is_closed_by_default_and_can_be_switched_off() -> None:
    assert not CAL.is_working_day(date(2026, 3, 20))
    assert "Cuti Bersama" in (CAL.holiday_name(date(2026, 3, 20)) or "")
    without = make(include_cuti_bersama=False)
    assert without.is_working_day(date(2026, 3, 20))
    assert not without.is_working_day(date(2026, 3, 19))  # Nyepi stays a holiday


def test_extra_non_working_days_from_a_mapping_or_a_list() -> None:
    named = make(extra_non_working_days={date(2026, 11, 24): "HUT Kabupaten"})
    assert not named.is_working_day(date(2026, 11, 24))
    assert named.holiday_name(date(2026, 11, 24)) == "HUT Kabupaten"
    unnamed = make(extra_non_working_days=[date(2026, 11, 24)])
    assert not unnamed.is_working_day(date(2026, 11, 24))
    assert unnamed.holiday_name(date(2026, 11, 24))


def test_extra_working_days_open_a_holiday_or_a_saturday() -> None:
    cal = make(extra_working_days=[date(2026, 3, 20), date(2026, 11, 28)])
    assert cal.is_working_day(date(2026, 3, 20))
    assert cal.holiday_name(date(2026, 3, 20)) is None
    assert cal.is_working_day(date(2026, 11, 28))


def test_holidays_of_years_not_preloaded_are_known() -> None:
    cal = make(years=())
    assert not cal.is_working_day(date(2030, 1, 1))
    assert not cal.is_working_day(date(2027, 8, 17))


def test_next_and_previous_working_day() -> None:
    assert CAL.next_working_day(date(2026, 11, 23)) == date(2026, 11, 23)
    assert CAL.next_working_day(date(2026, 11, 23), inclusive=False) == date(2026, 11, 24)
    assert CAL.next_working_day(date(2026, 11, 28)) == date(2026, 11, 30)
    # Nyepi, Idul Fitri and their cuti bersama close 18-24 March 2026.
    assert CAL.next_working_day(date(2026, 3, 18)) == date(2026, 3, 25)
    assert CAL.previous_working_day(date(2026, 3, 24)) == date(2026, 3, 17)
    assert CAL.previous_working_day(date(2026, 3, 17), inclusive=False) == date(2026, 3, 16)


def test_working_days_lists_the_open_days_of_a_range() -> None:
    days = list(CAL.working_days(date(2026, 3, 16), date(2026, 3, 27)))
    assert days == [date(2026, 3, d) for d in (16, 17, 25, 26, 27)]


def test_a_datetime_counts_by_its_local_date() -> None:
    # Sunday 23.00 UTC is Monday 07.00 WITA.
    assert CAL.is_working_day(datetime(2026, 11, 22, 23, 0, tzinfo=UTC))


# --- moments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (wita(2026, 11, 23, 7, 29), False),
        (wita(2026, 11, 23, 7, 30), True),
        (wita(2026, 11, 23, 15, 59), True),
        (wita(2026, 11, 23, 16, 0), False),
        (wita(2026, 11, 28, 10, 0), False),
        (wita(2026, 8, 17, 10, 0), False),
    ],
)
def test_is_working_time(moment: datetime, expected: bool) -> None:
    assert CAL.is_working_time(moment) is expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (wita(2026, 11, 23, 10, 0), wita(2026, 11, 23, 10, 0)),
        (wita(2026, 11, 23, 6, 0), wita(2026, 11, 23, 7, 30)),
        (wita(2026, 11, 23, 16, 0), wita(2026, 11, 24, 7, 30)),
        (wita(2026, 11, 27, 21, 0), wita(2026, 11, 30, 7, 30)),
        (wita(2026, 11, 28, 6, 0), wita(2026, 11, 30, 7, 30)),
        (wita(2026, 8, 14, 17, 0), wita(2026, 8, 18, 7, 30)),
    ],
)
def test_next_working_moment(moment: datetime, expected: datetime) -> None:
    assert CAL.next_working_moment(moment) == expected


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 11, 23, 10, 0)
    with pytest.raises(ValueError, match="naive"):
        CAL.add_working_time(naive, WorkDuration(minutes=15))
    with pytest.raises(ValueError):
        CAL.is_working_time(naive)
    with pytest.raises(ValueError):
        CAL.working_minutes_between(naive, wita(2026, 11, 23, 10, 0))


# --- adding working time ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "waktu", "expected"),
    [
        (wita(2026, 11, 23, 10, 0), "15 Menit", wita(2026, 11, 23, 10, 15)),
        (wita(2026, 11, 23, 10, 0), "1 Hari", wita(2026, 11, 24, 10, 0)),
        (wita(2026, 11, 27, 15, 0), "1 Hari", wita(2026, 11, 30, 15, 0)),  # Fri -> Mon
        (wita(2026, 11, 23, 15, 30), "1 Jam", wita(2026, 11, 24, 8, 0)),
        (wita(2026, 11, 23, 15, 0), "1 Jam", wita(2026, 11, 23, 16, 0)),  # stays at work_end
        (wita(2026, 11, 23, 7, 30), "1 Hari", wita(2026, 11, 23, 16, 0)),
        (wita(2026, 11, 23, 6, 0), "15 Menit", wita(2026, 11, 23, 7, 45)),  # before hours
        (wita(2026, 11, 23, 17, 0), "15 Menit", wita(2026, 11, 24, 7, 45)),  # after hours
        (wita(2026, 11, 28, 10, 0), "2 Jam", wita(2026, 11, 30, 9, 30)),  # Saturday
        (wita(2026, 8, 14, 10, 0), "1 Hari", wita(2026, 8, 18, 10, 0)),  # over 17 Agustus
        (wita(2026, 3, 17, 10, 0), "1 Hari", wita(2026, 3, 25, 10, 0)),  # over Lebaran
        (wita(2026, 12, 31, 15, 0), "1 Hari", wita(2027, 1, 4, 15, 0)),  # over the new year
        (wita(2026, 11, 23, 10, 0), "1 Minggu", wita(2026, 11, 30, 10, 0)),
    ],
)
def test_add_working_time(start: datetime, waktu: str, expected: datetime) -> None:
    assert CAL.add_working_time(start, parse_duration(waktu)) == expected


def test_cuti_bersama_setting_changes_a_deadline() -> None:
    start = wita(2026, 3, 17, 10, 0)
    without = make(include_cuti_bersama=False)
    assert without.add_working_time(start, WorkDuration(days=1)) == wita(2026, 3, 18, 10, 0)


def test_days_are_whole_working_days_not_24_hours() -> None:
    start = wita(2026, 11, 23, 10, 0)
    assert CAL.add_working_time(start, WorkDuration(days=1)) == CAL.add_working_time(
        start, WorkDuration(minutes=CAL.day_minutes)
    )
    assert CAL.day_minutes == 510


def test_zero_duration_keeps_a_working_moment_and_work_end() -> None:
    assert CAL.add_working_time(wita(2026, 11, 23, 16, 0), WorkDuration()) == wita(
        2026, 11, 23, 16, 0
    )
    assert CAL.add_working_time(wita(2026, 11, 28, 9, 0), WorkDuration()) == wita(
        2026, 11, 30, 7, 30
    )


def test_long_durations_span_months() -> None:
    end = CAL.add_working_time(wita(2026, 1, 5, 7, 30), parse_duration("120 hari"))
    assert CAL.working_minutes_between(wita(2026, 1, 5, 7, 30), end) == 120 * 510
    assert end.year == 2026 and end.month in (6, 7)


def test_result_is_in_the_calendar_zone_whatever_the_input_zone() -> None:
    start_utc = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10.00 WITA
    end = CAL.add_working_time(start_utc, WorkDuration(minutes=15))
    assert end.tzinfo == WITA
    assert end == wita(2026, 11, 23, 10, 15)


@pytest.mark.parametrize(
    ("zone", "working", "expected"),
    [
        ("Asia/Jakarta", False, time(8, 0)),  # 07.00 WIB: before hours, starts 07.30
        ("Asia/Makassar", True, time(8, 30)),  # 08.00 WITA
        ("Asia/Jayapura", True, time(9, 30)),  # 09.00 WIT
    ],
)
def test_indonesian_zones_use_their_own_local_hours(
    zone: str, working: bool, expected: time
) -> None:
    cal = make(timezone=zone)
    instant = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    assert cal.is_working_time(instant) is working
    end = cal.add_working_time(instant, WorkDuration(minutes=30))
    assert end.tzinfo == ZoneInfo(zone)
    assert (end.date(), end.time()) == (date(2026, 11, 23), expected)
    assert end.utcoffset() == end.astimezone(ZoneInfo(zone)).utcoffset()  # no DST games


# --- measuring lateness ----------------------------------------------------------------


def test_working_minutes_between() -> None:
    assert CAL.working_minutes_between(wita(2026, 11, 23, 15, 0), wita(2026, 11, 24, 8, 30)) == 120
    assert CAL.working_minutes_between(wita(2026, 11, 24, 8, 30), wita(2026, 11, 23, 15, 0)) == -120
    assert CAL.working_minutes_between(wita(2026, 11, 27, 16, 0), wita(2026, 11, 30, 7, 30)) == 0
    assert CAL.working_minutes_between(wita(2026, 11, 23, 9, 0), wita(2026, 11, 23, 9, 0)) == 0


def test_working_days_between_counts_whole_days_toward_zero() -> None:
    due = wita(2026, 11, 23, 16, 0)
    assert CAL.working_days_between(due, wita(2026, 11, 24, 15, 59)) == 0
    assert CAL.working_days_between(due, wita(2026, 11, 24, 16, 0)) == 1
    assert CAL.working_days_between(due, wita(2026, 11, 30, 16, 0)) == 5
    assert CAL.working_days_between(wita(2026, 11, 24, 16, 0), due) == -1


# --- construction ----------------------------------------------------------------------


def test_unknown_time_zone_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="Asia/Makasar"):
        make(timezone="Asia/Makasar")
    with pytest.raises(ValueError, match="zona waktu"):
        make(timezone="")


def test_working_hours_must_be_a_positive_span() -> None:
    with pytest.raises(ValueError, match="jam kerja"):
        make(work_start=time(16, 0), work_end=time(7, 30))


def test_weekdays_must_not_be_empty() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(zone=WITA, work_start=time(7, 30), work_end=time(16), weekdays=frozenset())


def test_a_plain_dict_is_enough_for_holidays() -> None:
    cal = WorkingCalendar(
        zone=WITA,
        work_start=time(8),
        work_end=time(12),
        non_working_days={date(2026, 11, 24): "Libur"},
    )
    assert cal.add_working_time(wita(2026, 11, 23, 11, 0), WorkDuration(days=1)) == wita(
        2026, 11, 25, 11, 0
    )


def test_layered_days_is_a_mapping_of_names() -> None:
    days = LayeredDays({date(2026, 1, 1): "Tahun Baru"}, {date(2026, 1, 2): "Ekstra"}, [])
    assert days[date(2026, 1, 1)] == "Tahun Baru"
    assert list(days) == [date(2026, 1, 1), date(2026, 1, 2)]
    assert len(days) == 2
    assert datetime(2026, 1, 1, 10, 0) not in days


# --- properties ------------------------------------------------------------------------

_STARTS = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 1), timezones=st.just(WITA)
)
_UTC_STARTS = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 1), timezones=st.just(UTC)
)
_MINUTES = st.builds(WorkDuration, minutes=st.integers(0, 3 * 510))
_DURATIONS = st.builds(WorkDuration, days=st.integers(0, 15), minutes=st.integers(0, 3 * 510))


def _total(duration: WorkDuration) -> int:
    return duration.days * CAL.day_minutes + duration.minutes


@settings(max_examples=examples(300), deadline=None)
@given(start=_STARTS | _UTC_STARTS, duration=_DURATIONS)
def test_result_is_working_time_or_exactly_work_end(
    start: datetime, duration: WorkDuration
) -> None:
    end = CAL.add_working_time(start, duration)
    at_work_end = CAL.is_working_day(end.date()) and end.time() == time(16, 0)
    assert CAL.is_working_time(end) or at_work_end
    assert end >= start
    assert end.tzinfo == WITA


@settings(max_examples=examples(300), deadline=None)
@given(start=_STARTS, a=_MINUTES, b=_MINUTES)
def test_adding_in_two_steps_equals_adding_at_once(
    start: datetime, a: WorkDuration, b: WorkDuration
) -> None:
    in_steps = CAL.add_working_time(CAL.add_working_time(start, a), b)
    at_once = CAL.add_working_time(start, WorkDuration(minutes=a.minutes + b.minutes))
    assert in_steps == at_once


@settings(max_examples=examples(300), deadline=None)
@given(start=_STARTS | _UTC_STARTS, duration=_DURATIONS)
def test_minutes_between_inverts_adding(start: datetime, duration: WorkDuration) -> None:
    end = CAL.add_working_time(start, duration)
    assert CAL.working_minutes_between(start, end) == _total(duration)
    assert CAL.working_minutes_between(end, start) == -_total(duration)


@settings(max_examples=examples(200), deadline=None)
@given(start=_STARTS, a=_DURATIONS, b=_DURATIONS)
def test_more_time_never_ends_earlier(start: datetime, a: WorkDuration, b: WorkDuration) -> None:
    short, long = sorted((a, b), key=_total)
    assert CAL.add_working_time(start, short) <= CAL.add_working_time(start, long)


@settings(max_examples=examples(200), deadline=None)
@given(moment=_STARTS | _UTC_STARTS)
def test_next_working_moment_is_working_time_not_before_the_moment(moment: datetime) -> None:
    result = CAL.next_working_moment(moment)
    assert CAL.is_working_time(result)
    assert result >= moment
    if CAL.is_working_time(moment):
        assert result == moment
    else:
        # Nothing in between is working time: it is the very next working morning.
        assert result.time() == time(7, 30)
        assert CAL.working_minutes_between(moment, result) == 0


def test_working_hours_are_whole_minutes_in_local_time() -> None:
    with pytest.raises(ValueError, match="menit"):
        make(work_start=time(7, 30, 15))
    with pytest.raises(ValueError, match="zona"):
        make(work_start=time(7, 30, tzinfo=UTC))
