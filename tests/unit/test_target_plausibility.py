"""Issue 16 (4): plausibility against the target, and money typed for a non-money indicator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.numbers import NumberError, parse_value
from bot.domain.oversight import DEFAULT_OVERSIGHT, load_oversight_policy
from bot.domain.plausibility import ConcernKind, EntryChecks, check_value, kinds

D = Decimal


def target_kinds(value: str, target: str | None, factor: str = "10") -> set[str]:
    found = check_value(
        D(value),
        satuan="kegiatan",
        target=None if target is None else D(target),
        target_factor=D(factor),
    )
    return set(kinds(found))


@pytest.mark.parametrize(
    ("value", "target", "concern"),
    [
        ("1250", "5", True),  # PDN-05=1.250 for a target of 5: 250 times
        ("1250000", "2", True),  # Rp 1.250.000 read as a count
        ("50", "5", False),  # exactly ten times: within the factor
        ("51", "5", True),
        ("0,4".replace(",", "."), "5", True),  # more than ten times below
        ("0,5".replace(",", "."), "5", False),
        ("0", "5", False),  # nothing done is news, not a typo
        ("7", None, False),  # no target: nothing to compare with
        ("7", "0", False),  # a target of 0: no ratio
    ],
)
def test_a_value_far_from_its_target_is_a_concern(
    value: str, target: str | None, concern: bool
) -> None:
    assert ("target" in target_kinds(value, target)) is concern


def test_the_target_concern_names_the_target_and_the_factor() -> None:
    (concern,) = check_value(D(1250), satuan="organisasi", target=D(5), target_factor=D(10))
    assert concern.kind is ConcernKind.TARGET
    assert concern.message(0) == "nilai ini 250 kali target (5); batas kewajaran 10 kali."
    (below,) = check_value(D("0.2"), satuan="%", target=D(80), target_factor=D(10))
    assert below.message(2) == (
        "nilai ini jauh di bawah target (0,2 dari target 80), lebih dari 10 kali lipat."
    )


def test_the_factor_comes_from_the_checks_and_the_policy() -> None:
    assert DEFAULT_OVERSIGHT.target_factor == D(10)
    assert load_oversight_policy({"target_factor": 4}).target_factor == D(4)
    loose = EntryChecks(satuan="orang", target=D(5), target_factor=D(1000))
    assert loose.concerns(D(1250)) == ()
    strict = EntryChecks(satuan="orang", target=D(5))
    assert kinds(strict.concerns(D(1250))) == {"target"}
    assert EntryChecks(satuan="orang", target=D(5), enabled=False).concerns(D(1250)) == ()


@pytest.mark.parametrize(
    "text",
    [
        "Rp 1.250.000",
        "1,2 juta rupiah",
        "IDR 500",
        "1.250.000 rupiah",
        "500 dolar",
        "USD 20",
        "$20",
        "Rp. 1.500.000,-",
    ],
)
def test_money_for_an_indicator_that_is_not_money_is_refused_with_the_reason(text: str) -> None:
    with pytest.raises(NumberError) as refused:
        parse_value(text, "kegiatan")
    assert refused.value.reason == "money_for_non_money"
    assert "uang" in refused.value.message and "kegiatan" in refused.value.message


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("Rp 1.250.000", "Rupiah", "1250000"),
        ("1,2 juta rupiah", "Rp", "1200000"),
        ("1,2 juta", "kegiatan", "1200000"),  # a magnitude alone is not money
        ("1.250", "organisasi", "1250"),
        ("85%", "%", "85"),
    ],
)
def test_parse_value_reads_what_parse_number_reads(text: str, unit: str, value: str) -> None:
    assert parse_value(text, unit).value == D(value)


def test_parse_value_refuses_a_percent_for_a_count_and_keeps_parse_errors() -> None:
    with pytest.raises(NumberError) as percent:
        parse_value("85%", "orang")
    assert percent.value.reason == "unit_mismatch"
    with pytest.raises(NumberError) as dotted:
        parse_value("1.5", "orang")
    assert dotted.value.reason == "dot_decimal"
