"""Reference data kept between updates: organisations' settings, units, people, role
assignments, indicators, targets.

Every update reads who holds which role near a unit and the unit's indicators
with their targets; they change at imports and in the admin's menu, a few times
a quarter. Reading them from the database as ORM objects was a third of an
update's work (issue 15). A process keeps them here as plain, frozen rows,
shared by its threads, and throws them all away when ``reference_version``
(migration 0014) says they changed:

* every flush that adds, changes or deletes an organisation, unit, person, role
  assignment, indicator or target bumps the counter in the same transaction
  (:func:`bump_on_reference_change`, a session event: imports, the admin's
  menu and tests all write through the ORM), as does the one Core update of
  a person (``OrgRepository.set_reachable``);
* each transaction that asks the cache reads the counter first; a newer one
  empties the cache, an older one (a transaction that started before another
  committed an import) reads the database and keeps nothing;
* a transaction that itself changed reference data reads the database for the
  rest of its life (it must see its own changes).

A database without the counter's row (one made by hand) is simply never cached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from bot.persistence.models import (
    Acting,
    Indicator,
    Organisation,
    Person,
    RoleAssignment,
    Target,
    Unit,
    reference_version,
)
from bot.persistence.models.org import within

REFERENCE_MODELS = (Organisation, Unit, Person, RoleAssignment, Indicator, Target)
"""What the cache holds rows of: a flush touching any of them bumps the counter."""
CHANGED = "sopbot.reference_changed"
"""``Session.info`` key: this transaction changed reference data (read past the cache)."""


# --- the rows kept ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PersonRef:
    id: int
    organisation_id: int
    name: str
    active: bool
    reachable: bool

    @classmethod
    def of(cls, person: Person) -> PersonRef:
        return cls(person.id, person.organisation_id, person.name, person.active, person.reachable)


@dataclass(frozen=True, slots=True)
class AssignmentRef:
    """A role assignment with its person, as ``holders_near`` and ``capacity_of`` read it."""

    id: int
    person_id: int
    role_key: str
    unit_id: int
    acting: Acting
    valid_from: date | None
    valid_to: date | None
    title: str | None
    person: PersonRef

    @classmethod
    def of(cls, assignment: RoleAssignment, person: PersonRef) -> AssignmentRef:
        a = assignment
        return cls(
            a.id, a.person_id, a.role_key, a.unit_id, a.acting, a.valid_from, a.valid_to, a.title,
            person,
        )  # fmt: skip

    def valid_on(self, day: date) -> bool:
        return within(self.valid_from, self.valid_to, day)


@dataclass(frozen=True, slots=True)
class UnitRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class TargetRef:
    year: int
    period: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class IndicatorRef:
    """An indicator with its unit and targets, read only (what the input and its checks read)."""

    id: int
    organisation_id: int
    unit_id: int
    code: str
    name: str
    sasaran: str
    satuan: str
    polarity: str
    lower_formula: str
    capaian_formula: str | None
    aggregation: str
    precision: int
    allow_negative: bool
    max_value: Decimal | None
    jump_factor: Decimal | None
    target_factor: Decimal | None
    active: bool
    unit: UnitRef
    targets: tuple[TargetRef, ...]

    @classmethod
    def of(cls, indicator: Indicator) -> IndicatorRef:
        i = indicator
        return cls(
            i.id, i.organisation_id, i.unit_id, i.code, i.name, i.sasaran, i.satuan, i.polarity,
            i.lower_formula, i.capaian_formula, i.aggregation, i.precision, i.allow_negative,
            i.max_value, i.jump_factor, i.target_factor, i.active,
            UnitRef(i.unit.id, i.unit.code, i.unit.name),
            tuple(TargetRef(t.year, t.period, t.value) for t in i.targets),
        )  # fmt: skip


def ref_columns(
    model: type[Any], ref: type[Any], *, besides: tuple[str, ...] = ()
) -> tuple[Any, ...]:
    """``model``'s columns named as ``ref``'s fields, in their order (but ``besides``: fields
    that are not ``model``'s columns), so that a row of them builds ``ref`` positionally."""
    return tuple(getattr(model, f.name) for f in fields(ref) if f.name not in besides)


IndicatorLike = Indicator | IndicatorRef
"""What code that only reads an indicator takes: the ORM row (imports, reports) or the kept one."""
AssignmentLike = RoleAssignment | AssignmentRef


# --- the cache ------------------------------------------------------------------------------
class ReferenceCache:
    """One process's reference rows for one database, valid for one counter value."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._rows: dict[Hashable, Any] = {}

    def get(self, version: int, key: Hashable, read: Callable[[], Any]) -> Any:
        """``read()``'s answer for ``key`` as of ``version`` (the reader's transaction's)."""
        with self._lock:
            if self._version is None or version > self._version:
                self._version, self._rows = version, {}
            elif version < self._version:
                return read()  # an older snapshot than what is kept: neither use nor keep
            try:
                return self._rows[key]
            except KeyError:
                pass
        found = read()  # outside the lock: two threads may both read; the rows are the same
        with self._lock:
            if self._version == version:
                self._rows.setdefault(key, found)
        return found


_VERSION = select(reference_version.c.version).where(reference_version.c.id == 1)
"""Built once: every transaction that asks the cache runs it."""


def current_version(session: Session) -> int | None:
    """The counter as this transaction sees it; None: no row (never cache)."""
    return session.connection().execute(_VERSION).scalar_one_or_none()


def bump(session: Session) -> None:
    """Say, in this transaction, that reference data changed."""
    session.info[CHANGED] = True
    session.execute(
        update(reference_version)
        .where(reference_version.c.id == 1)
        .values(version=reference_version.c.version + 1)
    )


def _touches_reference(session: Session) -> bool:
    return any(
        isinstance(obj, REFERENCE_MODELS)
        for group in (session.new, session.dirty, session.deleted)
        for obj in group
    )


@event.listens_for(Session, "before_flush")
def bump_on_reference_change(session: Session, _context: Any, _instances: Any) -> None:
    if _touches_reference(session):
        bump(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_change(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction: a new one starts clean
        session.info.pop(CHANGED, None)
