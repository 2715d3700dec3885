"""Starting and cancelling runs.

Functions work inside the caller's unit of work and do not commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.definitions import LoadedDefinition
from bot.domain.enums import RunState, TaskState
from bot.domain.periods import Period
from bot.domain.sop import Scope, SopDefinition
from bot.engine.access import is_admin, require_reason
from bot.engine.context import run_context
from bot.engine.errors import (
    AlreadyProcessed,
    InvalidInput,
    NotAuthorized,
    NotFound,
    OverlappingRun,
    RunConflict,
)
from bot.engine.events import EventKind
from bot.engine.holders import overlapping_runs
from bot.engine.inputs import participating_units
from bot.engine.progress import Progress
from bot.engine.roles import UnitTree
from bot.persistence.errors import RunAlreadyOpenError
from bot.persistence.models import Run
from bot.persistence.uow import SqlAlchemyUnitOfWork


def start_run(
    uow: SqlAlchemyUnitOfWork,
    loaded: LoadedDefinition,
    organisation: str,
    period: Period,
    *,
    now: datetime,
    unit: str | None,
    units: Sequence[str] | None,
    actor_id: int | None,
    allow_overlap: bool = False,
) -> int:
    """Create the run, fix its participants and open its first task(s); returns its id."""
    definition = loaded.definition
    org = uow.orgs.organisation(organisation)
    if org is None:
        raise NotFound(f"Organisasi {organisation!r} tidak ditemukan.")
    tree = UnitTree.of(uow.orgs.units(org.id))
    if not tree.units:
        raise InvalidInput(f"Organisasi {org.name} belum punya unit kerja.")
    root_id = None
    if unit is not None:
        root = uow.orgs.unit(org.id, unit)
        if root is None:
            raise NotFound(f"Unit {unit!r} tidak ada di {org.name}.")
        root_id = root.id
    scope_ids = tree.subtree(root_id) if root_id is not None else list(tree.units)
    chosen = _participants(uow, org.id, scope_ids, units, period.year)
    if _needs_units(definition) and not chosen:
        raise InvalidInput(
            f"Tidak ada unit yang ikut: belum ada indikator dengan target {period.year}. "
            "Impor target dulu (sopbot targets import) atau sebut unitnya."
        )
    overlaps = overlapping_runs(uow, org.id, str(period), definition, chosen)
    if overlaps and not allow_overlap:
        raise OverlappingRun(
            _overlap_message(definition, period, overlaps, tree), [run.id for run, _ in overlaps]
        )
    version = uow.runs.ensure_definition_version(
        definition, source_text=loaded.source_text, now=now
    )
    try:
        run = uow.runs.start_run(version, org.id, str(period), root_unit_id=root_id, now=now)
    except RunAlreadyOpenError as exc:
        raise RunConflict(
            f"{definition.name} untuk {period.label} sudah berjalan di {org.name}."
        ) from exc
    run.participant_unit_ids = chosen
    uow.runs.flush()
    ctx = run_context(uow, run)
    progress = Progress(uow, ctx, now, actor_id)
    if actor_id is not None and not is_admin(org, actor_id):
        first = definition.start_step
        allowed = {
            person
            for key in first.roles
            for person in progress.holders(key, ctx.home_unit_id, run_level=True)
        }
        if actor_id not in allowed:
            names = " / ".join(definition.role(key).name for key in first.roles)
            raise NotAuthorized(f"Hanya {names} yang dapat memulai SOP ini.")
    started: dict[str, object] = {"sop_id": definition.id, "period": str(period), "units": chosen}
    if overlaps:
        started["overlap_allowed"] = [other.id for other, _ in overlaps]
    uow.audit.record("run_started", "run", run.id, actor_id=actor_id, after=started, at=now)
    progress.emit(EventKind.RUN_STARTED, units=chosen)
    progress.start()
    return run.id


def _overlap_message(
    definition: SopDefinition,
    period: Period,
    overlaps: list[tuple[Run, list[int]]],
    tree: UnitTree,
) -> str:
    lines = [
        f"{definition.name} untuk {period.label} tidak dimulai: pelaksanaan lain sedang "
        "mengumpulkan data indikator yang sama:"
    ]
    for run, shared in overlaps:
        other = run.definition_version.definition()
        units = ", ".join(tree.units[u].code for u in shared)
        lines.append(f"  pelaksanaan {run.id}: {other.name} ({other.id}), unit {units}")
    lines.append(
        "Selesaikan atau batalkan pelaksanaan itu dulu, atau mulai dengan izin eksplisit "
        "(sopbot start ... --izinkan-tumpang-tindih)."
    )
    return "\n".join(lines)


def _participants(
    uow: SqlAlchemyUnitOfWork,
    org_id: int,
    scope_ids: list[int],
    codes: Sequence[str] | None,
    year: int,
) -> list[int]:
    """The units named, or by default every unit in scope with indicators for the year."""
    if not codes:
        return participating_units(uow, scope_ids, year)
    chosen = []
    for code in codes:
        found = uow.orgs.unit(org_id, code)
        if found is None or found.id not in scope_ids:
            raise NotFound(f"Unit {code!r} tidak ada dalam lingkup pelaksanaan ini.")
        chosen.append(found.id)
    return chosen


def _needs_units(definition: SopDefinition) -> bool:
    return any(step.scope is Scope.UNIT or step.fan_out for step in definition.steps)


def cancel_run(
    uow: SqlAlchemyUnitOfWork, run_id: int, *, reason: str, now: datetime, actor_id: int | None
) -> None:
    """Stop a run: every open or waiting task is cancelled and its holders are told why."""
    reason = require_reason(reason, "Pembatalan")
    run = uow.runs.run(run_id)
    if run is None:
        raise NotFound(f"Pelaksanaan {run_id} tidak ditemukan.")
    if run.state is not RunState.OPEN:
        raise AlreadyProcessed("Pelaksanaan ini sudah selesai atau dibatalkan.")
    if actor_id is not None and not is_admin(run.organisation, actor_id):
        raise NotAuthorized("Hanya admin organisasi yang dapat membatalkan pelaksanaan.")
    progress = Progress(uow, run_context(uow, run), now, actor_id)
    recipients: set[int] = set()
    for task in uow.work.tasks_of_run(run.id):
        if task.state in (TaskState.OPEN, TaskState.WAITING):
            recipients.update(progress.task_holders(task))
            task.state = TaskState.CANCELLED
            task.finished_at = now
    run.state = RunState.CANCELLED
    run.cancel_reason = reason
    run.finished_at = now
    uow.audit.record(
        "run_cancelled", "run", run.id, actor_id=actor_id, after={"reason": reason}, at=now
    )
    progress.emit(EventKind.RUN_CANCELLED, reason=reason, recipients=sorted(recipients))
