"""Who may do a step: a role resolves to the people holding it near a unit on a date.

A role is looked for in the unit itself, then anywhere below it (a Kasubid
sits in a sub-bidang under the bidang whose branch it works on), then in the
units above it, nearest first (the Kabid of the bidang a seksi belongs to).
Run-level work may also be done by a holder anywhere in the organisation.
Plt/Plh substitutes hold their role only within their validity range, so
they are found exactly while they act.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.persistence.models import Person, Unit
from bot.persistence.reference import AssignmentLike, PersonRef
from bot.persistence.repositories.org import UnitOutline

UnitLike = Unit | UnitOutline
"""A unit as the tree needs it: the ORM row, or the plain outline a run's context reads."""


@dataclass(frozen=True)
class UnitTree:
    """An organisation's units by id, with their parents and children."""

    units: dict[int, UnitLike]
    children: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, units: Iterable[UnitLike]) -> UnitTree:
        by_id = {unit.id: unit for unit in units}
        children: dict[int, list[int]] = defaultdict(list)
        for unit in by_id.values():
            if unit.parent_id is not None:
                children[unit.parent_id].append(unit.id)
        return cls(by_id, dict(children))

    def roots(self) -> list[UnitLike]:
        return sorted((u for u in self.units.values() if u.parent_id is None), key=lambda u: u.id)

    def descendants(self, unit_id: int) -> list[int]:
        found: list[int] = []
        queue = list(self.children.get(unit_id, ()))
        while queue:
            current = queue.pop(0)
            found.append(current)
            queue.extend(self.children.get(current, ()))
        return found

    def ancestors(self, unit_id: int) -> list[int]:
        found: list[int] = []
        parent = self.units[unit_id].parent_id
        while parent is not None and parent not in found:
            found.append(parent)
            parent = self.units[parent].parent_id
        return found

    def subtree(self, unit_id: int) -> list[int]:
        return [unit_id, *self.descendants(unit_id)]


def holders_near(
    tree: UnitTree,
    assignments: Sequence[AssignmentLike],
    role_key: str,
    unit_id: int,
    on: date,
    *,
    organisation_wide: bool = False,
) -> list[Person | PersonRef]:
    """People holding ``role_key`` nearest to ``unit_id`` on ``on`` (see module doc).

    ``organisation_wide`` is for run-level work: the Kasubag Perencanaan who
    merges a bidang's report sits in the Sekretariat, outside the bidang, so
    after the nearby units the whole organisation is searched.
    """
    valid = [
        a for a in assignments if a.role_key == role_key and a.valid_on(on) and a.person.active
    ]
    by_unit: dict[int, list[AssignmentLike]] = defaultdict(list)
    for assignment in valid:
        by_unit[assignment.unit_id].append(assignment)

    search: list[list[int]] = [[unit_id], tree.descendants(unit_id)]
    search += [[ancestor] for ancestor in tree.ancestors(unit_id)]
    if organisation_wide:
        search.append(list(tree.units))
    for ring in search:
        found = [a for u in ring for a in by_unit.get(u, ())]
        if found:
            # Definitive holders first, then Plt, then Plh; one entry per person.
            found.sort(key=lambda a: (a.acting != "definitive", a.person.name, a.person_id))
            return list({a.person_id: a.person for a in found}.values())
    return []
