"""Indicators and their targets."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from bot.persistence.models import Indicator, Target, Unit
from bot.persistence.reference import IndicatorRef, TargetRef, UnitRef, ref_columns
from bot.persistence.repositories.base import SqlRepository

_REF_COLUMNS = ref_columns(Indicator, IndicatorRef, besides=("unit", "targets"))
_UNIT_COLUMNS = ref_columns(Unit, UnitRef)
_UNIT_REFS = (
    select(*_REF_COLUMNS, *_UNIT_COLUMNS)
    .join(Unit, Indicator.unit_id == Unit.id)
    .where(Indicator.unit_id == bindparam("unit"), Indicator.active.is_(True))
    .order_by(Indicator.code)
)
_TARGET_REFS = (
    select(Target.indicator_id, Target.year, Target.period, Target.value)
    .where(Target.indicator_id.in_(bindparam("ids", expanding=True)))
    .order_by(Target.indicator_id, Target.period)  # each indicator's as ``targets`` orders
)


class IndicatorRepository(SqlRepository):
    def indicator(self, organisation_id: int, code: str) -> Indicator | None:
        return self.session.scalar(
            select(Indicator).where(
                Indicator.organisation_id == organisation_id, Indicator.code == code
            )
        )

    def indicator_by_id(self, indicator_id: int) -> Indicator | None:
        return self.session.get(Indicator, indicator_id)

    def indicators(self, organisation_id: int) -> Sequence[Indicator]:
        return self.session.scalars(
            select(Indicator)
            .where(Indicator.organisation_id == organisation_id)
            .order_by(Indicator.code)
        ).all()

    def indicators_of_unit(self, unit_id: int, *, active_only: bool = True) -> Sequence[Indicator]:
        # Callers check each indicator's targets for the year: load them with it.
        query = (
            select(Indicator)
            .where(Indicator.unit_id == unit_id)
            .options(selectinload(Indicator.targets), joinedload(Indicator.unit))
        )
        if active_only:
            query = query.where(Indicator.active.is_(True))
        return self.session.scalars(query.order_by(Indicator.code)).all()

    def indicator_refs_of_unit(self, unit_id: int) -> tuple[IndicatorRef, ...]:
        """``indicators_of_unit`` (active ones) as the rows the process keeps, read as plain
        columns: the first update of each unit read them as ORM objects (issue 15)."""
        connection = self.session.connection()
        rows = connection.execute(_UNIT_REFS, {"unit": unit_id}).all()
        if not rows:
            return ()
        targets: dict[int, list[TargetRef]] = {}
        for indicator_id, year, period, value in connection.execute(
            _TARGET_REFS, {"ids": [row[0] for row in rows]}
        ):
            targets.setdefault(indicator_id, []).append(TargetRef(year, period, value))
        own = len(_REF_COLUMNS)
        return tuple(
            IndicatorRef(*row[:own], UnitRef(*row[own:]), tuple(targets.get(row[0], ())))
            for row in rows
        )

    def target(self, indicator_id: int, period: str) -> Target | None:
        return self.session.scalar(
            select(Target).where(Target.indicator_id == indicator_id, Target.period == period)
        )

    def targets_for(self, indicator_ids: list[int], period: str) -> dict[int, Decimal]:
        """The target of each indicator for one period, in one query (input sheets)."""
        if not indicator_ids:
            return {}
        rows = self.session.execute(
            select(Target.indicator_id, Target.value).where(
                Target.indicator_id.in_(indicator_ids), Target.period == period
            )
        )
        return {indicator_id: value for indicator_id, value in rows}

    def targets(self, indicator_id: int, year: int) -> Sequence[Target]:
        return self.session.scalars(
            select(Target)
            .where(Target.indicator_id == indicator_id, Target.year == year)
            .order_by(Target.period)
        ).all()

    def set_target(self, indicator: Indicator, year: int, period: str, value: Decimal) -> bool:
        """Create or update one target; True when something changed."""
        existing = self.target(indicator.id, period) if indicator.id is not None else None
        if existing is None:
            self.session.add(Target(indicator=indicator, year=year, period=period, value=value))
            return True
        if existing.value != value:
            existing.value = value
            return True
        return False
