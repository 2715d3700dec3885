"""Capaian formulas, rating bands and quarterly aggregation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain.capaian import (
    DEFAULT_SCALE,
    Aggregation,
    CapaianResult,
    CapaianStatus,
    LowerFormula,
    Polarity,
    RatingBand,
    RatingScale,
    RatingScaleError,
    aggregate,
    capaian,
    load_rating_scale,
    missing_quarters,
)

D = Decimal
HIGHER = Polarity.HIGHER_IS_BETTER
LOWER = Polarity.LOWER_IS_BETTER
TWO_T = LowerFormula.TWO_T_MINUS_R
T_OVER_R = LowerFormula.T_OVER_R


# --- formulas ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "realisasi", "polarity", "formula", "expected"),
    [
        ("80", "60", HIGHER, TWO_T, "75"),
        ("80", "80", HIGHER, TWO_T, "100"),
        ("80", "100", HIGHER, TWO_T, "125"),
        ("80", "0", HIGHER, TWO_T, "0"),
        ("5", "-2", HIGHER, TWO_T, "-40"),  # negative growth: not floored
        ("10", "8", LOWER, TWO_T, "120"),
        ("10", "12", LOWER, TWO_T, "80"),
        ("10", "0", LOWER, TWO_T, "200"),
        ("10", "25", LOWER, TWO_T, "0"),  # floored at 0, not -50
        ("10", "8", LOWER, T_OVER_R, "125"),
        ("10", "12.5", LOWER, T_OVER_R, "80"),
        ("0.5", "0.25", HIGHER, TWO_T, "50"),
    ],
)
def test_formulas(
    target: str, realisasi: str, polarity: Polarity, formula: LowerFormula, expected: str
) -> None:
    result = capaian(D(target), D(realisasi), polarity, formula)
    assert result.value == D(expected)
    assert result.reason is None
    assert result.status is CapaianStatus.OK


@pytest.mark.parametrize("formula", list(LowerFormula))
@pytest.mark.parametrize("value", ["10", "0.07", "1234567.89"])
def test_lower_is_better_met_exactly_is_100_percent(formula: LowerFormula, value: str) -> None:
    """Regression: a peer's (T - R) / T gave 0 % when the target was met exactly."""
    assert capaian(D(value), D(value), LOWER, formula).value == D(100)


def test_accepts_plain_strings_from_configuration() -> None:
    assert capaian(D(10), D(8), "lower", "t_over_r").value == D(125)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("target", "realisasi", "polarity", "formula", "status", "reason"),
    [
        ("10", None, HIGHER, TWO_T, CapaianStatus.NO_DATA, "belum ada data"),
        (None, None, LOWER, TWO_T, CapaianStatus.NO_DATA, "belum ada data"),
        (None, "5", HIGHER, TWO_T, CapaianStatus.NO_TARGET, "target belum ditetapkan"),
        ("0", "5", HIGHER, TWO_T, CapaianStatus.TARGET_ZERO, "tidak dapat dihitung (target 0)"),
        ("0", "0", LOWER, TWO_T, CapaianStatus.TARGET_ZERO, "tidak dapat dihitung (target 0)"),
        ("0.00", "0", LOWER, T_OVER_R, CapaianStatus.TARGET_ZERO, "(target 0)"),
        ("-5", "5", HIGHER, TWO_T, CapaianStatus.TARGET_NEGATIVE, "target negatif"),
        ("5", "0", LOWER, T_OVER_R, CapaianStatus.REALISASI_NOT_POSITIVE, "realisasi 0"),
        ("5", "-1", LOWER, T_OVER_R, CapaianStatus.REALISASI_NOT_POSITIVE, "negatif"),
    ],
)
def test_not_computable_gives_reason_never_crashes(
    target: str | None,
    realisasi: str | None,
    polarity: Polarity,
    formula: LowerFormula,
    status: CapaianStatus,
    reason: str,
) -> None:
    result = capaian(
        None if target is None else D(target),
        None if realisasi is None else D(realisasi),
        polarity,
        formula,
    )
    assert result.value is None
    assert not result.is_computable
    assert result.status is status
    assert result.reason is not None
    assert reason in result.reason
    assert result.rounded() is None


