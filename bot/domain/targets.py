"""Which target a period's figure is measured against, when the Renaksi has no target for it.

Quarterly (Rencana Aksi) and yearly (PK) targets are always written; monthly
targets only where the Rencana Aksi breaks a quarter into months. The rule for
a month without its own target follows the indicator's aggregation:

* ``last`` and ``average`` (a level: a percentage, an index, a ratio): the
  level a month should reach is the level of its quarter, so the quarter's
  target is used (else the yearly target, PK).
* ``cumulative`` (a count that adds up over the year): a month's share of the
  quarter's target is written nowhere, and splitting it evenly would invent a
  target, so there is none: the capaian is "tidak dapat dihitung" and the row
  says why.

Pure: targets come in as a mapping of period text (``2026-TW4``) to value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from bot.domain.capaian import Aggregation
from bot.domain.periods import Period, PeriodKind


@dataclass(frozen=True)
class ChosenTarget:
    value: Decimal | None
    source: Period | None
    """The period whose target is used; None when there is none."""
    note: str = ""
    """Why another period's target (or none) is used, for the report row."""


def month_target(
    targets: Mapping[str, Decimal], month: Period, aggregation: Aggregation
) -> ChosenTarget:
    """The target a monthly figure is measured against (see the module doc)."""
    if month.kind is not PeriodKind.BULANAN:
        raise ValueError(f"{month} bukan periode bulanan")
    own = targets.get(str(month))
    if own is not None:
        return ChosenTarget(own, month)
    if aggregation is Aggregation.CUMULATIVE:
        return ChosenTarget(
            None,
            None,
            "Target bulanan tidak ada (agregasi kumulatif: target triwulan tidak dibagi per bulan)",
        )
    for fallback in (
        Period.containing(PeriodKind.TRIWULAN, month.start),
        Period(month.year, PeriodKind.TAHUNAN),
    ):
        value = targets.get(str(fallback))
        if value is not None:
            return ChosenTarget(
                value, fallback, f"Target bulanan tidak ada; dipakai target {fallback.label}"
            )
    return ChosenTarget(None, None, "Target bulanan, triwulan dan tahunan tidak ada")
