"""Plausibility checks at entry: which values ask for confirmation, and what they say."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.domain.capaian import Aggregation
from bot.domain.plausibility import (
    KINDS,
    Concern,
    ConcernKind,
    EntryChecks,
    check_value,
    kendala_required,
    kinds,
    threshold_text,
    unconfirmed,
)

D = Decimal


def kinds_of(value: str, **options: object) -> set[str]:
    options.setdefault("satuan", "orang")
    return set(kinds(check_value(D(value), **options)))  # type: ignore[arg-type]


def test_normal_values_raise_no_concern() -> None:
    assert kinds_of("90") == set()
    assert kinds_of("82,5".replace(",", "."), satuan="%", max_value=D(100)) == set()
    assert kinds_of("140", previous=D(100)) == set()
    assert kinds_of("40", previous=D(100)) == set()


@pytest.mark.parametrize(
    ("value", "max_value", "satuan", "expected"),
    [
        ("105", None, "%", {"over_100"}),
        ("105", None, "persen", {"over_100"}),
        ("100", None, "%", set()),  # exactly 100 is fine
        ("105", D(150), "%", set()),  # the indicator allows up to 150 %
        ("105", None, "orang", set()),  # not a percentage
    ],
)
def test_a_percentage_over_100_where_no_maximum_allows_it(
    value: str, max_value: Decimal | None, satuan: str, expected: set[str]
) -> None:
    assert kinds_of(value, satuan=satuan, max_value=max_value) == expected


def test_a_percentage_above_its_maximum_is_a_refusal_elsewhere_not_a_concern() -> None:
    # max_value 100 refuses 105 before these checks run; here it raises nothing.
    assert kinds_of("105", satuan="%", max_value=D(100)) == set()


@pytest.mark.parametrize(
    ("value", "previous", "factor", "expected"),
    [
        ("147", "35", "3", {"jump"}),  # 4,2 times
        ("105", "35", "3", set()),  # exactly 3 times is still fine
        ("106", "35", "3", {"jump"}),
        ("10", "35", "3", {"jump"}),  # less than a third
        ("0", "35", "3", {"jump"}),  # down to nothing
        ("12", "35", "3", set()),
        ("147", "35", "5", set()),  # the indicator's own, wider factor
        ("147", "0", "3", set()),  # nothing to compare with
        ("147", None, "3", set()),  # no previous quarter
    ],
)
def test_a_jump_from_the_previous_quarter(
    value: str, previous: str | None, factor: str, expected: set[str]
) -> None:
    before = D(previous) if previous is not None else None
    assert kinds_of(value, previous=before, jump_factor=D(factor)) == expected


def test_no_jump_across_the_sign() -> None:
    assert kinds_of("-5", previous=D(35), allow_negative=True, aggregation="last") == set()
    assert kinds_of("5", previous=D(-35), allow_negative=True) == set()


def test_a_cumulative_total_that_goes_down() -> None:
    # Quarterly amounts are summed: only a negative amount lowers the year's total.
    concerns = check_value(
        D(-20),
        satuan="Rp",
        allow_negative=True,
        aggregation=Aggregation.CUMULATIVE,
        year_to_date=D(150),
    )
    assert kinds(concerns) == {"decrease"}
    (concern,) = concerns
    assert concern.message(0) == (
        "nilai negatif (-20) menurunkan total kumulatif tahun ini dari 150 menjadi 130."
    )
    # A smaller amount than last quarter does not lower the total.
    assert kinds_of("10", previous=D(12), aggregation="cumulative") == set()


@pytest.mark.parametrize("aggregation", ["last", "average"])
def test_stock_figures_may_go_down(aggregation: str) -> None:
    assert kinds_of("-2", allow_negative=True, aggregation=aggregation) == set()
    assert kinds_of("60", previous=D(70), aggregation=aggregation) == set()


def test_a_negative_that_is_not_allowed_is_a_refusal_not_a_concern() -> None:
    assert kinds_of("-20", allow_negative=False, aggregation="cumulative") == set()


def test_several_concerns_at_once() -> None:
    found = kinds_of("450", satuan="%", previous=D(40))
    assert found == {"over_100", "jump"} and found <= KINDS


def test_messages_in_indonesian() -> None:
    up = Concern(ConcernKind.JUMP, D(147), D(35), D(3))
    assert up.message(0) == "nilai ini 4,2 kali triwulan lalu (35); batas kewajaran 3 kali."
    assert up.ratio == D("4.2")
    down = Concern(ConcernKind.JUMP, D(10), D(35), D("2.5"))
    assert down.message(0) == (
        "nilai ini turun tajam dari triwulan lalu (35 menjadi 10), lebih dari 2,5 kali lipat."
    )
    zero = Concern(ConcernKind.JUMP, D(0), D(35), D(3))
    assert zero.message(0) == "nilai ini 0, padahal triwulan lalu 35."
    over = Concern(ConcernKind.OVER_100, D("112.5"))
    assert over.message(2) == "112,5% melebihi 100%, padahal ini indikator persentase."


def test_entry_checks_carry_the_policy() -> None:
    checks = EntryChecks(satuan="orang", previous=D(35))
    assert kinds(checks.concerns(D(147))) == {"jump"}
    assert checks.concerns(D(147))[0].factor == D(3)
    assert replace(checks, enabled=False).concerns(D(147)) == ()
    assert replace(checks, jump_factor=D(5)).concerns(D(147)) == ()


def test_unconfirmed_concerns() -> None:
    concerns = check_value(D(450), satuan="%", previous=D(40))
    assert {c.kind.value for c in unconfirmed(concerns, ["jump"])} == {"over_100"}
    assert unconfirmed(concerns, ["jump", "over_100"]) == ()


@pytest.mark.parametrize(
    ("capaian", "threshold", "required"),
    [
        ("60", "90", True),
        ("89.99", "90", True),
        ("89.995", "90", False),  # shown as 90,00 %: not below
        ("90", "90", False),
        ("120", "90", False),
        (None, "90", False),  # not computable: no data, no target
        ("60", "0", False),  # an organisation that turned it off
        ("80", "85", True),
    ],
)
def test_kendala_required_below_the_threshold(
    capaian: str | None, threshold: str, required: bool
) -> None:
    value = D(capaian) if capaian is not None else None
    assert kendala_required(value, D(threshold)) is required
    checks = EntryChecks(kendala_below_percent=D(threshold))
    assert checks.kendala_required(value) is required


def test_threshold_text() -> None:
    assert threshold_text(D(90)) == "90%"
    assert threshold_text(D("87.5")) == "87,5%"


def test_the_guided_input_echoes_concerns_and_knows_when_kendala_is_required() -> None:
    from bot.render.texts import render
    from bot.services import input_flow as flow
    from tests.unit.test_input_flow import line

    entry = replace(line(target="150"), checks=EntryChecks(satuan="orang", previous=D(35)))
    result = flow.interpret("147", entry, flow.rules_of(entry))
    assert isinstance(result, flow.Understood)
    assert result.concern_kinds == ["jump"]
    echo = render("input_echo", **flow.echo_context(entry, result))
    assert "Perhatian:</b> nilai ini 4,2 kali triwulan lalu (35)" in echo
    assert 'tekan "Ya, nilai ini benar"' in echo
    plain = flow.interpret("60", entry, flow.rules_of(entry))
    assert isinstance(plain, flow.Understood) and plain.concerns == ()
    assert "Perhatian" not in render("input_echo", **flow.echo_context(entry, plain))

    assert flow.kendala_required(entry, D(90), flow.rules_of(entry))  # 60 %
    assert not flow.kendala_required(entry, D(140), flow.rules_of(entry))
    assert not flow.kendala_required(line(target="150"), D(90), flow.Rules())  # no checks known
    low = replace(entry, value=D(90), capaian=capaian_of("150", "90"))
    rows = flow.summary_context([low])
    assert rows["lacking_kendala"] == 1 and rows["rows"][0]["kendala_required"]
    noted = replace(low, kendala="Hujan", tindak_lanjut="Jadwal ulang")
    assert flow.summary_context([noted])["lacking_kendala"] == 0


def capaian_of(target: str, value: str):  # type: ignore[no-untyped-def]
    from bot.domain.capaian import Polarity, capaian

    return capaian(D(target), D(value), Polarity.HIGHER_IS_BETTER)


def test_a_monthly_jump_is_named_against_last_month() -> None:
    from bot.domain.plausibility import EntryChecks

    checks = EntryChecks(satuan="orang", previous=Decimal(10), previous_period="2026-10")
    [concern] = checks.concerns(Decimal(100))
    assert "kali bulan lalu (10" in concern.message()
    quarterly = EntryChecks(satuan="orang", previous=Decimal(10), previous_period="2026-TW2")
    assert "kali triwulan lalu" in quarterly.concerns(Decimal(100))[0].message()


def test_compared_periods_are_the_one_before_then_this_years_earlier_ones() -> None:
    """What a sheet reads for the checks' ``lookup``: the period before (last year's last for
    the first), then this year's earlier periods of its kind; a semester or a year none."""
    from bot.domain.periods import Period, PeriodKind
    from bot.engine.plausibility import compared_periods

    assert compared_periods(Period.quarter(2026, 3)) == (
        Period.quarter(2026, 2),
        Period.quarter(2026, 1),
        Period.quarter(2026, 2),
    )
    assert compared_periods(Period.month(2026, 1)) == (Period.month(2025, 12),)
    assert compared_periods(Period(2026, PeriodKind.SEMESTER, 2)) == ()
    assert compared_periods(Period(2026, PeriodKind.TAHUNAN)) == ()