def test_rounding_only_at_presentation_half_up() -> None:
    result = capaian(D(3), D(1), HIGHER)
    assert result.value is not None
    assert result.value != D("33.33")  # kept at full precision
    assert result.rounded() == D("33.33")
    assert result.rounded(0) == D(33)
    assert CapaianResult(D("66.665")).rounded() == D("66.67")  # half up, not half even
    assert CapaianResult(D("-0.125")).rounded() == D("-0.13")
    assert capaian(D(3), D(2), HIGHER).rounded(4) == D("66.6667")


# --- properties of the formulas -------------------------------------------------------

_POSITIVE = st.decimals(min_value=D("0.001"), max_value=D(10**9), places=3)
_ANY = st.decimals(min_value=D(-(10**9)), max_value=D(10**9), places=3)


@given(_POSITIVE, _ANY, _ANY)
def test_higher_is_better_is_monotonic_in_r(target: Decimal, r1: Decimal, r2: Decimal) -> None:
    low, high = sorted((r1, r2))
    c_low, c_high = capaian(target, low, HIGHER).value, capaian(target, high, HIGHER).value
    assert c_low is not None and c_high is not None
    assert c_low <= c_high
    assert (c_high >= 100) == (high >= target)


@given(_POSITIVE, _ANY, _ANY)
def test_lower_two_t_is_antitonic_in_r_and_never_negative(
    target: Decimal, r1: Decimal, r2: Decimal
) -> None:
    low, high = sorted((r1, r2))
    c_low, c_high = capaian(target, low, LOWER).value, capaian(target, high, LOWER).value
    assert c_low is not None and c_high is not None
    assert c_low >= c_high >= 0
    assert (c_low >= 100) == (low <= target)


@given(_POSITIVE, _POSITIVE, _POSITIVE)
def test_lower_t_over_r_is_antitonic_in_r(target: Decimal, r1: Decimal, r2: Decimal) -> None:
    low, high = sorted((r1, r2))
    c_low = capaian(target, low, LOWER, T_OVER_R).value
    c_high = capaian(target, high, LOWER, T_OVER_R).value
    assert c_low is not None and c_high is not None
    assert c_low >= c_high > 0
    assert (c_low >= 100) == (low <= target)


# --- rating bands -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("-20", "Sangat Rendah"),
        ("0", "Sangat Rendah"),
        ("50", "Sangat Rendah"),
        ("50.01", "Rendah"),
        ("50.5", "Rendah"),
        ("51", "Rendah"),
        ("65", "Rendah"),
        ("65.5", "Rendah"),
        ("66", "Sedang"),
        ("75", "Sedang"),
        ("75.5", "Sedang"),
        ("75.999", "Sedang"),
        ("76", "Tinggi"),
        ("90", "Tinggi"),
        ("90.0001", "Sangat Tinggi"),
        ("91", "Sangat Tinggi"),
        ("250", "Sangat Tinggi"),
        ("Infinity", "Sangat Tinggi"),
        ("-Infinity", "Sangat Rendah"),
    ],
)
def test_default_scale(value: str, label: str) -> None:
    assert DEFAULT_SCALE.rate(D(value)) == label


def test_rate_refuses_nan() -> None:
    with pytest.raises(ValueError):
        DEFAULT_SCALE.rate(D("NaN"))


def test_bands_are_kept_lowest_first_whatever_the_order_given() -> None:
    scale = load_rating_scale(
        {
            "bands": [
                {"label": "Baik", "min_inclusive": 80},
                {"label": "Kurang"},
                {"label": "Cukup", "min_exclusive": 60.5},
            ]
        }
    )
    assert [b.label for b in scale.bands] == ["Kurang", "Cukup", "Baik"]
    assert scale.bands[1].min_exclusive == D("60.5")  # a YAML float read through str
    assert scale.rate(D("60.5")) == "Kurang"
    assert scale.rate(D("60.51")) == "Cukup"
    assert scale.rate(D(80)) == "Baik"


