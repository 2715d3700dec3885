"""Plausibility of an entered realisasi: what looks wrong enough to ask "is this right?".

A *concern* is not a refusal. Hard limits stay refusals where they are today
(``bot.domain.numbers.validate_magnitude``, the indicator's ``max_value``, a
negative value where the indicator does not allow one); these checks run on a
value that passed them, and the person may confirm it. Confirmed concerns are
kept in ``Measurement.flags`` so reports can say the figure was checked.

The checks, from the indicator's metadata and its history:

* ``over_100``: a percentage (``is_percent_unit``) above 100 when the indicator
  sets no maximum. An indicator that sets ``max_value`` has said what it allows
  (above it the value is refused; up to it, e.g. 150 %, it is fine).
* ``decrease``: a *cumulative* indicator whose year-to-date total would go
  down. In this data model the quarterly figures of a cumulative indicator are
  the amounts of each quarter, summed into the year (``capaian.aggregate``,
  ``examples/sample_org/make_targets.py``: 50, 100, 150, 100 orang -> 400), so
  the total goes down exactly when a quarter's amount is negative. That is only
  possible where the indicator allows negatives (elsewhere it is refused), and
  there it deserves a second look. A smaller amount than last quarter is *not*
  a decrease of the total. ``last`` (stock figures: an index, a ratio) and
  ``average`` indicators may go down from quarter to quarter; that is news,
  not an error, so they are never flagged for it.
* ``jump``: more than ``jump_factor`` times the previous quarter's value, or
  less than 1/``jump_factor`` of it (down to 0). Only when the previous quarter
  has a value above 0 and the new value is not negative: a ratio to 0 or across
  the sign says nothing useful. The previous quarter of TW I is TW IV of the
  year before.
* ``target`` (issue 16): more than ``target_factor`` (default 10) times the
  period's target, or above 0 and less than 1/``target_factor`` of it. This
  catches what the history cannot: the first quarter of an indicator, a typo of
  extra digits ("1.250" for 5 organisations), an amount of money typed as a
  count. A value of 0 is not flagged: nothing done is news, not a typo.

Separately, ``kendala_required``: below the organisation's threshold (default
90 %, compared on the capaian rounded to two places as the person sees it),
kendala and tindak lanjut are required before the input is submitted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from bot.domain.capaian import Aggregation, round_half_up
from bot.domain.numbers import format_number, is_percent_unit
from bot.domain.periods import Period, PeriodKind

DEFAULT_JUMP_FACTOR = Decimal(3)
DEFAULT_KENDALA_BELOW = Decimal(90)
DEFAULT_TARGET_FACTOR = Decimal(10)
_HUNDRED = Decimal(100)


class ConcernKind(StrEnum):
    OVER_100 = "over_100"
    DECREASE = "decrease"
    JUMP = "jump"
    TARGET = "target"


KINDS = frozenset(kind.value for kind in ConcernKind)
"""Every concern kind: the plausibility flags a measurement may carry."""


@dataclass(frozen=True)
class Concern:
    """One reason to ask for confirmation, with the figures its message needs."""

    kind: ConcernKind
    value: Decimal
    reference: Decimal | None = None
    """``jump``: the previous quarter's value; ``decrease``: the year-to-date total before;
    ``target``: the period's target."""
    factor: Decimal | None = None
    """``jump``: the factor in force."""
    before: str = "triwulan lalu"
    """``jump``: how the message names the period compared with ("bulan lalu" monthly)."""

    @property
    def ratio(self) -> Decimal | None:
        """``jump``: the new value divided by the previous quarter's."""
        if self.reference is None or self.reference == 0:
            return None
        with localcontext() as ctx:
            ctx.prec = 50
            return self.value / self.reference

    def message(self, precision: int = 2) -> str:
        """The concern in Bahasa Indonesia, without the "Perhatian:" the front end adds."""
        value = _shown(self.value, precision)
        if self.kind is ConcernKind.OVER_100:
            return f"{value}% melebihi 100%, padahal ini indikator persentase."
        if self.kind is ConcernKind.DECREASE:
            before = self.reference or Decimal(0)
            after = _shown(before + self.value, precision)
            return (
                f"nilai negatif ({value}) menurunkan total kumulatif tahun ini "
                f"dari {_shown(before, precision)} menjadi {after}."
            )
        if self.kind is ConcernKind.TARGET:
            return self._target_message(precision)
        previous = _shown(self.reference or Decimal(0), precision)
        factor = _shown(self.factor or DEFAULT_JUMP_FACTOR, 2)
        ratio = self.ratio or Decimal(0)
        if ratio > 1:
            return (
                f"nilai ini {_shown(ratio, 1)} kali {self.before} ({previous}); "
                f"batas kewajaran {factor} kali."
            )
        if self.value == 0:
            return f"nilai ini 0, padahal {self.before} {previous}."
        return (
            f"nilai ini turun tajam dari {self.before} ({previous} menjadi {value}), "
            f"lebih dari {factor} kali lipat."
        )

    def _target_message(self, precision: int) -> str:
        target = _shown(self.reference or Decimal(0), precision)
        factor = _shown(self.factor or DEFAULT_TARGET_FACTOR, 2)
        ratio = self.ratio or Decimal(0)
        if ratio > 1:
            return (
                f"nilai ini {_shown(ratio, 1)} kali target ({target}); "
                f"batas kewajaran {factor} kali."
            )
        return (
            f"nilai ini jauh di bawah target ({_shown(self.value, precision)} dari target "
            f"{target}), lebih dari {factor} kali lipat."
        )


