"""Indicator values inside a task: which indicators, what is entered, what may change.

Every save adds a measurement revision (nothing is overwritten); the state of
the current revision says where it stands: draft, submitted, returned, verified
(an earlier review said YES), approved (accepted: ``bot.domain.acceptance``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Row

from bot.domain.acceptance import verified_label
from bot.domain.capaian import Aggregation, CapaianResult, LowerFormula, Polarity, capaian
from bot.domain.enums import MeasurementState
from bot.domain.periods import Period, PeriodKind
from bot.domain.plausibility import EntryChecks
from bot.domain.rating import DEFAULT_SCALE, RatingScale, load_rating_scale
from bot.domain.targets import month_target
from bot.engine.context import RunContext
from bot.engine.plausibility import compared_periods, entry_checks, policy_of
from bot.persistence.models import Measurement, Organisation, Task
from bot.persistence.reference import IndicatorLike, IndicatorRef
from bot.persistence.uow import SqlAlchemyUnitOfWork

Figure = Measurement | Row[Any]
"""A current revision as read for a card: the ORM row, or the plain row of its columns
(``WorkRepository.current_figures_in``), read by attribute either way."""

STATE_TEXT: dict[MeasurementState | None, str] = {
    None: "belum diisi",
    MeasurementState.DRAFT: "draf",
    MeasurementState.SUBMITTED: "diajukan",
    MeasurementState.RETURNED: "dikembalikan",
    MeasurementState.VERIFIED: "diverifikasi",
    MeasurementState.APPROVED: "disetujui",
}


@dataclass(frozen=True)
class InputLine:
    """One indicator as the person entering or reviewing it sees it."""

    indicator_id: int
    code: str
    name: str
    sasaran: str
    satuan: str
    precision: int
    unit_name: str
    target: Decimal | None
    previous: tuple[tuple[str, Decimal | None], ...]
    """Earlier quarters of the same year: (period, realisasi)."""
    value: Decimal | None
    no_data: bool
    no_data_reason: str | None
    kendala: str | None
    tindak_lanjut: str | None
    evidence: tuple[dict, ...]
    state: MeasurementState | None
    capaian: CapaianResult
    category: str | None
    editable: bool
    allow_negative: bool = False
    max_value: Decimal | None = None
    polarity: Polarity = Polarity.HIGHER_IS_BETTER
    lower_formula: LowerFormula = LowerFormula.TWO_T_MINUS_R
    scale: RatingScale = DEFAULT_SCALE
    """The organisation's rating bands, to rate a value before it is saved."""
    checks: EntryChecks | None = None
    """Plausibility checks and the kendala threshold (``bot.domain.plausibility``)."""
    verified_by: str | None = None
    """For a verified figure: the name of the role whose YES verified it ("Kasubid")."""

    @property
    def state_text(self) -> str:
        """The figure's status as people say it: "diverifikasi Kasubid", "disetujui"..."""
        if self.state is MeasurementState.VERIFIED:
            return verified_label(self.verified_by)
        return STATE_TEXT[self.state]

    @property
    def filled(self) -> bool:
        return self.value is not None or (self.no_data and bool(self.no_data_reason))


def relevant(indicator: IndicatorLike, year: int) -> bool:
    """An active indicator with a target in ``year`` takes part in that year's runs."""
    return indicator.active and any(t.year == year for t in indicator.targets)


def participating_units(uow: SqlAlchemyUnitOfWork, unit_ids: Iterable[int], year: int) -> list[int]:
    """Default participants: every unit with an indicator (with a target) for the year."""
    found = []
    for unit_id in unit_ids:
        if any(relevant(i, year) for i in uow.indicators.indicators_of_unit(unit_id)):
            found.append(unit_id)
    return found


def task_indicators(uow: SqlAlchemyUnitOfWork, ctx: RunContext, task: Task) -> list[IndicatorRef]:
    """A unit's task covers its own indicators; a run-level task covers every participant's."""
    units = [task.unit_id] if task.branch_id is not None else ctx.run.participant_unit_ids or []
    year = ctx.period.year
    found: list[IndicatorRef] = []
    for unit_id in units:
        found += [i for i in indicators_of_unit(uow, unit_id) if relevant(i, year)]
    return found


