"""Capaian (achievement, %) of an indicator, and how quarters add up into a year.

* Higher is better: ``R / T x 100``. Not floored: a negative realisation (a
  shrinking economy against a growth target) gives a negative capaian.
* Lower is better, per indicator, one of:
  - ``2t_minus_r`` (default): ``(2T - R) / T x 100``, floored at 0;
  - ``t_over_r``: ``T / R x 100``. With ``R = 0`` the result is unbounded, so it
    is reported as not computable with a reason that suggests ``2t_minus_r``;
    a negative R is not computable either (the formula would turn around).
  Both give exactly 100 % when R = T (a peer's ``(T - R) / T`` gave 0 %).
* ``T = 0`` and a negative T are "tidak dapat dihitung", with the reason; a missing
  R is "belum ada data". Nothing here raises for data the staff may enter.

Arithmetic is Decimal with 50 significant digits (a quotient such as 1/3 cannot
be exact); rounding to places happens only for presentation, half up.
Rating bands live in ``bot.domain.rating``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from bot.domain.rating import (  # re-exported: capaian and its rating travel together
    DEFAULT_SCALE,
    RatingBand,
    RatingScale,
    RatingScaleError,
    load_rating_scale,
)

__all__ = [
    "DEFAULT_SCALE",
    "QUARTERS",
    "Aggregation",
    "CapaianResult",
    "CapaianStatus",
    "LowerFormula",
    "Polarity",
    "RatingBand",
    "RatingScale",
    "RatingScaleError",
    "aggregate",
    "capaian",
    "load_rating_scale",
    "missing_quarters",
    "round_half_up",
]

PRECISION = 50
_HUNDRED = Decimal(100)


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class LowerFormula(StrEnum):
    """How a lower-is-better indicator turns R and T into a capaian."""

    TWO_T_MINUS_R = "2t_minus_r"
    """(2T - R) / T x 100, not below 0."""
    T_OVER_R = "t_over_r"
    """T / R x 100; not computable when R <= 0."""


class CapaianStatus(StrEnum):
    OK = "ok"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"
    TARGET_ZERO = "target_zero"
    TARGET_NEGATIVE = "target_negative"
    REALISASI_NOT_POSITIVE = "realisasi_not_positive"


_REASONS = {
    CapaianStatus.NO_DATA: "belum ada data",
    CapaianStatus.NO_TARGET: "tidak dapat dihitung (target belum ditetapkan)",
    CapaianStatus.TARGET_ZERO: "tidak dapat dihitung (target 0)",
    CapaianStatus.TARGET_NEGATIVE: "tidak dapat dihitung (target negatif)",
    CapaianStatus.REALISASI_NOT_POSITIVE: (
        "tidak dapat dihitung (realisasi 0 atau negatif dengan rumus T/R; "
        "gunakan rumus (2T - R)/T untuk indikator ini)"
    ),
}


@dataclass(frozen=True)
class CapaianResult:
    """A capaian in percent, or ``None`` with the reason (Bahasa Indonesia) why not."""

    value: Decimal | None
    reason: str | None = None
    status: CapaianStatus = CapaianStatus.OK

    @classmethod
    def not_computable(cls, status: CapaianStatus) -> CapaianResult:
        return cls(None, _REASONS[status], status)

    @property
    def is_computable(self) -> bool:
        return self.value is not None

    def rounded(self, places: int = 2) -> Decimal | None:
        """The value rounded half up for presentation (``None`` stays ``None``)."""
        return None if self.value is None else round_half_up(self.value, places)


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = max(PRECISION, value.adjusted() + places + 3)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def capaian(
    target: Decimal | None,
    realisasi: Decimal | None,
    polarity: Polarity,
    lower_formula: LowerFormula = LowerFormula.TWO_T_MINUS_R,
) -> CapaianResult:
    """The capaian of realisasi R against target T, by the indicator's polarity."""
    if realisasi is None:
        return CapaianResult.not_computable(CapaianStatus.NO_DATA)
    if target is None:
        return CapaianResult.not_computable(CapaianStatus.NO_TARGET)
    if target == 0:
        return CapaianResult.not_computable(CapaianStatus.TARGET_ZERO)
    if target < 0:
        return CapaianResult.not_computable(CapaianStatus.TARGET_NEGATIVE)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        if Polarity(polarity) is Polarity.HIGHER_IS_BETTER:
            return CapaianResult(realisasi * _HUNDRED / target)
        if LowerFormula(lower_formula) is LowerFormula.T_OVER_R:
            if realisasi <= 0:
                return CapaianResult.not_computable(CapaianStatus.REALISASI_NOT_POSITIVE)
            return CapaianResult(target * _HUNDRED / realisasi)
        return CapaianResult(max(Decimal(0), (2 * target - realisasi) * _HUNDRED / target))


class Aggregation(StrEnum):
    """How an indicator's quarterly figures make the yearly one."""

    CUMULATIVE = "cumulative"
    """Sum of the quarters that have data (counts: participants, documents, Rp)."""
    LAST = "last"
    """The latest quarter that has data (stock figures: an index, a ratio at year end)."""
    AVERAGE = "average"
    """Mean of the quarters that have data (rates measured each quarter)."""


QUARTERS = (1, 2, 3, 4)


def aggregate(values_by_quarter: Mapping[int, Decimal | None], how: Aggregation) -> Decimal | None:
    """Combine quarterly values; a quarter that is absent or ``None`` has no data.

    Missing quarters are skipped, not read as zero: the sum or mean covers the
    quarters that reported, and ``last`` takes the latest one that did. ``None``
    when no quarter has data. Use ``missing_quarters`` to show what is lacking.
    """
    how = Aggregation(how)
    for quarter in values_by_quarter:
        if quarter not in QUARTERS:
            raise ValueError(f"triwulan {quarter!r} tidak sah; gunakan 1-4")
    values = [v for q in QUARTERS if (v := values_by_quarter.get(q)) is not None]
    if not values:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        if how is Aggregation.LAST:
            return values[-1]
        total = sum(values, Decimal(0))
        return total if how is Aggregation.CUMULATIVE else total / len(values)


def missing_quarters(
    values_by_quarter: Mapping[int, Decimal | None], up_to: int = 4
) -> tuple[int, ...]:
    """Quarters 1..``up_to`` without data, for the "belum lengkap" note of a report."""
    return tuple(q for q in QUARTERS[:up_to] if values_by_quarter.get(q) is None)
