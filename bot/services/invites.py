"""Checks before an invite is written: the role and the unit must exist in the organisation.

One function for every way an admin makes an invite (``sopbot invite`` and the
Telegram admin menu), so a typo ("analyst" for "analis") is refused the same
way everywhere, with the closest name suggested, and nothing is written.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from bot.definitions import Catalog
from bot.persistence.models import Organisation
from bot.persistence.uow import AbstractUnitOfWork


class InviteTargetRefused(ValueError):
    """The role or unit named for an invite does not exist; the message says which and why."""


@dataclass(frozen=True)
class InviteTarget:
    """A role and a unit an invite may be made for (both known to the organisation)."""

    role_key: str
    unit_id: int
    unit_code: str
    unit_name: str


def check_invite_target(
    uow: AbstractUnitOfWork,
    org: Organisation,
    *,
    role_key: str,
    unit_code: str,
    sop_roles: Iterable[str] = (),
) -> InviteTarget:
    """The role and unit of an invite, checked against the organisation, or a refusal.

    Known roles: those held by someone in the organisation file (``peran:``) and those
    of the SOPs the organisation runs (``sop_roles``, from the definitions). Units: the
    organisation's unit codes (case does not matter).
    """
    role = role_key.strip()
    roles = sorted({a.role_key for a in uow.orgs.assignments_in(org.id)} | set(sop_roles))
    if role not in roles:
        raise InviteTargetRefused(
            f"Peran '{role}' tidak dikenal di {org.name}.{_suggest(role, roles)} "
            f"Peran yang ada: {', '.join(roles) or '(belum ada)'}."
        )
    units = {unit.code.upper(): unit for unit in uow.orgs.units(org.id)}
    unit = units.get(unit_code.strip().upper())
    if unit is None:
        codes = sorted(unit.code for unit in units.values())
        raise InviteTargetRefused(
            f"Unit '{unit_code.strip()}' tidak ada di {org.name}."
            f"{_suggest(unit_code.strip().upper(), codes)} "
            f"Kode unit yang ada: {', '.join(codes) or '(belum ada)'}."
        )
    return InviteTarget(role, unit.id, unit.code, unit.name)


def sop_role_keys(catalog: Catalog, sop_ids: Iterable[str]) -> set[str]:
    """The role keys of the SOPs an organisation runs (``uow.orgs.sop_ids``), for ``sop_roles``."""
    return {
        role.key
        for sop_id in sop_ids
        if sop_id in catalog.definitions
        for role in catalog.definitions[sop_id].definition.roles
    }


def _suggest(typed: str, known: list[str]) -> str:
    """`` Maksud Bapak/Ibu 'analis'?`` for the closest known name, or nothing."""
    close = difflib.get_close_matches(typed, known, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(typed.lower(), [k.lower() for k in known], n=1)
        close = [k for k in known if close and k.lower() == close[0]]
    return f" Maksud Bapak/Ibu '{close[0]}'?" if close else ""