def test_default_scale_equals_its_configuration_form() -> None:
    config = {
        "bands": [
            {"label": "Sangat Tinggi", "min_exclusive": 90},
            {"label": "Tinggi", "min_inclusive": 76},
            {"label": "Sedang", "min_inclusive": 66},
            {"label": "Rendah", "min_exclusive": 50},
            {"label": "Sangat Rendah"},
        ]
    }
    assert load_rating_scale(config) == DEFAULT_SCALE


@pytest.mark.parametrize(
    ("config", "mentions"),
    [
        ({}, "bands: wajib diisi"),
        ({"bands": []}, "belum ada band"),
        ({"bands": [{"label": "A"}, {"label": "B"}]}, "tepat satu band harus tanpa batas bawah"),
        ({"bands": [{"label": "A", "min_inclusive": 0}]}, "sekarang: tidak ada"),
        ({"bands": [{"label": "  "}]}, "band ke-1, label: tidak boleh kosong"),
        ({"bands": [{"min_inclusive": 5}]}, "band ke-1, label: wajib diisi"),
        (
            {"bands": [{"label": "A"}, {"label": "B", "min_inclusive": 1, "min_exclusive": 2}]},
            "band ke-2 (B): isi min_inclusive atau min_exclusive, jangan keduanya",
        ),
        (
            {
                "bands": [
                    {"label": "A"},
                    {"label": "B", "min_inclusive": 5},
                    {"label": "C", "min_exclusive": 5},
                ]
            },
            "berbatas bawah sama (5)",
        ),
        ({"bands": [{"label": "A"}, {"label": "a", "min_inclusive": 5}]}, "label ganda"),
        ({"bands": [{"label": "A"}, {"label": "B", "min_inclusive": "tinggi"}]}, "harus angka"),
        ({"bands": [{"label": "A"}, {"label": "B", "min_inclusive": "inf"}]}, "terhingga"),
        ({"bands": [{"label": "A", "max": 5}]}, "band ke-1 (A), max: kunci tidak dikenal"),
    ],
)
def test_scale_configuration_errors_are_readable(config: dict[str, object], mentions: str) -> None:
    with pytest.raises(RatingScaleError) as caught:
        load_rating_scale(config)
    assert str(caught.value).startswith("skala predikat tidak sah:")
    assert mentions in str(caught.value)


def test_scale_is_immutable() -> None:
    with pytest.raises(ValueError):
        DEFAULT_SCALE.bands = ()  # type: ignore[misc]


_BOUNDS = st.lists(
    st.decimals(min_value=-1000, max_value=1000, places=2), min_size=0, max_size=6, unique=True
)
_VALUES = st.decimals(min_value=-2000, max_value=2000, places=3) | st.sampled_from(
    [D("50"), D("66"), D("76"), D("90"), D("-Infinity"), D("Infinity")]
)


@st.composite
def scales(draw: st.DrawFn) -> RatingScale:
    bounds = draw(_BOUNDS)
    bands = [RatingBand(label="dasar")]
    for index, bound in enumerate(bounds):
        key = "min_inclusive" if draw(st.booleans()) else "min_exclusive"
        bands.append(RatingBand.model_validate({"label": f"band{index}", key: bound}))
    return RatingScale(bands=tuple(draw(st.permutations(bands))))


def _contains(scale: RatingScale, index: int, value: Decimal) -> bool:
    """Brute force: the band admits the value and the next one up does not."""
    bands = scale.bands
    above = bands[index + 1] if index + 1 < len(bands) else None
    return bands[index].admits(value) and (above is None or not above.admits(value))


@given(st.one_of(st.just(DEFAULT_SCALE), scales()), _VALUES)
def test_bands_are_total_every_value_gets_exactly_one_label(
    scale: RatingScale, value: Decimal
) -> None:
    holders = [i for i in range(len(scale.bands)) if _contains(scale, i, value)]
    assert len(holders) == 1
    assert scale.rate(value) == scale.bands[holders[0]].label


@given(scales(), _VALUES, _VALUES)
def test_rating_never_goes_down_as_capaian_goes_up(
    scale: RatingScale, v1: Decimal, v2: Decimal
) -> None:
    assume(v1 != v2)
    low, high = sorted((v1, v2))
    labels = [band.label for band in scale.bands]
    assert labels.index(scale.rate(low)) <= labels.index(scale.rate(high))


