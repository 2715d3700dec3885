"""In which capacity someone does a task: as the role's holder, or as Plt / Plh.

A Kabid of one bidang may be Plt Kabid of another for half a year, or Plh
Kabid for the week the Kabid is away. What the person does on a task is done
in the capacity the engine found them in (:func:`bot.engine.roles.holders_near`
searches the task's unit, then below it, then above it, then, for run-level
work, the whole organisation), so the same search decides the capacity here:
the person's assignment of the task's role in the first ring that has one,
definitive before Plt before Plh. Audit entries keep it (``acting_as``) and
the chat says "Disetujui oleh Plh. Kabid <nama>".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.engine.context import RunContext
from bot.engine.roles import UnitTree
from bot.persistence.models import Task
from bot.persistence.reference import AssignmentLike
from bot.persistence.uow import SqlAlchemyUnitOfWork

ACTING_PREFIX: Mapping[str, str] = {"plt": "Plt. ", "plh": "Plh. "}
"""What goes before the role's name when the role is held by a substitute."""

_ORDER = {"definitive": 0, "plt": 1, "plh": 2}


@dataclass(frozen=True)
class Capacity:
    """The role a person acted in, and whether as its holder or as a substitute."""

    role: str
    """The role's key (``kabid``)."""
    role_name: str
    """The role's name as the SOP writes it (``Kabid``)."""
    acting: str
    """``definitive``, ``plt`` or ``plh``."""
    unit_id: int
    """The unit of the assignment the person acted through."""

    @property
    def is_acting(self) -> bool:
        return self.acting in ACTING_PREFIX

    @property
    def label(self) -> str:
        """``Kabid``, ``Plt. Kabid`` or ``Plh. Kabid``."""
        return f"{ACTING_PREFIX.get(self.acting, '')}{self.role_name}"

    def as_json(self) -> dict[str, Any]:
        """What an audit entry keeps under ``acting_as``."""
        return {
            "role": self.role,
            "acting": self.acting,
            "label": self.label,
            "unit_id": self.unit_id,
        }


def capacity_of(
    tree: UnitTree,
    assignments: Sequence[AssignmentLike],
    person_id: int,
    role_key: str,
    role_name: str,
    unit_id: int,
    on: date,
    *,
    organisation_wide: bool = False,
) -> Capacity | None:
    """The capacity in which ``person_id`` holds ``role_key`` near ``unit_id`` on ``on``.

    ``None`` when the person does not hold the role there that day (an admin,
    the system). The rings are those of :func:`bot.engine.roles.holders_near`.
    """
    own = [
        a
        for a in assignments
        if a.person_id == person_id and a.role_key == role_key and a.valid_on(on)
    ]
    if not own:
        return None
    rings: list[list[int]] = [[unit_id], tree.descendants(unit_id)]
    rings += [[ancestor] for ancestor in tree.ancestors(unit_id)]
    if organisation_wide:
        rings.append(list(tree.units))
    for ring in rings:
        found = [a for a in own if a.unit_id in ring]
        if found:
            best = min(found, key=lambda a: (_ORDER.get(str(a.acting), 3), a.unit_id))
            return Capacity(role_key, role_name, str(best.acting), best.unit_id)
    return None


def label_of(acting_as: Mapping[str, Any] | None) -> str | None:
    """The label an audit entry recorded (``Plh. Kabid``), if any."""
    if not acting_as:
        return None
    label = acting_as.get("label")
    return str(label) if label else None


def task_capacity(
    uow: SqlAlchemyUnitOfWork, ctx: RunContext, task: Task, person_id: int | None, on: date
) -> Capacity | None:
    """The capacity in which ``person_id`` works on ``task`` on ``on`` (local date)."""
    if person_id is None:
        return None
    return capacity_of(
        ctx.tree,
        uow.remembered(("assignments_of", person_id), lambda: uow.orgs.assignments_of(person_id)),
        person_id,
        task.role_key,
        ctx.definition.role(task.role_key).name,
        task.unit_id,
        on,
        organisation_wide=task.branch_id is None,
    )
