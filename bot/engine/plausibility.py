"""Plausibility at entry, engine side: the checks each value faces, and what submit requires.

The rules themselves are pure (``bot.domain.plausibility``); here they meet the
database: the indicator's own jump factor, the previous quarter's value, the
organisation's oversight policy. ``save_value`` refuses a value with a concern
the person has not confirmed (``NeedsConfirmation``), so every front end must
ask; ``complete_task`` refuses while an indicator below the kendala threshold
lacks kendala or tindak lanjut (``KendalaRequired``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from types import EllipsisType
from typing import TYPE_CHECKING

from bot.domain.capaian import Aggregation
from bot.domain.numbers import format_number
from bot.domain.oversight import (
    DEFAULT_OVERSIGHT,
    OversightPolicy,
    OversightPolicyError,
    load_oversight_policy,
)
from bot.domain.periods import Period, PeriodKind
from bot.domain.plausibility import KINDS, Concern, EntryChecks, kinds, unconfirmed
from bot.domain.targets import month_target
from bot.engine.errors import EngineError
from bot.persistence.models import Measurement, Organisation
from bot.persistence.reference import IndicatorLike
from bot.persistence.uow import SqlAlchemyUnitOfWork

if TYPE_CHECKING:
    from bot.engine.inputs import InputLine


class NeedsConfirmation(EngineError):
    """A value with plausibility concerns the person has not confirmed; nothing was saved."""

    def __init__(self, concerns: Sequence[Concern], precision: int = 2) -> None:
        self.concerns = tuple(concerns)
        said = " ".join(f"Perhatian: {c.message(precision)}" for c in self.concerns)
        super().__init__(f"{said} Periksa lagi; bila nilainya benar, konfirmasikan.")


class KendalaRequired(EngineError):
    """Submit refused: indicators below the capaian threshold lack kendala or tindak lanjut."""

    def __init__(self, missing: list[str], threshold: Decimal) -> None:
        self.missing = missing
        self.threshold = threshold
        names = "; ".join(missing)
        super().__init__(
            f"Belum dapat dikirim: {len(missing)} indikator dengan capaian di bawah "
            f"{format_number(threshold, _places(threshold))}% wajib diisi kendala dan "
            f"tindak lanjut: {names}"
        )


def policy_of(org: Organisation) -> OversightPolicy:
    """The organisation's oversight policy; the import validated it, so a broken stored
    value (edited by hand) falls back to the defaults rather than stopping all input."""
    try:
        return load_oversight_policy(org.oversight_policy)
    except OversightPolicyError:
        return DEFAULT_OVERSIGHT


_COMPARED_KINDS = (PeriodKind.TRIWULAN, PeriodKind.BULANAN)
"""A quarter's figure is compared with the quarter before, a month's with the month before."""


def compared_periods(period: Period) -> tuple[Period, ...]:
    """The earlier periods ``entry_checks`` may look up for a figure of ``period``: the
    period before, then this year's earlier periods of its kind (a sheet reads them at
    once for its ``lookup``)."""
    if period.kind not in _COMPARED_KINDS:
        return ()
    return (period.previous(), *period.earlier_in_year())


def entry_checks(
    uow: SqlAlchemyUnitOfWork,
    indicator: IndicatorLike,
    period: Period,
    policy: OversightPolicy,
    lookup: Callable[[int, str], Measurement | None] | None = None,
    target: Decimal | EllipsisType | None = ...,
) -> EntryChecks:
    """What a value of ``indicator`` for ``period`` is checked against.

    ``lookup(indicator_id, period)`` gives earlier figures already read (a whole
    input sheet reads them at once); without it each is read here. ``target`` is the
    period's target the sheet already read (``None``: it has none); without it
    (``...``), it is read here.
    """
    if isinstance(target, EllipsisType):
        target = period_target(indicator, period)
    find = lookup or uow.work.current_measurement
    previous_period: str | None = None
    previous: Decimal | None = None
    year_to_date = Decimal(0)
    if period.kind in _COMPARED_KINDS:
        previous_period = str(period.previous())
        row = find(indicator.id, previous_period)
        previous = row.value if row is not None else None
        cumulative = Aggregation(indicator.aggregation) is Aggregation.CUMULATIVE
        if cumulative and indicator.allow_negative:
            for before in period.earlier_in_year():
                earlier = find(indicator.id, str(before))
                if earlier is not None and earlier.value is not None:
                    year_to_date += earlier.value
    return EntryChecks(
        satuan=indicator.satuan,
        max_value=indicator.max_value,
        allow_negative=indicator.allow_negative,
        aggregation=Aggregation(indicator.aggregation),
        previous=previous,
        previous_period=previous_period,
        year_to_date=year_to_date,
        jump_factor=indicator.jump_factor or policy.jump_factor,
        enabled=policy.plausibility_checks,
        kendala_below_percent=policy.kendala_below_percent,
        target=target,
        target_factor=indicator.target_factor or policy.target_factor,
    )


def period_target(indicator: IndicatorLike, period: Period) -> Decimal | None:
    """The target a figure for ``period`` is held to (a month's by the report's rule)."""
    written = {t.period: t.value for t in indicator.targets}
    if period.kind is PeriodKind.BULANAN:
        return month_target(written, period, Aggregation(indicator.aggregation)).value
    return written.get(str(period))


def confirmed_flags(
    uow: SqlAlchemyUnitOfWork,
    indicator: IndicatorLike,
    period: Period,
    policy: OversightPolicy,
    value: Decimal | None,
    previous: Measurement | None,
    confirmed: Iterable[str],
    lookup: Callable[[int, str], Measurement | None] | None = None,
) -> list[str]:
    """The plausibility flags the new revision carries; raise if a concern is unconfirmed.

    A revision that repeats the previous revision's value (adding a kendala, a
    file) keeps that revision's flags and is not asked again. ``lookup``: earlier
    figures already read (see ``entry_checks``).
    """
    if value is None:
        return []
    if previous is not None and previous.value is not None and previous.value == value:
        return [flag for flag in previous.flags or [] if flag in KINDS]
    concerns = entry_checks(uow, indicator, period, policy, lookup).concerns(value)
    open_ = unconfirmed(concerns, confirmed)
    if open_:
        raise NeedsConfirmation(open_, indicator.precision)
    return sorted(kinds(concerns))


def lacks_kendala(line: InputLine) -> bool:
    """Below the threshold and without kendala or without tindak lanjut."""
    if line.value is None or line.checks is None:
        return False
    if not line.checks.kendala_required(line.capaian.value):
        return False
    return not (line.kendala or "").strip() or not (line.tindak_lanjut or "").strip()


def require_kendala(lines: Sequence[InputLine], policy: OversightPolicy) -> None:
    """Refuse a submit while an editable indicator below the threshold lacks kendala."""
    lacking = [line for line in lines if line.editable and lacks_kendala(line)]
    missing = [f"{line.code} {line.name}" for line in lacking]
    if missing:
        raise KendalaRequired(missing, policy.kendala_below_percent)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
