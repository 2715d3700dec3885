"""Read completeness and timeliness out of the database (rules: ``bot.domain.timeliness``).

For each period the run that counts is the one a report reads (completed first,
then the newest open one; cancelled runs never count). A period with no run is
left out: nothing was asked of the units yet. The units are the run's
participants; a unit's data is accepted when its current figures are approved,
which the SOP's acceptance rule decides (``bot.domain.acceptance``: the last
review's YES, or the receiving step's completion; an earlier review's YES only
verifies), and the moment of acceptance is that act's (``bot.engine.acceptance``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.oversight import load_oversight_policy
from bot.domain.periods import Period
from bot.domain.timeliness import (
    PeriodRates,
    UnitPeriodFacts,
    UnitTimeliness,
    assess,
    last_quarters,
    rates,
    summary_text,
)
from bot.engine.acceptance import accepted_at, run_acts
from bot.engine.context import run_context
from bot.engine.inputs import relevant
from bot.persistence.models import Measurement, MeasurementState, Run, RunState
from bot.persistence.uow import SqlAlchemyUnitOfWork

QUARTERS_SHOWN = 4
"""How many quarters the rates go back (the period asked and the three before it)."""


@dataclass(frozen=True)
class Timeliness:
    """An organisation's completeness and timeliness over some quarters."""

    units: tuple[UnitTimeliness, ...]
    rates: tuple[PeriodRates, ...]
    timeliness_days: int

    def for_period(self, period: Period) -> PeriodRates | None:
        return next((r for r in self.rates if r.period == period), None)

    def unit(self, code: str, period: Period) -> UnitTimeliness | None:
        return next((u for u in self.units if u.unit_code == code and u.period == period), None)


def counting_run(
    uow: SqlAlchemyUnitOfWork, organisation_id: int, period: Period, sop_id: str | None
) -> Run | None:
    """The run whose data counts for ``period``: completed first, then the newest open one."""
    runs = [
        run
        for run in uow.runs.runs_for_period(organisation_id, str(period))
        if run.state is not RunState.CANCELLED and (sop_id is None or run.sop_id == sop_id)
    ]
    runs.sort(key=lambda r: (r.state is RunState.COMPLETED, r.started_at, r.id))
    return runs[-1] if runs else None


def unit_facts(uow: SqlAlchemyUnitOfWork, run: Run) -> list[UnitPeriodFacts]:
    """One fact per participating unit of ``run``."""
    period = Period.parse(run.period)
    acts = run_acts(uow, run_context(uow, run))
    found = []
    for unit_id in run.participant_unit_ids or ():
        unit = uow.orgs.unit_by_id(int(unit_id))
        if unit is None:
            continue
        indicators = [
            i for i in uow.indicators.indicators_of_unit(unit.id) if relevant(i, period.year)
        ]
        current = uow.work.current_measurements([i.id for i in indicators], str(period))
        accepted = sum(1 for m in current if _accepted(m))
        when = accepted_at(acts, unit.id)
        found.append(
            UnitPeriodFacts(
                unit_code=unit.code,
                unit_name=unit.name,
                period=period,
                indicators=len(indicators),
                accepted=accepted,
                accepted_at=when,
            )
        )
    return found


def _accepted(m: Measurement) -> bool:
    """A figure counts when it is filled and accepted (approved) by the SOP's rule."""
    filled = m.value is not None or (m.no_data and bool(m.no_data_reason))
    return filled and m.state is MeasurementState.APPROVED


def organisation_timeliness(
    uow: SqlAlchemyUnitOfWork,
    organisation_id: int,
    periods: Sequence[Period],
    *,
    sop_id: str | None = None,
) -> Timeliness:
    """Per unit and period whether the data came and came on time, and the rates."""
    org = uow.orgs.organisation_by_id(organisation_id)
    if org is None:
        return Timeliness((), (), load_oversight_policy(None).timeliness_days)
    policy = load_oversight_policy(org.oversight_policy)
    zone = ZoneInfo(org.timezone)
    assessed: list[UnitTimeliness] = []
    for period in periods:
        run = counting_run(uow, organisation_id, period, sop_id)
        if run is None:
            continue
        assessed += [assess(f, policy.timeliness_days, zone) for f in unit_facts(uow, run)]
    return Timeliness(tuple(assessed), tuple(rates(assessed)), policy.timeliness_days)


def recent_timeliness(
    uow: SqlAlchemyUnitOfWork,
    organisation_id: int,
    latest: Period,
    *,
    sop_id: str | None = None,
    quarters: int = QUARTERS_SHOWN,
) -> Timeliness:
    """``organisation_timeliness`` over the ``quarters`` quarters ending with ``latest``."""
    return organisation_timeliness(
        uow, organisation_id, last_quarters(latest, quarters), sop_id=sop_id
    )


@dataclass(frozen=True)
class RunTimeliness:
    """What a status line says of a run's period: this period's rates and the earlier ones."""

    current: PeriodRates | None
    earlier: tuple[PeriodRates, ...]

    @property
    def earlier_text(self) -> str:
        return summary_text(self.earlier)


def runs_timeliness(
    uow: SqlAlchemyUnitOfWork,
    organisation_id: int,
    runs: Sequence[tuple[int, str, str]],
    *,
    quarters: int = QUARTERS_SHOWN,
) -> dict[int, RunTimeliness]:
    """Per run (``(run id, sop id, period)``): its period's rates and the quarters before."""
    found: dict[int, RunTimeliness] = {}
    for run_id, sop_id, period_text in runs:
        period = Period.parse(period_text)
        board = recent_timeliness(uow, organisation_id, period, sop_id=sop_id, quarters=quarters)
        closing = period.quarters()[-1] if period.quarters() else period  # a month: itself
        current = board.for_period(closing)
        earlier = tuple(r for r in board.rates if r.period < closing)
        found[run_id] = RunTimeliness(current, earlier)
    return found
