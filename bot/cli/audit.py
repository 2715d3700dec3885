"""``sopbot audit --run N``: the audit trail of one run, oldest first.

Each line: when (the organisation's local time), who and in what capacity
("Plh. Kabid Syamsuddin Fiktif": the ``acting_as`` the engine records with
every task action, see :mod:`bot.engine.capacity`), what was done and on
which step and unit. Entries written before the capacity was recorded show
the name alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click
from sqlalchemy import or_, select

from bot.cli.db import unit_of_work
from bot.cli.engine_support import RUN_OPTION, engine_errors, local
from bot.cli.sop import render_table
from bot.engine.capacity import label_of
from bot.persistence.models import AuditEvent
from bot.persistence.uow import SqlAlchemyUnitOfWork

ACTIONS: Mapping[str, str] = {
    "run_started": "Pelaksanaan dimulai",
    "run_cancelled": "Pelaksanaan dibatalkan",
    "task_done": "Selesai",
    "task_approved": "Disetujui",
    "task_returned": "Dikembalikan",
    "steps_skipped": "Langkah dilewati",
    "branch_arrived": "Bagian unit selesai",
    "unit_reopened": "Dibuka kembali",
}
SYSTEM = "(sistem)"
_COLUMNS = ["WAKTU", "OLEH", "TINDAKAN", "RINCIAN"]
_WIDTHS = [34, 36, 20, 48]


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    """``Plh. Kabid <nama>``, ``Kabid <nama>``, the name alone, or ``(sistem)``."""
    action: str
    details: str


def run_audit(uow: SqlAlchemyUnitOfWork, run_id: int) -> list[AuditLine]:
    """The run's own entries and those of its tasks, in the order they happened."""
    run = uow.runs.run(run_id)
    if run is None:
        raise click.ClickException(f"Pelaksanaan {run_id} tidak ditemukan.")
    tasks = {str(t.id): t for t in uow.work.tasks_of_run(run_id)}
    units = {u.id: u for u in uow.orgs.units(run.organisation_id)}
    events = uow.audit.session.scalars(
        select(AuditEvent)
        .where(
            or_(
                (AuditEvent.object_type == "run") & (AuditEvent.object_id == str(run_id)),
                (AuditEvent.object_type == "task") & AuditEvent.object_id.in_(list(tasks)),
            )
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    people: dict[int, str] = {}
    lines = []
    for event in events:
        actor = SYSTEM
        if event.actor_id is not None:
            if event.actor_id not in people:
                person = uow.orgs.person_by_id(event.actor_id)
                people[event.actor_id] = person.name if person else f"pegawai {event.actor_id}"
            actor = people[event.actor_id]
            label = label_of((event.after or {}).get("acting_as"))
            if label:
                actor = f"{label} {actor}"
        task = tasks.get(event.object_id or "") if event.object_type == "task" else None
        where = ""
        if task is not None:
            unit = units.get(task.unit_id)
            where = f"langkah {task.step_no}, {unit.code if unit else task.unit_id}"
            if task.round > 1:
                where += f", putaran {task.round}"
        details = _details(event.action, event.after or {}, where, units)
        lines.append(AuditLine(event.at, actor, ACTIONS.get(event.action, event.action), details))
    return lines


def _details(action: str, after: Mapping[str, Any], where: str, units: Mapping) -> str:
    parts = [where] if where else []
    if action == "run_started":
        parts.append(f"{after.get('sop_id', '')} {after.get('period', '')}".strip())
    if action == "branch_arrived" and after.get("unit_id") in units:
        parts.append(units[after["unit_id"]].code)
    if action == "steps_skipped":
        parts.append("langkah " + ", ".join(str(s) for s in after.get("steps", ())))
    if after.get("reason"):
        parts.append(f"alasan: {after['reason']}")
    return "; ".join(p for p in parts if p)


def render_audit(lines: Sequence[AuditLine], zone: ZoneInfo) -> list[str]:
    rows = [[local(line.at, zone), line.actor, line.action, line.details] for line in lines]
    return render_table(_COLUMNS, rows, _WIDTHS)


@click.command()
@RUN_OPTION
@engine_errors
def audit(run_id: int) -> None:
    """Jejak audit satu pelaksanaan SOP: waktu, siapa (sebagai apa), tindakan, rincian.

    "Sebagai apa": Plt./Plh. bila yang bertindak adalah pejabat pengganti.
    """
    with unit_of_work() as uow:
        lines = run_audit(uow, run_id)
        run = uow.runs.run(run_id)
        assert run is not None
        zone = ZoneInfo(run.organisation.timezone)
        heading = f"Jejak audit pelaksanaan {run_id}: {run.sop_id}, {run.period}"
    click.echo(heading)
    if not lines:
        click.echo("Belum ada catatan.")
        return
    for text in render_audit(lines, zone):
        click.echo(text.rstrip())