def far_from_target(value: Decimal, target: Decimal | None, factor: Decimal) -> bool:
    """More than ``factor`` times ``target``, or above 0 and below 1/``factor`` of it."""
    if target is None or target <= 0 or value <= 0 or factor <= 1:
        return False
    return value > target * factor or value * factor < target


def check_value(
    value: Decimal,
    *,
    satuan: str | None,
    max_value: Decimal | None = None,
    allow_negative: bool = False,
    aggregation: Aggregation | str = Aggregation.CUMULATIVE,
    previous: Decimal | None = None,
    year_to_date: Decimal = Decimal(0),
    jump_factor: Decimal = DEFAULT_JUMP_FACTOR,
    previous_label: str = "triwulan lalu",
    target: Decimal | None = None,
    target_factor: Decimal = DEFAULT_TARGET_FACTOR,
) -> tuple[Concern, ...]:
    """The concerns about ``value`` (an empty tuple when it looks fine).

    ``previous`` is the previous quarter's realisasi (``None``: none entered);
    ``year_to_date`` the sum of this year's earlier quarters (cumulative indicators).
    """
    found: list[Concern] = []
    if is_percent_unit(satuan) and value > _HUNDRED and max_value is None:
        found.append(Concern(ConcernKind.OVER_100, value))
    if Aggregation(aggregation) is Aggregation.CUMULATIVE and value < 0 and allow_negative:
        found.append(Concern(ConcernKind.DECREASE, value, reference=year_to_date))
    comparable = previous is not None and previous > 0 and value >= 0 and jump_factor > 1
    if comparable and (value > previous * jump_factor or value * jump_factor < previous):
        found.append(Concern(ConcernKind.JUMP, value, previous, jump_factor, previous_label))
    if far_from_target(value, target, target_factor):
        found.append(Concern(ConcernKind.TARGET, value, target, target_factor))
    return tuple(found)


@dataclass(frozen=True)
class EntryChecks:
    """Everything the checks need about one indicator in one period.

    Built by the engine (``bot.engine.plausibility.entry_checks``) from the
    indicator, its earlier measurements and the organisation's oversight policy,
    and carried on each ``InputLine`` so every front end asks what the engine
    will require.
    """

    satuan: str = ""
    max_value: Decimal | None = None
    allow_negative: bool = False
    aggregation: Aggregation = Aggregation.CUMULATIVE
    previous: Decimal | None = None
    previous_period: str | None = None
    year_to_date: Decimal = Decimal(0)
    jump_factor: Decimal = DEFAULT_JUMP_FACTOR
    enabled: bool = True
    """The organisation's ``plausibility_checks``: off means no concern is ever raised."""
    kendala_below_percent: Decimal = DEFAULT_KENDALA_BELOW
    target: Decimal | None = None
    """The period's target (issue 16: a value far from it asks for confirmation)."""
    target_factor: Decimal = DEFAULT_TARGET_FACTOR

    def concerns(self, value: Decimal) -> tuple[Concern, ...]:
        if not self.enabled:
            return ()
        return check_value(
            value,
            satuan=self.satuan,
            max_value=self.max_value,
            allow_negative=self.allow_negative,
            aggregation=self.aggregation,
            previous=self.previous,
            year_to_date=self.year_to_date,
            jump_factor=self.jump_factor,
            previous_label=self.previous_label,
            target=self.target,
            target_factor=self.target_factor,
        )

    @property
    def previous_label(self) -> str:
        """How messages name the period compared with: a month's is "bulan lalu"."""
        monthly = (
            self.previous_period is not None
            and Period.parse(self.previous_period).kind is PeriodKind.BULANAN
        )
        return "bulan lalu" if monthly else "triwulan lalu"

    def kendala_required(self, capaian: Decimal | None) -> bool:
        return kendala_required(capaian, self.kendala_below_percent)


def kendala_required(capaian: Decimal | None, threshold: Decimal = DEFAULT_KENDALA_BELOW) -> bool:
    """A computable capaian below ``threshold`` (as shown: rounded to 2 places) needs kendala
    and tindak lanjut; a capaian that cannot be computed (no data, no target) does not."""
    return capaian is not None and round_half_up(capaian, 2) < threshold


def kinds(concerns: Iterable[Concern]) -> frozenset[str]:
    return frozenset(concern.kind.value for concern in concerns)


def unconfirmed(concerns: Iterable[Concern], confirmed: Iterable[str]) -> tuple[Concern, ...]:
    """The concerns whose kind the person has not confirmed."""
    done = set(confirmed)
    return tuple(c for c in concerns if c.kind.value not in done)


def threshold_text(percent: Decimal) -> str:
    """A configured percentage with only the decimals it has: "90%", "87,5%"."""
    return f"{_shown(percent, 2)}%"


def _shown(value: Decimal, precision: int) -> str:
    """Indonesian notation with no more decimals than the value needs, at most ``precision``."""
    with localcontext() as ctx:
        ctx.prec = 50
        rounded = value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
    exponent = rounded.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(rounded, min(places, precision))
