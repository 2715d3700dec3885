"""Who is writing: a Telegram account linked (by an invite) to a person of an organisation."""

from __future__ import annotations

from dataclasses import dataclass

from bot.definitions import Catalog
from bot.persistence.uow import SqlAlchemyUnitOfWork, UowFactory
from bot.services.context import Services


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    organisation_id: int
    roles: tuple[tuple[str, int], ...] = ()
    """(role key, unit id) of every role the person holds."""
    reachable: bool = True
    """False after Telegram refused to deliver to them (see ``bot.services.reachability``)."""


def member_for(uow_factory: UowFactory, telegram_user_id: int) -> Member | None:
    """The active person linked to this account, or None (then the bot serves nothing)."""
    with uow_factory() as uow:
        return member_in(uow, telegram_user_id)


def member(services: Services, telegram_user_id: int) -> Member | None:
    """``member_for`` with the process's services (what a handler calls)."""
    return member_for(services.uow_factory, telegram_user_id)


def member_in(uow: SqlAlchemyUnitOfWork, telegram_user_id: int) -> Member | None:
    """``member_for`` inside the caller's unit of work."""
    found = uow.shared(("member", telegram_user_id), lambda: uow.orgs.member_refs(telegram_user_id))
    if found is None or not found[0].active:
        return None
    person, assignments = found
    # The engine's checks of this update reuse them (``authorised``, ``task_capacity``).
    uow.memo[("assignments_of", person.id)] = assignments
    uow.memo[("person", person.id)] = person
    roles = tuple((a.role_key, a.unit_id) for a in assignments)
    return Member(person.id, person.name, person.organisation_id, roles, reachable=person.reachable)


def role_name(catalog: Catalog, role_key: str) -> str:
    """The role's name as an SOP document writes it ("Kasubid/ Kasubag"), else its key."""
    for loaded in catalog.definitions.values():
        if loaded.definition.has_role(role_key):
            return loaded.definition.role(role_key).name
    return role_key


def oversees(catalog: Catalog, role_key: str) -> bool:
    """Roles that review or do run-level work (Kabid, Sekretaris, Kasubag Perencanaan...)
    see every unit's progress; the others see their own unit's."""
    from bot.domain.sop import Scope

    for loaded in catalog.definitions.values():
        for step in loaded.definition.steps:
            if role_key in step.roles and (step.is_decision or step.scope is not Scope.UNIT):
                return True
    return False