def indicators_of_unit(uow: SqlAlchemyUnitOfWork, unit_id: int) -> Sequence[IndicatorRef]:
    """The unit's active indicators with their targets and unit, as plain rows the process
    keeps until reference data changes (``bot.persistence.reference``): every press of the
    guided input reads them."""
    return uow.shared(  # type: ignore[no-any-return]
        ("indicators_of_unit", unit_id),
        lambda: uow.indicators.indicator_refs_of_unit(unit_id),
    )


_SCALES: dict[str, RatingScale] = {}
"""Scales parsed, by their bands' text: every card rates its figures, and parsing the
organisation's bands (pydantic) each time was a few per cent of an update (issue 15)."""
_SCALES_KEPT = 256


def rating_scale(org: Organisation) -> RatingScale:
    """The organisation's rating scale (its bands, else the default)."""
    bands = org.rating_bands
    if not bands:
        return DEFAULT_SCALE
    key = repr(bands)
    scale = _SCALES.get(key)
    if scale is None:
        if len(_SCALES) >= _SCALES_KEPT:
            _SCALES.clear()
        scale = _SCALES[key] = load_rating_scale({"bands": bands})
    return scale


def correctable(task: Task) -> set[int] | None:
    """Indicators a returned task may change; None means all of them."""
    correct = task.payload.get("correct")
    return set(correct) if correct else None


def input_lines(
    uow: SqlAlchemyUnitOfWork, ctx: RunContext, task: Task, *, editable: bool
) -> list[InputLine]:
    indicators = task_indicators(uow, ctx, task)
    period = str(ctx.period)
    ids = [i.id for i in indicators]
    # This period's figures and the earlier quarters' in one query, the targets from the
    # indicators already read with them: the card is read on every press of the guided input.
    earlier = Earlier(uow, ids, ctx.period, with_current=True)
    current = {i: m for i in ids if (m := earlier.get(i, period)) is not None}
    targets = {i.id: t.value for i in indicators for t in i.targets if t.period == period}
    if ctx.period.kind is PeriodKind.BULANAN:
        targets = _month_targets(indicators, ctx.period)
    only = correctable(task)
    scale = rating_scale(ctx.run.organisation)
    return [
        _line(
            ctx,
            i,
            current.get(i.id),
            targets.get(i.id),
            earlier,
            scale,
            editable and (only is None or i.id in only) and not locked(current.get(i.id)),
            entry_checks(
                uow, i, ctx.period, policy_of(ctx.run.organisation), earlier.get, targets.get(i.id)
            ),
        )
        for i in indicators
    ]


def _month_targets(indicators: Sequence[IndicatorLike], month: Period) -> dict[int, Decimal]:
    """The target each monthly figure is held to, by the report's rule (``month_target``)."""
    found = {}
    for indicator in indicators:
        written = {t.period: t.value for t in indicator.targets}
        chosen = month_target(written, month, Aggregation(indicator.aggregation))
        if chosen.value is not None:
            found[indicator.id] = chosen.value
    return found


class Earlier:
    """Current revisions of the quarters before ``period`` (this year's and the one before)."""

    def __init__(
        self,
        uow: SqlAlchemyUnitOfWork,
        indicator_ids: list[int],
        period: Period,
        *,
        with_current: bool = False,
    ) -> None:
        """``with_current``: ``period``'s own current revisions too (``get`` gives them).
        Besides the quarters shown, what the entry checks compare with
        (``compared_periods``)."""
        self.quarters = _earlier_quarters(period)
        wanted = {str(p) for p in (*self.quarters, *compared_periods(period))}
        if with_current:
            wanted.add(str(period))
        self._found = _figures(uow, indicator_ids, sorted(wanted))

    def get(self, indicator_id: int, period: str) -> Figure | None:
        return self._found.get((indicator_id, period))

    def values(self, indicator_id: int) -> tuple[tuple[str, Decimal | None], ...]:
        found = []
        for quarter in self.quarters:
            m = self.get(indicator_id, str(quarter))
            found.append((str(quarter), m.value if m else None))
        return tuple(found)


