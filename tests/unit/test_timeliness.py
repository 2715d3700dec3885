"""Completeness and timeliness rules (bot.domain.timeliness)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.domain.periods import Period
from bot.domain.timeliness import (
    UnitPeriodFacts,
    assess,
    deadline,
    last_quarters,
    late_entry,
    rates,
    summary_text,
    timeliness_note,
)

WITA = ZoneInfo("Asia/Makassar")
TW3 = Period.parse("2026-TW3")


def facts(code: str, accepted: int, at: datetime | None, period: Period = TW3, total: int = 3):
    return UnitPeriodFacts(code, f"Unit {code}", period, total, accepted, at)


def test_deadline_counts_calendar_days_after_the_period() -> None:
    assert deadline(TW3, 15) == date(2026, 10, 15)
    assert deadline(Period.parse("2026-TW4"), 15) == date(2027, 1, 15)
    assert deadline(TW3, 0) == date(2026, 9, 30)


def test_timely_when_approved_by_the_last_local_day() -> None:
    # 15 October 23.30 WITA is still 15 October locally (15.30 UTC).
    on_time = assess(facts("A", 3, datetime(2026, 10, 15, 15, 30, tzinfo=UTC)), 15, WITA)
    assert on_time.complete and on_time.timely and on_time.days_late == 0
    assert timeliness_note(on_time) == "Tepat waktu"
    # 16 October 00.30 WITA is 15 October in UTC, but the organisation's day is the 16th.
    late = assess(facts("A", 3, datetime(2026, 10, 15, 16, 30, tzinfo=UTC)), 15, WITA)
    assert late.complete and not late.timely and late.days_late == 1
    assert timeliness_note(late) == "Terlambat 1 hari"


def test_incomplete_is_never_timely() -> None:
    partial = assess(facts("B", 2, datetime(2026, 10, 2, tzinfo=WITA)), 15, WITA)
    assert not partial.complete and not partial.timely and partial.accepted_on is None
    assert timeliness_note(partial) == "Belum lengkap (2/3 indikator)"
    nothing = assess(facts("C", 0, None, total=0), 15, WITA)
    assert not nothing.complete  # a unit without indicators has nothing to report


def test_rates_per_period_oldest_first() -> None:
    tw2 = Period.parse("2026-TW2")
    assessed = [
        assess(facts("A", 3, datetime(2026, 10, 5, tzinfo=WITA)), 15, WITA),
        assess(facts("B", 3, datetime(2026, 10, 20, tzinfo=WITA)), 15, WITA),
        assess(facts("C", 1, None), 15, WITA),
        assess(facts("A", 3, datetime(2026, 7, 10, tzinfo=WITA), tw2), 15, WITA),
    ]
    first, second = rates(assessed)
    assert (first.period, first.units, first.complete, first.timely) == (tw2, 1, 1, 1)
    assert (second.units, second.complete, second.timely) == (3, 2, 1)
    assert second.text == "Kelengkapan 2/3 unit, tepat waktu 1/3"
    assert second.complete_percent == Decimal(67) and second.timely_percent == Decimal(33)
    assert summary_text([first, second]) == (
        "TW II 2026: 100% lengkap, 100% tepat waktu; TW III 2026: 67% lengkap, 33% tepat waktu"
    )
    assert rates([]) == []


def test_last_quarters() -> None:
    assert [str(p) for p in last_quarters(Period.parse("2026-TW1"), 3)] == [
        "2025-TW3",
        "2025-TW4",
        "2026-TW1",
    ]
    assert [str(p) for p in last_quarters(Period.parse("2026-S1"), 2)] == ["2026-TW1", "2026-TW2"]


def test_edit_window() -> None:
    inside = datetime(2026, 10, 10, 23, 0, tzinfo=WITA)
    outside = datetime(2026, 10, 11, 0, 30, tzinfo=WITA)
    assert not late_entry(TW3, inside, WITA, 10)
    assert late_entry(TW3, outside, WITA, 10)
    assert not late_entry(TW3, outside, WITA, None)


def test_late_entries_are_noted_in_report_rows() -> None:
    from bot.domain.rating import DEFAULT_SCALE
    from bot.reports.build import IndicatorFacts, MeasurementFacts, build_rows

    def indicator(late: dict[str, bool]) -> IndicatorFacts:
        return IndicatorFacts(
            code="X-01",
            name="Peserta",
            sasaran="S",
            satuan="orang",
            targets={"2026-TW1": Decimal(10), "2026-TW2": Decimal(10)},
            measurements={
                q: MeasurementFacts(value=Decimal(5), late=flag) for q, flag in late.items()
            },
        )

    [row] = build_rows([indicator({"2026-TW3": True})], TW3, DEFAULT_SCALE)
    assert row.note == "Diisi terlambat"
    [row] = build_rows([indicator({"2026-TW3": False})], TW3, DEFAULT_SCALE)
    assert row.note == ""
    semester = Period.parse("2026-S1")
    [row] = build_rows([indicator({"2026-TW1": False, "2026-TW2": True})], semester, DEFAULT_SCALE)
    assert row.note == "Diisi terlambat TW II"
