"""The arithmetic every report format shares: rows, aggregation, totals, status."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.capaian import Aggregation, Polarity
from bot.domain.periods import Period
from bot.domain.rating import DEFAULT_SCALE, load_rating_scale
from bot.reports.build import (
    MeasurementFacts,
    UnitFacts,
    assemble,
    build_rows,
    describe_scale,
    reported_quarters,
    summarise,
)
from tests.unit.reports.factory import (
    GENERATED,
    HEADER,
    indicator,
    measured,
    quarterly_report,
    yearly_report,
)


def _one(period: str, **facts: object):  # type: ignore[no-untyped-def]
    [row] = build_rows([indicator("X-01", "x", **facts)], Period.parse(period), DEFAULT_SCALE)
    return row


def test_reported_quarters_run_from_january() -> None:
    assert [str(q) for q in reported_quarters(Period.parse("2026-TW3"))] == ["2026-TW3"]
    assert [str(q) for q in reported_quarters(Period.parse("2026-S2"))] == [
        "2026-TW1",
        "2026-TW2",
        "2026-TW3",
        "2026-TW4",
    ]
    assert len(reported_quarters(Period.parse("2026-TAHUNAN"))) == 4


def test_a_quarter_row_rates_against_the_quarter_target() -> None:
    row = _one("2026-TW2", measurements={"2026-TW2": measured("40", kendala="hujan")})
    assert (row.target, row.realisasi, row.capaian) == (Decimal(50), Decimal(40), Decimal(80))
    assert row.kategori == "Tinggi" and row.kendala == "hujan" and row.note == ""


def test_lower_is_better_met_exactly_is_100_percent() -> None:
    row = _one(
        "2026-TW1",
        polarity=Polarity.LOWER_IS_BETTER,
        measurements={"2026-TW1": measured("25")},
    )
    assert row.capaian == Decimal(100)


def test_gaps_say_why() -> None:
    empty = _one("2026-TW1")
    assert empty.note == "Belum diisi" and empty.capaian is None
    assert empty.capaian_note == "belum ada data"
    no_data = _one(
        "2026-TW1",
        measurements={"2026-TW1": MeasurementFacts(None, no_data=True, no_data_reason="survei")},
    )
    assert no_data.note == "Belum ada data: survei"
    zero = _one(
        "2026-TW1", targets={"2026-TW1": Decimal(0)}, measurements={"2026-TW1": measured("3")}
    )
    assert zero.capaian is None and zero.capaian_note == "tidak dapat dihitung (target 0)"


def test_semester_aggregates_by_each_indicators_rule() -> None:
    values = {"2026-TW1": measured("10"), "2026-TW2": measured("30")}
    cumulative = _one("2026-S1", measurements=values)
    assert cumulative.realisasi == Decimal(40) and cumulative.target == Decimal(75)
    assert cumulative.target_tahunan == Decimal(100)
    assert cumulative.capaian == Decimal("53.33") and cumulative.capaian_tahunan == Decimal(40)
    assert cumulative.quarter_values == {1: Decimal(10), 2: Decimal(30)}
    last = _one("2026-S1", aggregation=Aggregation.LAST, measurements=values)
    assert last.realisasi == Decimal(30) and last.target == Decimal(50)
    average = _one("2026-S1", aggregation=Aggregation.AVERAGE, measurements=values)
    assert average.realisasi == Decimal(20) and average.target == Decimal("37.5")


def test_semester_without_quarter_targets_uses_the_yearly_one() -> None:
    row = _one(
        "2026-S1",
        targets={"2026-TAHUNAN": Decimal(100)},
        measurements={"2026-TW1": measured("10")},
    )
    assert row.target == Decimal(100) and row.note == "Belum ada data TW II"


def test_the_year_compares_with_the_previous_one() -> None:
    report = yearly_report()
    first, second = report.rows
    assert first.realisasi == Decimal(105) and first.capaian == Decimal(105)
    assert first.realisasi_lalu == Decimal(70) and first.capaian_lalu == Decimal("87.5")
    assert second.realisasi == Decimal(90) and second.note == "Belum ada data TW II"
    assert second.realisasi_lalu is None
    assert report.previous_summary is not None
    assert report.previous_summary.average_capaian == Decimal("87.50")
    assert [c.key for c in report.columns][4:8] == ["tw1", "tw2", "tw3", "tw4"]


def test_summary_averages_rated_rows_and_counts_categories() -> None:
    report = quarterly_report()
    iwk, pdn = report.units
    assert iwk.summary.average_capaian == Decimal("93.33")
    assert pdn.summary.with_capaian == 1 and pdn.summary.with_data == 2
    assert report.summary.indicators == 6
    counts = {c.label: c.count for c in report.summary.categories}
    assert counts == {
        "Sangat Tinggi": 3,
        "Tinggi": 1,
        "Sedang": 0,
        "Rendah": 0,
        "Sangat Rendah": 0,
    }
    assert summarise([], DEFAULT_SCALE).average_capaian is None


def test_status_is_final_only_when_every_unit_is_approved() -> None:
    report = quarterly_report()
    assert not report.final and report.status_note == "DRAFT: data 1 dari 2 unit telah disetujui."
    done = assemble(
        HEADER,
        Period.parse("2026-TW1"),
        [UnitFacts("A", "A", [indicator("A-1", "a")], approved=True)],
        DEFAULT_SCALE,
        generated_at=GENERATED,
    )
    assert done.final and done.status_note.startswith("Final")
    empty = assemble(HEADER, Period.parse("2026-TW1"), [], DEFAULT_SCALE, generated_at=GENERATED)
    assert not empty.final and "belum ada unit" in empty.status_note


def test_cells_print_in_indonesian() -> None:
    report = quarterly_report()
    row = report.units[1].rows[0]
    texts = {c.key: row.text(c) for c in report.columns}
    assert texts["target"] == "75,00" and texts["realisasi"] == "72,50"
    assert texts["capaian"] == "96,67%"
    missing = report.units[1].rows[2]
    assert missing.text(report.columns[5]) == "tidak dapat dihitung (target belum ditetapkan)"


def test_the_legend_reads_like_the_regulation() -> None:
    assert describe_scale(DEFAULT_SCALE) == (
        "> 90: Sangat Tinggi",
        ">= 76: Tinggi",
        ">= 66: Sedang",
        "> 50: Rendah",
        "<= 50: Sangat Rendah",
    )
    two = load_rating_scale(
        {"bands": [{"label": "Baik", "min_inclusive": 80}, {"label": "Kurang"}]}
    )
    assert describe_scale(two) == (">= 80: Baik", "< 80: Kurang")
