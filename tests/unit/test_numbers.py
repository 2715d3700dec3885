"""Figures as Indonesians type them: what is read, what is refused and why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.numbers import (
    DEFAULT_MAX_ABS,
    NumberError,
    ParsedNumber,
    format_number,
    format_percent,
    parse_number,
    validate_magnitude,
    validate_unit,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("12,5", "12.5", None),
        ("1.234.567", "1234567", None),
        ("1.234", "1234", None),  # a dot before exactly 3 digits groups thousands
        ("1,234", "1.234", None),  # the comma is always decimal
        ("1.234,5", "1234.5", None),
        ("0,05", "0.05", None),
        ("007", "7", None),
        ("0", "0", None),
        ("-0", "0", None),
        ("+5", "5", None),
        ("-12,5", "-12.5", None),
        ("\u221212,5", "-12.5", None),  # Unicode minus from a phone keyboard
        ("  12  ", "12", None),
        ("\u00a012,5\u202f", "12.5", None),  # non-breaking spaces
        ("85%", "85", "%"),
        ("85 %", "85", "%"),
        ("85,5 persen", "85.5", "%"),
        ("-3%", "-3", "%"),
        ("Rp 1.500.000", "1500000", "Rp"),
        ("Rp1.500.000,50", "1500000.50", "Rp"),
        ("rp. 1.500.000", "1500000", "Rp"),
        ("RP.1.500.000", "1500000", "Rp"),
        ("IDR 2.000", "2000", "Rp"),
        ("Rp 1.500.000,-", "1500000", "Rp"),  # round rupiah
        ("Rp 1.500.000,--", "1500000", "Rp"),
        ("1.500.000 rupiah", "1500000", "Rp"),
        ("1.500.000 Rp", "1500000", "Rp"),
        ("-Rp 5.000", "-5000", "Rp"),
        ("Rp -5.000", "-5000", "Rp"),
        ("1,2 juta", "1200000", None),
        ("1,2juta", "1200000", None),
        ("3 ribu", "3000", None),
        ("3 rb", "3000", None),
        ("3 rb.", "3000", None),
        ("1,5 jt", "1500000", None),
        ("2,5 miliar", "2500000000", None),
        ("2,5 milyar", "2500000000", None),
        ("1 triliun", "1000000000000", None),
        ("1 trilyun", "1000000000000", None),
        ("1,2345 ribu", "1234.5", None),
        ("Rp 1,5 juta", "1500000", "Rp"),
        ("1,5 JUTA rupiah", "1500000", "Rp"),
    ],
)
def test_reads(text: str, value: str, unit: str | None) -> None:
    parsed = parse_number(text)
    assert parsed.value == D(value)
    assert parsed.unit_hint == unit
    assert parsed.text == text.strip()


def test_value_is_exact_decimal_with_typed_places() -> None:
    parsed = parse_number("1.500.000,50")
    assert isinstance(parsed.value, Decimal)
    assert str(parsed.value) == "1500000.50"
    assert str(parse_number("1,2 juta").value) == "1200000"  # no exponent form
    assert str(parse_number("-0").value) == "0"  # no negative zero


def test_very_long_digit_strings_stay_exact() -> None:
    assert parse_number("9" * 40 + ",5 triliun").value == D("9" * 40 + "5" + "0" * 11)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Rp 1.500.000", "Rp 1.500.000"),
        ("85,50 %", "85,50%"),
        ("1,2 juta", "1.200.000"),
        ("1234567", "1.234.567"),
        ("-0,5", "-0,5"),
    ],
)
def test_display_echoes_understood_value(text: str, shown: str) -> None:
    assert parse_number(text).display() == shown


@pytest.mark.parametrize(
    ("text", "reason", "mentions", "example"),
    [
        ("", "empty", "Belum ada angka", "12,5"),
        ("   ", "empty", "Belum ada angka", "12,5"),
        ("\u00a0", "empty", "Belum ada angka", "12,5"),
        ("1" * 65, "too_long", "terlalu panjang", "12,5"),
        ("-", "no_digits", "tidak berisi angka", "12,5"),
        ("+", "no_digits", "tidak berisi angka", "12,5"),
        ("Rp", "no_digits", "tidak berisi angka", "12,5"),
        ("%", "no_digits", "tidak berisi angka", "12,5"),
        ("juta", "no_digits", "tidak berisi angka", "12,5"),
        ("abc", "no_digits", "'abc'", "12,5"),
        ("1.234,5.6", "separators", "'1.234,5.6' tidak dapat dibaca sebagai angka", "12,5"),
        ("1,2,3", "separators", "'1,2,3'", "12,5"),
        ("1,234.56", "english_format", "gaya Inggris", "1.234,56"),
        ("1,234,567", "english_format", "gaya Inggris", "1.234.567"),
        ("1.5", "dot_decimal", "koma untuk desimal", "1,5"),
        ("12.50", "dot_decimal", "koma untuk desimal", "12,50"),
        ("12.5%", "dot_decimal", "koma untuk desimal", "12,5"),
        (".5", "dot_decimal", "koma untuk desimal", "0,5"),
        ("1.2345", "dot_decimal", "koma untuk desimal", "1,2345"),
        ("0.500", "leading_zero", "pecahan atau ribuan", "0,5 atau 500"),
        ("01.234", "leading_zero", "pecahan atau ribuan", "0,5 atau 500"),
        ("1.23.456", "group_size", "per 3 angka", "1.234.567"),
        ("1234.567", "group_size", "per 3 angka", "1.234.567"),
        ("1.234.56,7", "group_size", "per 3 angka", "1.234.567"),
        ("12,", "incomplete", "tidak lengkap", "0,5"),
        (",5", "incomplete", "tidak lengkap", "0,5"),
        ("1..234", "incomplete", "tidak lengkap", "0,5"),
        ("1.234.", "incomplete", "tidak lengkap", "0,5"),
        ("10 atau 12", "several_numbers", "lebih dari satu angka", "12,5"),
        ("10-12", "several_numbers", "lebih dari satu angka", "12,5"),
        ("1 234", "several_numbers", "lebih dari satu angka", "12,5"),
        ("Rp 5 / 10", "invalid_char", "'/'", "12,5"),
        ("5#", "invalid_char", "'#'", "12,5"),
        ("5 orang", "unknown_word", "'orang'", "1,2 juta"),
        ("lima", "no_digits", "tidak berisi angka", "12,5"),
        ("sekitar 5", "unknown_word", "'sekitar'", "1,2 juta"),
        ("2,5 M", "ambiguous_abbreviation", "meragukan", "2,5 miliar"),
        ("3k", "ambiguous_abbreviation", "meragukan", "3 ribu"),
        ("1 T", "ambiguous_abbreviation", "meragukan", "2,5 miliar"),
        ("--5", "sign", "hanya boleh satu kali", "-12,5"),
        ("5-", "sign", "hanya boleh satu kali", "-12,5"),
        ("+-5", "sign", "hanya boleh satu kali", "-12,5"),
        ("% 5", "misplaced", "salah tempat", "85%"),
        ("juta 5", "misplaced", "salah tempat", "1,2 juta"),
        ("5 juta ribu", "misplaced", "'ribu' salah tempat", "1,2 juta"),
        ("Rp 5 rupiah", "misplaced", "'rupiah' salah tempat", "Rp 1.500.000"),
        ("Rp 5%", "misplaced", "'%' salah tempat", "85%"),
        ("5 % Rp", "misplaced", "salah tempat", "85%"),
        ("5 ribu %", "unit_conflict", "Persen", "85,5%"),
    ],
)
def test_refuses_with_reason_and_example(
    text: str, reason: str, mentions: str, example: str
) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    error = caught.value
    assert error.reason == reason
    assert mentions in str(error)
    assert "Contoh:" in str(error)
    assert example in str(error).split("Contoh:")[1]


def test_number_error_is_a_value_error_with_message() -> None:
    with pytest.raises(ValueError, match=r"^'1\.234,5\.6' tidak dapat dibaca sebagai angka"):
        parse_number("1.234,5.6")


def test_too_long_counts_raw_text_and_does_not_echo_it() -> None:
    with pytest.raises(NumberError) as caught:
        parse_number("1" + " " * 70)
    assert caught.value.reason == "too_long"
    assert "1   " not in str(caught.value)
    assert parse_number("1" * 64).value == D("1" * 64)


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        ("1234567.45", 1, "1.234.567,5"),  # half up, not half even
        ("0.125", 2, "0,13"),
        ("-0.125", 2, "-0,13"),
        ("-0.001", 2, "0,00"),  # no negative zero
        ("999.995", 2, "1.000,00"),
        ("1000", 0, "1.000"),
        ("100", 0, "100"),
        ("12.5", 0, "13"),
        ("12", 3, "12,000"),
        ("1E+20", 0, "100.000.000.000.000.000.000"),
        (0, 0, "0"),
        (-1234, 0, "-1.234"),
    ],
)
def test_format_number(value: str | int, precision: int, text: str) -> None:
    given_value = D(value) if isinstance(value, str) else value
    assert format_number(given_value, precision) == text


def test_format_percent() -> None:
    assert format_percent(D("85.455")) == "85,46%"
    assert format_percent(D(100), 0) == "100%"


@pytest.mark.parametrize("bad", [D("NaN"), D("Infinity"), 1.5])
def test_format_refuses_non_finite_and_float(bad: object) -> None:
    with pytest.raises(ValueError):
        format_number(bad, 2)  # type: ignore[arg-type]


def test_format_refuses_negative_precision() -> None:
    with pytest.raises(ValueError):
        format_number(D(1), -1)


@pytest.mark.parametrize(
    ("value", "kwargs", "reason", "mentions"),
    [
        (D("-5"), {}, "negative", "tidak boleh negatif (-5)"),
        (D("-0.5"), {}, "negative", "(-0,5)"),
        (D(1500), {"satuan": "%"}, "percent_too_large", "1.500%"),
        (D(-1500), {"satuan": "persen", "allow_negative": True}, "percent_too_large", "1.000%"),
        (DEFAULT_MAX_ABS + 1, {}, "too_large", "terlalu besar"),
        (D(200), {"max_abs": D(100)}, "too_large", "batas 100"),
        (D(-(10**16)), {"allow_negative": True}, "too_large", "terlalu besar"),
    ],
)
def test_validate_magnitude_says_what_is_wrong(
    value: Decimal, kwargs: dict[str, object], reason: str, mentions: str
) -> None:
    problem = validate_magnitude(value, **kwargs)  # type: ignore[arg-type]
    assert problem is not None
    assert problem.reason == reason
    assert mentions in str(problem)
    assert "Contoh:" in str(problem)


@pytest.mark.parametrize(
    ("value", "kwargs"),
    [
        (D(0), {}),
        (D("-5"), {"allow_negative": True}),
        (D(1000), {"satuan": "%"}),
        (D(5000), {"satuan": "orang"}),  # the percent ceiling is for percentages only
        (DEFAULT_MAX_ABS, {}),
        (D(10) ** 16, {"max_abs": D(10) ** 17, "satuan": "Rp"}),
    ],
)
def test_validate_magnitude_accepts_plausible(value: Decimal, kwargs: dict[str, object]) -> None:
    assert validate_magnitude(value, **kwargs) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "satuan", "ok"),
    [
        ("85%", "%", True),
        ("85%", "Persen", True),
        ("85%", "orang", False),
        ("Rp 5", "Rp", True),
        ("Rp 5", "Juta Rupiah", True),
        ("Rp 5", "%", False),
        ("5", "%", True),  # no unit typed: nothing to contradict
        ("5", None, True),
        ("85%", None, False),
    ],
)
def test_validate_unit(text: str, satuan: str | None, ok: bool) -> None:
    problem = validate_unit(parse_number(text), satuan)
    assert (problem is None) is ok
    if problem is not None:
        assert problem.reason == "unit_mismatch"
        assert "Contoh:" in str(problem)


# --- properties -------------------------------------------------------------------


@st.composite
def decimals_with_precision(draw: st.DrawFn) -> tuple[Decimal, int]:
    precision = draw(st.integers(min_value=0, max_value=4))
    value = draw(
        st.decimals(
            min_value=-(10**15),
            max_value=10**15,
            places=precision,
            allow_nan=False,
            allow_infinity=False,
        )
    )
    return value, precision


@given(decimals_with_precision())
def test_format_then_parse_round_trips(case: tuple[Decimal, int]) -> None:
    value, precision = case
    text = format_number(value, precision)
    parsed = parse_number(text)
    assert parsed.value == value
    assert format_number(parsed.value, precision) == text


@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_any_integer_with_thousand_dots_parses_back(number: int) -> None:
    dotted = f"{number:,}".replace(",", ".")
    assert parse_number(dotted).value == number
    assert parse_number(f"Rp {dotted}").value == number


_TYPED = st.text(alphabet="0123456789.,+-−% \u00a0RpIDrupiahjutrbmlyksen/#eE", max_size=30)


@given(st.one_of(st.text(max_size=80), _TYPED))
def test_parse_raises_only_number_error(text: str) -> None:
    try:
        parsed = parse_number(text)
    except NumberError as error:
        assert error.reason
        assert "Contoh:" in str(error)
    else:
        assert isinstance(parsed, ParsedNumber)
        assert parsed.value.is_finite()
        parse_number(parsed.display())  # what the bot echoes can be typed back