_Read = tuple[frozenset[int], dict[tuple[int, str], Figure]]


def _figures(
    uow: SqlAlchemyUnitOfWork, indicator_ids: list[int], periods: list[str]
) -> dict[tuple[int, str], Figure]:
    """The current revisions by (indicator, period), read once per write mark: a read of
    the same periods for these indicators or more answers again (a submit checks the
    sheet its card read; a saved figure's checks take the earlier figures from it)."""

    def read() -> dict[tuple[int, str], Figure]:
        rows = uow.work.current_figures_in(indicator_ids, periods)
        return {(m.indicator_id, m.period): m for m in rows}

    mark = uow.write_mark()
    if mark is None:  # changes not yet flushed: what was read before may not hold
        return read()
    reads: dict[tuple[str, ...], list[_Read]] = uow.remembered(("figures", mark), dict)
    kept = reads.setdefault(tuple(periods), [])
    for ids, found in kept:
        if ids.issuperset(indicator_ids):
            return found
    found = read()
    kept.append((frozenset(indicator_ids), found))
    return found


def _earlier_quarters(period: Period) -> list[Period]:
    if period.kind is not PeriodKind.TRIWULAN:
        return []
    return list(period.earlier_in_year())


def locked(measurement: Figure | None) -> bool:
    """An approved figure is locked: only a re-opening (``Engine.reopen``) unlocks it."""
    return measurement is not None and measurement.state is MeasurementState.APPROVED


def _line(
    ctx: RunContext,
    indicator: IndicatorLike,
    measurement: Figure | None,
    target: Decimal | None,
    earlier: Earlier,
    scale: RatingScale,
    editable: bool,
    checks: EntryChecks,
) -> InputLine:
    value = measurement.value if measurement else None
    polarity, formula = Polarity(indicator.polarity), LowerFormula(indicator.lower_formula)
    result = capaian(target, value, polarity, formula)
    category = scale.rate(result.value) if result.value is not None else None
    return InputLine(
        indicator_id=indicator.id,
        code=indicator.code,
        name=indicator.name,
        sasaran=indicator.sasaran,
        satuan=indicator.satuan,
        precision=indicator.precision,
        unit_name=indicator.unit.name,
        target=target,
        previous=earlier.values(indicator.id),
        value=value,
        no_data=bool(measurement and measurement.no_data),
        no_data_reason=measurement.no_data_reason if measurement else None,
        kendala=measurement.kendala if measurement else None,
        tindak_lanjut=measurement.tindak_lanjut if measurement else None,
        evidence=tuple(measurement.evidence) if measurement else (),
        state=measurement.state if measurement else None,
        capaian=result,
        category=category,
        editable=editable,
        allow_negative=indicator.allow_negative,
        max_value=indicator.max_value,
        polarity=polarity,
        lower_formula=formula,
        scale=scale,
        checks=checks,
        verified_by=_role_name(ctx, measurement.verified_role if measurement else None),
    )


def _role_name(ctx: RunContext, role_key: str | None) -> str | None:
    if role_key is None:
        return None
    return ctx.definition.role(role_key).name if ctx.definition.has_role(role_key) else role_key


def set_state(
    uow: SqlAlchemyUnitOfWork,
    indicators: Sequence[IndicatorLike],
    period: str,
    state: MeasurementState,
    *,
    only: set[int] | None = None,
    returning_run: int | None = None,
    reopen: bool = False,
    verified_role: str | None = None,
) -> list[int]:
    """Move the current revisions to ``state`` (a state change, not a correction).

    Approved revisions stay approved (they are locked), except when ``reopen``
    is set, or when a later review of the run that recorded them
    (``returning_run``) returns them, as the SOP's own flow does.
    """
    changed = []
    for m in uow.work.current_measurements([i.id for i in indicators], period):
        if only is not None and m.indicator_id not in only:
            continue
        if locked(m) and not reopen and not (returning_run and m.run_id == returning_run):
            continue
        role = verified_role if state is MeasurementState.VERIFIED else None
        if m.state is not state or m.verified_role != role:
            m.state = state
            m.verified_role = role
            changed.append(m.indicator_id)
    uow.work.flush()
    return changed