# --- aggregation over quarters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "how", "expected"),
    [
        ({1: "10", 2: "20", 3: "30", 4: "40"}, Aggregation.CUMULATIVE, "100"),
        ({1: "10", 2: "20", 3: "30", 4: "40"}, Aggregation.LAST, "40"),
        ({1: "10", 2: "20", 3: "30", 4: "40"}, Aggregation.AVERAGE, "25"),
        ({1: "10", 2: None, 3: "30"}, Aggregation.CUMULATIVE, "40"),  # missing skipped, not 0
        ({1: "10", 2: None, 3: "30"}, Aggregation.AVERAGE, "20"),  # mean of 2 quarters
        ({1: "10", 3: "30", 4: None}, Aggregation.LAST, "30"),  # latest with data
        ({4: "7", 1: "1"}, Aggregation.LAST, "7"),  # by quarter, not insertion order
        ({2: "0"}, Aggregation.LAST, "0"),  # zero is data
        (
            {1: "1", 2: "1", 3: "2"},
            Aggregation.AVERAGE,
            "1." + "3" * 49,  # 50 significant digits
        ),
        ({}, Aggregation.CUMULATIVE, None),
        ({1: None, 2: None}, Aggregation.AVERAGE, None),
        ({1: None}, Aggregation.LAST, None),
    ],
)
def test_aggregate(values: dict[int, str | None], how: Aggregation, expected: str | None) -> None:
    given_values = {q: None if v is None else D(v) for q, v in values.items()}
    result = aggregate(given_values, how)
    assert result == (None if expected is None else D(expected))


def test_aggregate_accepts_plain_strings_and_refuses_bad_quarters() -> None:
    assert aggregate({1: D(2)}, "cumulative") == D(2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="triwulan 5"):
        aggregate({5: D(1)}, Aggregation.CUMULATIVE)
    with pytest.raises(ValueError):
        aggregate({1: D(1)}, "median")  # type: ignore[arg-type]


def test_missing_quarters() -> None:
    assert missing_quarters({1: D(1), 3: None}) == (2, 3, 4)
    assert missing_quarters({1: D(1), 3: None}, up_to=2) == (2,)
    assert missing_quarters({q: D(0) for q in (1, 2, 3, 4)}) == ()


@given(st.dictionaries(st.integers(1, 4), st.none() | st.decimals(-1000, 1000, places=2)))
def test_average_lies_between_min_and_max_and_sum_is_exact(
    values: dict[int, Decimal | None],
) -> None:
    present = [v for v in values.values() if v is not None]
    average = aggregate(values, Aggregation.AVERAGE)
    total = aggregate(values, Aggregation.CUMULATIVE)
    if not present:
        assert average is None and total is None
        return
    assert average is not None and min(present) <= average <= max(present)
    assert total == sum(present)


def test_an_organisations_scale_is_parsed_once_per_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every card rates its figures with the organisation's scale: the bands are parsed
    once while they stay the same (issue 15), and again once they change."""
    from types import SimpleNamespace

    from bot.engine import inputs

    parsed: list[object] = []

    def counting(data: dict) -> object:
        parsed.append(data)
        return load_rating_scale(data)

    monkeypatch.setattr(inputs, "load_rating_scale", counting)
    monkeypatch.setattr(inputs, "_SCALES", {})  # what other tests parsed
    bands = [
        {"label": "Kurang"},
        {"label": "Baik", "min_inclusive": 80},
    ]
    org = SimpleNamespace(rating_bands=bands)
    first = inputs.rating_scale(org)  # type: ignore[arg-type]
    again = inputs.rating_scale(SimpleNamespace(rating_bands=[dict(b) for b in bands]))  # type: ignore[arg-type]
    assert again is first and len(parsed) == 1
    assert first.rate(Decimal(85)) == "Baik"
    changed = [{"label": "Kurang"}, {"label": "Baik", "min_inclusive": 90}]
    assert inputs.rating_scale(SimpleNamespace(rating_bands=changed)).rate(Decimal(85)) == "Kurang"  # type: ignore[arg-type]
    assert len(parsed) == 2
    assert inputs.rating_scale(SimpleNamespace(rating_bands=[])) is DEFAULT_SCALE  # type: ignore[arg-type]
