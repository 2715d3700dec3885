"""Organisations, units, people, role assignments and invites."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import contains_eager

from bot.domain.enums import UnitKind
from bot.persistence.models import (
    Invite,
    InviteAttempt,
    Organisation,
    Person,
    RoleAssignment,
    Unit,
    organisation_sops,
)
from bot.persistence.records import Record, Shape, labelled
from bot.persistence.reference import AssignmentRef, PersonRef, bump, ref_columns
from bot.persistence.repositories.base import SqlRepository

_ORGANISATION = select(*labelled(Organisation, "o_")).where(Organisation.id == bindparam("id"))
_ORGANISATION_SHAPE = Shape(_ORGANISATION, "o_")
_CONTACT = select(Person.id, Person.name, Person.telegram_user_id, Person.reachable).where(
    Person.id == bindparam("id")
)


_ASSIGNMENT_COLUMNS = ref_columns(RoleAssignment, AssignmentRef, besides=("person",))
_ASSIGNMENT_FIELDS = len(_ASSIGNMENT_COLUMNS)
_ASSIGNMENT_REFS = (
    select(*_ASSIGNMENT_COLUMNS, *ref_columns(Person, PersonRef))
    .join(Person, RoleAssignment.person_id == Person.id)
    .join(Unit, RoleAssignment.unit_id == Unit.id)
)
"""An assignment's ``AssignmentRef`` fields, then its person's ``PersonRef`` fields."""
_IN_ORG = _ASSIGNMENT_REFS.where(Unit.organisation_id == bindparam("org"))
_ROLE = RoleAssignment.role_key == bindparam("role")
_UNITS = RoleAssignment.unit_id.in_(bindparam("units", expanding=True))
# Built once each: a statement built per call costs SQLAlchemy its cache key every time.
_ORG_ASSIGNMENT_REFS = _IN_ORG.order_by(RoleAssignment.id)
_ROLE_ASSIGNMENT_REFS = _IN_ORG.where(_ROLE).order_by(RoleAssignment.id)
_UNIT_ASSIGNMENT_REFS = _IN_ORG.where(_UNITS).order_by(RoleAssignment.id)
_ROLE_UNIT_ASSIGNMENT_REFS = _IN_ORG.where(_ROLE, _UNITS).order_by(RoleAssignment.id)
_MEMBER_REFS = (
    select(*_ASSIGNMENT_REFS.selected_columns)
    .select_from(Person)
    .outerjoin(RoleAssignment, RoleAssignment.person_id == Person.id)
    .where(Person.telegram_user_id == bindparam("user"))
    .order_by(RoleAssignment.id)
)
"""The same columns for the person linked to a Telegram account (none of theirs: one row
with the assignment's columns empty)."""


@dataclass(frozen=True)
class UnitOutline:
    """A unit's place in the organisation, read without the ORM."""

    id: int
    parent_id: int | None
    code: str
    name: str
    kind: UnitKind


class OrgRepository(SqlRepository):
    # --- organisations ------------------------------------------------------------
    def organisation(self, slug: str) -> Organisation | None:
        return self.session.scalar(select(Organisation).where(Organisation.slug == slug))

    def organisation_by_id(self, organisation_id: int) -> Organisation | None:
        return self.session.get(Organisation, organisation_id)

    def organisation_record(self, organisation_id: int) -> Record | None:
        """The organisation's settings as a plain record (its relationships not set), for
        the process's reference cache (``uow.shared``)."""
        row = self.session.connection().execute(_ORGANISATION, {"id": organisation_id}).first()
        return None if row is None else _ORGANISATION_SHAPE.split(row)["o_"]

    def organisations(self) -> Sequence[Organisation]:
        return self.session.scalars(select(Organisation).order_by(Organisation.slug)).all()

    # --- units --------------------------------------------------------------------
    def unit(self, organisation_id: int, code: str) -> Unit | None:
        return self.session.scalar(
            select(Unit).where(Unit.organisation_id == organisation_id, Unit.code == code)
        )

    def unit_by_id(self, unit_id: int) -> Unit | None:
        return self.session.get(Unit, unit_id)

    def units(self, organisation_id: int) -> Sequence[Unit]:
        return self.session.scalars(
            select(Unit).where(Unit.organisation_id == organisation_id).order_by(Unit.code)
        ).all()

    def unit_outline(self, organisation_id: int) -> list[UnitOutline]:
        """The organisation's units as plain rows (id, parent, code, name, kind): what a run's
        unit tree needs, without building an ORM object per unit on every update."""
        rows = self.session.execute(
            select(Unit.id, Unit.parent_id, Unit.code, Unit.name, Unit.kind)
            .where(Unit.organisation_id == organisation_id)
            .order_by(Unit.code)
        )
        return [UnitOutline(*row) for row in rows]

    def child_units(self, unit_id: int) -> Sequence[Unit]:
        return self.session.scalars(
            select(Unit).where(Unit.parent_id == unit_id).order_by(Unit.code)
        ).all()

    # --- people -------------------------------------------------------------------
    def person_by_id(self, person_id: int) -> Person | None:
        return self.session.get(Person, person_id)

    def contact(self, person_id: int) -> Row[Any] | None:
        """The person's name and Telegram chat as a plain row (what a notice needs)."""
        return self.session.connection().execute(_CONTACT, {"id": person_id}).first()

    def person_by_nip(self, organisation_id: int, nip: str) -> Person | None:
        return self.session.scalar(
            select(Person).where(Person.organisation_id == organisation_id, Person.nip == nip)
        )

    def people_named(self, organisation_id: int, name: str) -> Sequence[Person]:
        """People whose name matches exactly, ignoring case (names are not unique)."""
        return self.session.scalars(
            select(Person).where(
                Person.organisation_id == organisation_id,
                Person.name.ilike(name.replace("\\", "\\\\").replace("%", r"\%"), escape="\\"),
            )
        ).all()

    def person_by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return self.session.scalar(
            select(Person).where(Person.telegram_user_id == telegram_user_id)
        )

    def member_refs(
        self, telegram_user_id: int
    ) -> tuple[PersonRef, tuple[AssignmentRef, ...]] | None:
        """The person linked to this account with their role assignments, in one query (the
        first read of every update), as the rows the process keeps."""
        rows = self.session.connection().execute(_MEMBER_REFS, {"user": telegram_user_id}).all()
        if not rows:
            return None
        person = PersonRef(*rows[0][_ASSIGNMENT_FIELDS:])
        assignments = tuple(
            AssignmentRef(*row[:_ASSIGNMENT_FIELDS], person) for row in rows if row[0] is not None
        )
        return person, assignments

    def set_reachable(self, person_id: int, reachable: bool) -> bool:
        """Flip ``Person.reachable``; True only for the one call that changed it (atomic)."""
        result = self.session.execute(
            update(Person)
            .where(Person.id == person_id, Person.reachable.is_(not reachable))
            .values(reachable=reachable)
            .execution_options(synchronize_session="fetch")
        )
        changed = bool(getattr(result, "rowcount", 0))
        if changed:
            bump(self.session)  # a Core update: no flush says that a person changed
        return changed

    def people(self, organisation_id: int) -> Sequence[Person]:
        return self.session.scalars(
            select(Person).where(Person.organisation_id == organisation_id).order_by(Person.name)
        ).all()

    # --- roles --------------------------------------------------------------------
    def assignments_of(self, person_id: int) -> Sequence[RoleAssignment]:
        return self.session.scalars(
            select(RoleAssignment)
            .where(RoleAssignment.person_id == person_id)
            .order_by(RoleAssignment.id)
        ).all()

    def assignments_in(
        self,
        organisation_id: int,
        *,
        role_key: str | None = None,
        unit_ids: Iterable[int] | None = None,
    ) -> Sequence[RoleAssignment]:
        """The organisation's role assignments with their people (one query, not one per row);
        only ``role_key``'s, and only in ``unit_ids``, when given."""
        query = (
            select(RoleAssignment)
            .join(RoleAssignment.person)
            .options(contains_eager(RoleAssignment.person))
            .join(Unit, RoleAssignment.unit_id == Unit.id)
            .where(Unit.organisation_id == organisation_id)
        )
        if role_key is not None:
            query = query.where(RoleAssignment.role_key == role_key)
        if unit_ids is not None:
            query = query.where(RoleAssignment.unit_id.in_(sorted(set(unit_ids))))
        return self.session.scalars(query.order_by(RoleAssignment.id)).all()

    def assignment_refs_in(
        self,
        organisation_id: int,
        *,
        role_key: str | None = None,
        unit_ids: Iterable[int] | None = None,
    ) -> tuple[AssignmentRef, ...]:
        """``assignments_in`` as the rows the process keeps, read as plain columns: the first
        update near each unit read them as ORM objects (issue 15)."""
        query, params = _ORG_ASSIGNMENT_REFS, {"org": organisation_id}
        if role_key is not None and unit_ids is not None:
            query = _ROLE_UNIT_ASSIGNMENT_REFS
        elif role_key is not None:
            query = _ROLE_ASSIGNMENT_REFS
        elif unit_ids is not None:
            query = _UNIT_ASSIGNMENT_REFS
        if role_key is not None:
            params["role"] = role_key
        if unit_ids is not None:
            params["units"] = sorted(set(unit_ids))
        people: dict[int, PersonRef] = {}
        found = []
        for row in self.session.connection().execute(query, params):
            person = people.get(row.person_id)
            if person is None:
                person = people[row.person_id] = PersonRef(*row[_ASSIGNMENT_FIELDS:])
            found.append(AssignmentRef(*row[:_ASSIGNMENT_FIELDS], person))
        return tuple(found)

    def find_assignment(
        self, person_id: int, role_key: str, unit_id: int, valid_from: date | None
    ) -> RoleAssignment | None:
        """The assignment an import would create again (its natural key)."""
        query = select(RoleAssignment).where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.role_key == role_key,
            RoleAssignment.unit_id == unit_id,
        )
        if valid_from is None:
            query = query.where(RoleAssignment.valid_from.is_(None))
        else:
            query = query.where(RoleAssignment.valid_from == valid_from)
        return self.session.scalars(query).first()

    def holders(self, unit_id: int, role_key: str, on: date) -> Sequence[Person]:
        """Active people holding ``role_key`` in ``unit_id`` on day ``on`` (Plt/Plh included)."""
        rows = self.session.scalars(
            select(Person)
            .join(RoleAssignment, RoleAssignment.person_id == Person.id)
            .where(
                RoleAssignment.unit_id == unit_id,
                RoleAssignment.role_key == role_key,
                Person.active.is_(True),
                or_(RoleAssignment.valid_from.is_(None), RoleAssignment.valid_from <= on),
                or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to >= on),
            )
            .order_by(RoleAssignment.acting, Person.name, Person.id)
        ).all()
        return list(dict.fromkeys(rows))  # one row per person, definitive holders first

    # --- invites ------------------------------------------------------------------
    def invite(self, code: str) -> Invite | None:
        return self.session.scalar(select(Invite).where(Invite.code == code))

    def unused_invites(self, organisation_id: int) -> Sequence[Invite]:
        """issue 19: invites not opened yet (expired ones too), newest first."""
        return self.session.scalars(
            select(Invite)
            .where(Invite.organisation_id == organisation_id, Invite.used_at.is_(None))
            .order_by(Invite.created_at.desc(), Invite.id.desc())
        ).all()

    def record_invite_failure(self, telegram_user_id: int, at: datetime) -> None:
        self.session.add(InviteAttempt(telegram_user_id=telegram_user_id, at=at))
        self.session.flush()

    def invite_failures(
        self, since: datetime, telegram_user_id: int | None = None
    ) -> list[datetime]:
        """When invite codes were refused since ``since`` (oldest first): of one account,
        or of everyone (None)."""
        query = select(InviteAttempt.at).where(InviteAttempt.at > since)
        if telegram_user_id is not None:
            query = query.where(InviteAttempt.telegram_user_id == telegram_user_id)
        return list(self.session.scalars(query.order_by(InviteAttempt.at)))

    # --- the SOPs an organisation runs -------------------------------------------
    def sop_ids(self, organisation_id: int) -> list[str]:
        rows = self.session.execute(
            select(organisation_sops.c.sop_id)
            .where(organisation_sops.c.organisation_id == organisation_id)
            .order_by(organisation_sops.c.sop_id)
        )
        return [row[0] for row in rows]

    def set_sops(self, organisation_id: int, sop_ids: Iterable[str]) -> None:
        """Replace the list (an import states the whole of it)."""
        self.session.execute(
            delete(organisation_sops).where(organisation_sops.c.organisation_id == organisation_id)
        )
        wanted = sorted(set(sop_ids))
        if wanted:
            self.session.execute(
                insert(organisation_sops),
                [{"organisation_id": organisation_id, "sop_id": sop} for sop in wanted],
            )
