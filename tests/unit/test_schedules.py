"""Trigger schedules: "setiap tanggal 10 awal Triwulan" as concrete local moments."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar import build_calendar
from bot.domain.periods import Period
from bot.domain.schedules import Firing, firing_note, iter_firings, merge_firings, next_firings
from bot.domain.sop import Trigger
from bot.domain.triggers import NonWorkingDayPolicy
from tests.properties import examples

WITA = ZoneInfo("Asia/Makassar")
CAL = build_calendar(
    timezone="Asia/Makassar", work_start=time(7, 30), work_end=time(16, 0), years=(2026, 2027)
)
EIGHT = time(8, 0)
QUARTERLY = Trigger(teks="setiap tanggal 10 awal Triwulan")
QUARTERLY_KEEP = Trigger(
    teks="setiap tanggal 10 awal Triwulan", non_working_day=NonWorkingDayPolicy.KEEP
)


def wita(*args: int) -> datetime:
    return datetime(*args, tzinfo=WITA)  # type: ignore[misc]


def first(trigger: Trigger, after: datetime) -> Firing:
    return next_firings(trigger, CAL, after=after, count=1, default_time=EIGHT)[0]


def test_sunday_10_january_moves_to_monday_and_reports_tw4() -> None:
    firing = first(QUARTERLY, wita(2026, 11, 23, 0, 0))
    assert firing == Firing(
        at=wita(2027, 1, 11, 8, 0),
        nominal=date(2027, 1, 10),
        shifted=True,
        period=Period.parse("2026-TW4"),
    )
    assert firing.at.tzinfo == WITA
    assert firing_note(firing, CAL) == (
        "tanggal 10 jatuh pada Minggu; digeser ke hari kerja berikutnya"
    )


def test_keep_policy_fires_on_the_sunday() -> None:
    firing = first(QUARTERLY_KEEP, wita(2026, 11, 23, 0, 0))
    assert firing.at == wita(2027, 1, 10, 8, 0)
    assert not firing.shifted
    assert firing.period == Period.parse("2026-TW4")
    assert firing_note(firing, CAL) == "tanggal 10 jatuh pada Minggu; tetap dijalankan"


def test_a_year_of_quarterly_firings() -> None:
    firings = next_firings(QUARTERLY, CAL, after=wita(2026, 11, 23), count=4, default_time=EIGHT)
    assert [(f.at, str(f.period)) for f in firings] == [
        (wita(2027, 1, 11, 8, 0), "2026-TW4"),
        (wita(2027, 4, 12, 8, 0), "2027-TW1"),  # Saturday 10 April
        (wita(2027, 7, 12, 8, 0), "2027-TW2"),  # Saturday 10 July
        (wita(2027, 10, 11, 8, 0), "2027-TW3"),  # Sunday 10 October
    ]
    assert all(f.shifted for f in firings)


def test_a_working_day_firing_is_not_shifted_and_has_no_note() -> None:
    firing = first(QUARTERLY, wita(2026, 1, 1))  # Saturday 10 January 2026 -> 12th
    assert firing.at == wita(2026, 1, 12, 8, 0)
    firing = first(QUARTERLY, wita(2027, 11, 1))  # Monday 10 January 2028
    assert firing.at == wita(2028, 1, 10, 8, 0)
    assert not firing.shifted
    assert firing_note(firing, CAL) is None


def test_trigger_jam_overrides_the_default_time() -> None:
    trigger = Trigger(teks="setiap tanggal 10 awal Triwulan", jam=time(9, 15))
    assert first(trigger, wita(2026, 11, 23)).at == wita(2027, 1, 11, 9, 15)


def test_firings_are_strictly_after() -> None:
    assert first(QUARTERLY, wita(2027, 1, 11, 8, 0)).at == wita(2027, 4, 12, 8, 0)
    assert first(QUARTERLY, wita(2027, 1, 11, 7, 59)).at == wita(2027, 1, 11, 8, 0)


def test_a_shifted_firing_of_the_period_that_already_began_is_not_lost() -> None:
    # Sunday 10 January 12.00: the nominal day has passed, the shifted firing has not.
    firing = first(QUARTERLY, wita(2027, 1, 10, 12, 0))
    assert firing.at == wita(2027, 1, 11, 8, 0)
    assert firing.period == Period.parse("2026-TW4")


def test_national_holiday_shift_names_the_holiday() -> None:
    yearly = Trigger(teks="setiap tanggal 1 awal tahun")
    firing = first(yearly, wita(2026, 6, 1))
    assert firing.at == wita(2027, 1, 4, 8, 0)  # Friday 1 January is Tahun Baru
    assert firing.period == Period.parse("2026-TAHUNAN")
    assert firing_note(firing, CAL) == (
        "tanggal 1 jatuh pada hari libur Tahun Baru Masehi; digeser ke hari kerja berikutnya"
    )


def test_semester_trigger_reports_the_semester_just_ended() -> None:
    trigger = Trigger(teks="setiap tanggal 5 awal semester")
    firings = next_firings(trigger, CAL, after=wita(2026, 11, 23), count=2, default_time=EIGHT)
    assert [(f.at, str(f.period)) for f in firings] == [
        (wita(2027, 1, 6, 8, 0), "2026-S2"),
        (wita(2027, 7, 5, 8, 0), "2027-S1"),
    ]
    assert firing_note(firings[0], CAL) == (
        "tanggal 5 jatuh pada hari libur Isra Mikraj Nabi Muhammad; "
        "digeser ke hari kerja berikutnya"
    )


def test_after_in_utc_gives_local_firings() -> None:
    firing = first(QUARTERLY, datetime(2026, 11, 22, 16, 0, tzinfo=UTC))
    assert firing.at == wita(2027, 1, 11, 8, 0)
    assert firing.at.tzinfo == WITA


def test_firings_follow_the_calendar_zone() -> None:
    wib = build_calendar(timezone="Asia/Jakarta", work_start=time(7, 30), work_end=time(16))
    firing = next_firings(QUARTERLY, wib, after=wita(2026, 11, 23), count=1, default_time=EIGHT)
    assert firing[0].at == datetime(2027, 1, 11, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_naive_after_and_negative_count_are_refused() -> None:
    with pytest.raises(ValueError):
        next_firings(QUARTERLY, CAL, after=datetime(2026, 11, 23), count=1, default_time=EIGHT)
    with pytest.raises(ValueError):
        next_firings(QUARTERLY, CAL, after=wita(2026, 11, 23), count=-1, default_time=EIGHT)
    assert next_firings(QUARTERLY, CAL, after=wita(2026, 11, 23), count=0, default_time=EIGHT) == []
    with pytest.raises(ValueError):
        iter_firings(QUARTERLY, CAL, after=datetime(2026, 11, 23), default_time=EIGHT)


def test_merge_orders_all_triggers_in_time_then_by_sop() -> None:
    semester = Trigger(teks="setiap tanggal 5 awal semester", jam=time(9, 0))
    merged = merge_firings(
        [("b-sop", QUARTERLY), ("a-sop", QUARTERLY), ("a-sop", semester)],
        CAL,
        after=wita(2026, 11, 23),
        count=5,
        default_time=EIGHT,
    )
    assert [(m.sop_id, m.trigger_index, m.at) for m in merged] == [
        ("a-sop", 1, wita(2027, 1, 6, 9, 0)),  # 5th: Isra Mikraj
        ("a-sop", 0, wita(2027, 1, 11, 8, 0)),
        ("b-sop", 0, wita(2027, 1, 11, 8, 0)),
        ("a-sop", 0, wita(2027, 4, 12, 8, 0)),
        ("b-sop", 0, wita(2027, 4, 12, 8, 0)),
    ]
    assert merged[0].trigger is semester


def test_merge_of_nothing_is_empty() -> None:
    assert merge_firings([], CAL, after=wita(2026, 11, 23), count=3, default_time=EIGHT) == []


_AFTER = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(WITA)
)


@settings(max_examples=examples(100), deadline=None)
@given(
    after=_AFTER, day=st.integers(1, 28), every=st.sampled_from(["triwulan", "semester", "tahun"])
)
def test_shifted_firings_are_on_working_days_in_order(
    after: datetime, day: int, every: str
) -> None:
    trigger = Trigger(teks=f"setiap tanggal {day} awal {every}")
    firings = list(next_firings(trigger, CAL, after=after, count=4, default_time=EIGHT))
    times = [f.at for f in firings]
    assert times == sorted(times) and len(set(times)) == 4
    assert times[0] > after
    for firing in firings:
        assert CAL.is_working_day(firing.at.date())
        assert firing.at.time() == EIGHT
        assert firing.nominal.day == day
        assert firing.shifted == (firing.at.date() != firing.nominal)
        assert firing.period.end < firing.nominal
    # Nothing was skipped: the firing before the first one is not after ``after``.
    iterator = iter_firings(trigger, CAL, after=after, default_time=EIGHT)
    assert next(iterator) == firings[0]


def test_fifth_working_day_trigger_fires_on_the_fifth_working_day_holidays_counted() -> None:
    """Done-when of issue 14: "hari kerja ke-5" fires on the 5th working day, holidays counted."""
    trigger = Trigger(teks="setiap hari kerja ke-5 awal triwulan")
    firings = next_firings(trigger, CAL, after=wita(2026, 3, 1), count=4, default_time=EIGHT)
    assert [(f.at, str(f.period)) for f in firings] == [
        (wita(2026, 4, 8, 8, 0), "2026-TW1"),  # 3 April 2026 is Good Friday
        (wita(2026, 7, 7, 8, 0), "2026-TW2"),  # 1-3, 6, 7 July
        (wita(2026, 10, 7, 8, 0), "2026-TW3"),  # 1, 2, 5, 6, 7 October
        (wita(2027, 1, 11, 8, 0), "2026-TW4"),  # 1 January and 5 January are holidays
    ]
    for firing in firings:
        start = firing.period.next().start
        working = list(CAL.working_days(start, firing.nominal))
        assert len(working) == 5 and working[-1] == firing.at.date()
        assert not firing.shifted and firing_note(firing, CAL) is None


def test_working_days_before_the_end_fire_inside_the_period_they_report() -> None:
    trigger = Trigger(teks="3 hari kerja sebelum akhir triwulan")
    firings = next_firings(trigger, CAL, after=wita(2026, 9, 1), count=2, default_time=EIGHT)
    assert [(f.at, str(f.period)) for f in firings] == [
        (wita(2026, 9, 25, 8, 0), "2026-TW3"),
        (wita(2026, 12, 28, 8, 0), "2026-TW4"),  # 24-25 December: cuti bersama and Natal
    ]


def test_monthly_triggers() -> None:
    monthly = Trigger(teks="setiap tanggal 5 setiap bulan")
    firings = next_firings(monthly, CAL, after=wita(2026, 10, 1), count=3, default_time=EIGHT)
    assert [(f.at.date(), str(f.period)) for f in firings] == [
        (date(2026, 10, 5), "2026-09"),
        (date(2026, 11, 5), "2026-10"),
        (date(2026, 12, 7), "2026-11"),  # Saturday 5 December
    ]
    deadline = Trigger(teks="paling lambat tanggal 10 bulan berikutnya")
    with pytest.raises(ValueError, match="frequency"):
        next_firings(deadline, CAL, after=wita(2026, 10, 1), count=1, default_time=EIGHT)
    firings = next_firings(
        deadline, CAL, after=wita(2026, 10, 1), count=2, default_time=EIGHT, frequency="bulanan"
    )
    assert [(f.at.date(), str(f.period)) for f in firings] == [
        (date(2026, 10, 12), "2026-09"),  # Saturday 10 October
        (date(2026, 11, 10), "2026-10"),
    ]


def test_merge_passes_each_sop_its_frequency() -> None:
    deadline = Trigger(teks="paling lambat tanggal 10 bulan berikutnya")
    merged = merge_firings(
        [("bulanan", deadline), ("triwulan", deadline)],
        CAL,
        after=wita(2026, 10, 1),
        count=3,
        default_time=EIGHT,
        frequencies={"bulanan": "bulanan", "triwulan": "triwulan"},
    )
    assert [(m.sop_id, str(m.firing.period)) for m in merged] == [
        ("bulanan", "2026-09"),
        ("triwulan", "2026-TW3"),
        ("bulanan", "2026-10"),
    ]


_PHRASES = st.sampled_from(
    [
        ("setiap hari kerja ke-{n} awal {every}", None),
        ("{n} hari kerja sebelum akhir {every}", None),
        ("setiap tanggal {n} setiap bulan", None),
        ("paling lambat tanggal {n} bulan berikutnya", "frequency"),
        ("paling lambat tanggal {n} bulan ke-{m} setelah akhir {every}", None),
        ("setiap hari kerja ke-{n} awal {every} untuk periode berjalan", None),
    ]
)


@settings(max_examples=examples(100), deadline=None)
@given(
    after=_AFTER,
    n=st.integers(1, 20),
    every=st.sampled_from(["bulan", "triwulan", "semester", "tahun"]),
    phrase=_PHRASES,
    m=st.integers(1, 12),
)
def test_new_rules_fire_in_order_without_gaps(
    after: datetime, n: int, every: str, phrase: tuple[str, str | None], m: int
) -> None:
    trigger = Trigger(teks=phrase[0].format(n=n, every=every, m=m))
    frequency = {"bulan": "bulanan", "tahun": "tahunan"}.get(every, every)
    firings = next_firings(
        trigger, CAL, after=after, count=4, default_time=EIGHT, frequency=frequency
    )
    times = [f.at for f in firings]
    assert times == sorted(times) and len(set(times)) == 4 and times[0] > after
    periods = [f.period for f in firings]
    assert all(b == a.next() for a, b in itertools.pairwise(periods))
    for firing in firings:
        assert CAL.is_working_day(firing.at.date())
        if trigger.rule.anchor.value == "sebelum_akhir":
            assert firing.period.start <= firing.nominal < firing.period.end
        elif trigger.rule.current:
            assert firing.period.start <= firing.nominal
        else:
            assert firing.period.end < firing.nominal
    iterator = iter_firings(trigger, CAL, after=after, default_time=EIGHT, frequency=frequency)
    assert next(iterator) == firings[0]
