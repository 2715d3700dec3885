"""Before a run gets stuck: who is missing, and which running run collects the same data.

* :func:`missing_holders`: every participating unit whose branch has no holder
  for a role its steps need ("(belum ada pemegang peran)" on the status), with
  the organisation-file line that fixes it. Holders are found as the engine
  finds them (``holders_near``: the unit, its sub-units, its ancestors).
* :func:`overlapping_runs`: open runs of *another* SOP for the same
  organisation and period that collect figures of the same units (the same
  indicators). Two such runs would ask the same people for the same figures.

Both only read; the engine's ``start_run`` and the CLI use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.sop import Scope, SopDefinition
from bot.engine.context import RunContext
from bot.engine.roles import UnitTree, holders_near
from bot.persistence.models import RoleAssignment, Run
from bot.persistence.models.enums import RunState, UnitKind
from bot.persistence.uow import SqlAlchemyUnitOfWork


@dataclass(frozen=True)
class MissingHolder:
    unit_code: str
    unit_name: str
    role_key: str
    role_name: str
    steps: tuple[int, ...]
    jabatan: str
    """A suggestion for the org file's ``jabatan`` (the post's title)."""

    @property
    def org_file_line(self) -> str:
        """The ``peran:`` line to add to the organisation file (NIP to be filled in)."""
        return (
            f"- {{pegawai: NIP, peran: {self.role_key}, unit: {self.unit_code}, "
            f'jabatan: "{self.jabatan}"}}'
        )


def unit_roles(definition: SopDefinition) -> dict[str, list[int]]:
    """Roles done inside each unit's branch (unit-scope steps, fan-out answers) -> steps."""
    found: dict[str, list[int]] = {}
    for step in definition.steps:
        keys: tuple[str, ...] = ()
        if step.scope is Scope.UNIT:
            keys = step.roles
        elif step.fan_out is not None:
            keys = (step.fan_out.pelaksana,)
        for key in keys:
            found.setdefault(key, []).append(step.no)
    return found


def missing_holders(
    definition: SopDefinition,
    tree: UnitTree,
    assignments: Sequence[RoleAssignment],
    unit_ids: Sequence[int],
    on: date,
) -> list[MissingHolder]:
    """Each (participating unit, role) whose branch would wait for nobody."""
    missing = []
    for unit_id in unit_ids:
        unit = tree.units[unit_id]
        for key, steps in unit_roles(definition).items():
            if holders_near(tree, assignments, key, unit_id, on):
                continue
            name = definition.role(key).name if definition.has_role(key) else key
            jabatan = "Sekretaris" if unit.kind is UnitKind.SEKRETARIAT else f"{name} {unit.name}"
            missing.append(MissingHolder(unit.code, unit.name, key, name, tuple(steps), jabatan))
    return missing


def run_missing_holders(
    uow: SqlAlchemyUnitOfWork, ctx: RunContext, on: date
) -> list[MissingHolder]:
    return missing_holders(
        ctx.definition,
        ctx.tree,
        uow.orgs.assignments_in(ctx.run.organisation_id),
        [int(u) for u in ctx.run.participant_unit_ids or ()],
        on,
    )


def collects_figures(definition: SopDefinition) -> bool:
    return any(step.takes_figures for step in definition.steps)


def overlapping_runs(
    uow: SqlAlchemyUnitOfWork,
    organisation_id: int,
    period: str,
    definition: SopDefinition,
    unit_ids: Sequence[int],
) -> list[tuple[Run, list[int]]]:
    """Open runs of other SOPs for ``period`` collecting figures of some of ``unit_ids``."""
    if not collects_figures(definition):
        return []
    found = []
    for run in uow.runs.runs_for_period(organisation_id, period):
        if run.state is not RunState.OPEN or run.sop_id == definition.id:
            continue
        if not collects_figures(run.definition_version.definition()):
            continue
        shared = sorted(set(int(u) for u in run.participant_unit_ids or ()) & set(unit_ids))
        if shared:
            found.append((run, shared))
    return found
