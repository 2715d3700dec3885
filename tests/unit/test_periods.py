from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.periods import Period, PeriodError, PeriodKind, ReportType


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-TW3", Period(2026, PeriodKind.TRIWULAN, 3)),
        ("2026-Q3", Period(2026, PeriodKind.TRIWULAN, 3)),
        ("2026-q1", Period(2026, PeriodKind.TRIWULAN, 1)),
        (" 2026 TW 4 ", Period(2026, PeriodKind.TRIWULAN, 4)),
        ("2026-S1", Period(2026, PeriodKind.SEMESTER, 1)),
        ("2026-SEM2", Period(2026, PeriodKind.SEMESTER, 2)),
        ("2026-TAHUNAN", Period(2026, PeriodKind.TAHUNAN)),
        ("2026", Period(2026, PeriodKind.TAHUNAN)),
    ],
)
def test_parse(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "2026-TW5", "2026-TW0", "2026-S3", "TW3", "2026-TW", "2026-TAHUNAN1", "26-TW1", "x"],
)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_print_and_label() -> None:
    assert str(Period.parse("2026-Q3")) == "2026-TW3"
    assert Period.parse("2026-TW3").label == "Triwulan III 2026"
    assert Period.parse("2026-S2").label == "Semester II 2026"
    assert str(Period.parse("2026")) == "2026-TAHUNAN"
    assert Period.parse("2026").label == "Tahun 2026"


def test_bounds() -> None:
    tw1 = Period.parse("2026-TW1")
    assert (tw1.start, tw1.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert Period.parse("2026-TW4").end == date(2026, 12, 31)
    assert Period.parse("2026-S1").end == date(2026, 6, 30)
    assert Period.parse("2028-TW1").end == date(2028, 3, 31)
    assert Period.parse("2026-S2").quarters() == (
        Period.quarter(2026, 3),
        Period.quarter(2026, 4),
    )


def test_quarter_before_reports_the_quarter_just_ended() -> None:
    assert Period.quarter_before(date(2027, 1, 10)) == Period.parse("2026-TW4")
    assert Period.quarter_before(date(2026, 4, 10)) == Period.parse("2026-TW1")


def test_report_types() -> None:
    t, s, y = ReportType.TRIWULAN, ReportType.SEMESTER, ReportType.TAHUNAN
    assert Period.parse("2026-TW1").report_types() == {t}
    assert Period.parse("2026-TW2").report_types() == {t, s}
    assert Period.parse("2026-TW3").report_types() == {t}
    assert Period.parse("2026-TW4").report_types() == {t, s, y}
    assert Period.parse("2026-S1").report_types() == {s}
    assert Period.parse("2026-S2").report_types() == {s, y}
    assert Period.parse("2026").report_types() == {y}


_COUNT = {PeriodKind.BULANAN: 12, PeriodKind.TRIWULAN: 4, PeriodKind.SEMESTER: 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10", Period(2026, PeriodKind.BULANAN, 10)),
        ("2026-1", Period(2026, PeriodKind.BULANAN, 1)),
        ("2026/03", Period(2026, PeriodKind.BULANAN, 3)),
        (" 2026 - 12 ", Period(2026, PeriodKind.BULANAN, 12)),
    ],
)
def test_parse_month(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-0", "2026-123"])
def test_parse_month_refuses(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_month() -> None:
    october = Period.parse("2026-10")
    assert str(october) == "2026-10"
    assert str(Period.month(2026, 3)) == "2026-03"
    assert october.label == "Oktober 2026"
    assert (october.start, october.end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert Period.parse("2028-02").end == date(2028, 2, 29)
    assert october.previous() == Period.month(2026, 9)
    assert Period.month(2027, 1).previous() == Period.month(2026, 12)
    assert Period.month(2026, 12).next() == Period.month(2027, 1)
    assert october.quarters() == ()
    # A month closes its own report, and the quarter, semester and year it ends.
    b, t, s, y = ReportType.BULANAN, ReportType.TRIWULAN, ReportType.SEMESTER, ReportType.TAHUNAN
    assert october.report_types() == {b}
    assert Period.month(2026, 3).report_types() == {b, t}
    assert Period.month(2026, 6).report_types() == {b, t, s}
    assert Period.month(2026, 12).report_types() == {b, t, s, y}
    assert october.month_numbers() == {10}
    assert Period.parse("2026-TW2").month_numbers() == {4, 5, 6}
    assert Period.parse("2026-S2").due().months == frozenset(range(7, 13))
    assert Period.containing(PeriodKind.BULANAN, date(2026, 10, 19)) == october
    assert Period.containing(PeriodKind.TRIWULAN, date(2026, 10, 19)) == Period.parse("2026-TW4")
    assert Period.containing(PeriodKind.SEMESTER, date(2026, 6, 30)) == Period.parse("2026-S1")


periods = st.builds(
    lambda year, kind, i: Period(year, kind, i % _COUNT.get(kind, 1) + 1),
    st.integers(1901, 9998),
    st.sampled_from(PeriodKind),
    st.integers(0, 100),
)


@given(periods)
def test_round_trip_and_neighbours(period: Period) -> None:
    assert Period.parse(str(period)) == period
    assert period.next().previous() == period
    assert period.previous() < period < period.next()
    assert period.next().start == period.end.fromordinal(period.end.toordinal() + 1)


def test_month_target_rule() -> None:
    from decimal import Decimal

    from bot.domain.capaian import Aggregation
    from bot.domain.targets import month_target

    october = Period.parse("2026-10")
    targets = {"2026-TAHUNAN": Decimal(80), "2026-TW4": Decimal(85), "2026-11": Decimal(83)}
    own = month_target(targets, Period.parse("2026-11"), Aggregation.CUMULATIVE)
    assert (own.value, own.source, own.note) == (Decimal(83), Period.parse("2026-11"), "")
    level = month_target(targets, october, Aggregation.AVERAGE)
    assert (level.value, level.source) == (Decimal(85), Period.parse("2026-TW4"))
    assert level.note == "Target bulanan tidak ada; dipakai target Triwulan IV 2026"
    yearly = month_target({"2026-TAHUNAN": Decimal(80)}, october, Aggregation.LAST)
    assert (yearly.value, yearly.source) == (Decimal(80), Period.parse("2026"))
    count = month_target(targets, october, Aggregation.CUMULATIVE)
    assert count.value is None and count.source is None
    assert "target triwulan tidak dibagi per bulan" in count.note
    with pytest.raises(ValueError):
        month_target(targets, Period.parse("2026-TW4"), Aggregation.LAST)


def test_earlier_in_year() -> None:
    assert Period.quarter(2026, 3).earlier_in_year() == (
        Period.quarter(2026, 1),
        Period.quarter(2026, 2),
    )
    assert Period.month(2026, 3).earlier_in_year() == (Period.month(2026, 1), Period.month(2026, 2))
    assert Period.quarter(2026, 1).earlier_in_year() == ()
    assert Period(2026, PeriodKind.TAHUNAN).earlier_in_year() == ()
