"""/status: where this period's runs of the member's organisation stand, who is late, and
how complete and timely each period was. One unit of work for all of it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.engine.status import RunStatus, run_status
from bot.engine.timeliness import RunTimeliness, runs_timeliness
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services.context import Services
from bot.services.members import Member, member_in, oversees


@dataclass(frozen=True)
class StatusView:
    member: Member
    runs: list[RunStatus]
    timeliness: dict[int, RunTimeliness]
    overseer: bool


def status(services: Services, user_id: int) -> StatusView | None:
    """What /status shows this member; None for a stranger."""
    with services.uow_factory() as uow:
        member = member_in(uow, user_id)
        if member is None:
            return None
        runs = _statuses(uow, services, member)
        wanted = [(run.run_id, run.sop_id, run.period) for run in runs]
        timeliness = runs_timeliness(uow, member.organisation_id, wanted)
        overseer = any(oversees(services.catalog, role) for role, _ in member.roles)
        return StatusView(member, runs, timeliness, overseer)


def _statuses(uow: SqlAlchemyUnitOfWork, services: Services, member: Member) -> list[RunStatus]:
    """Every unit for those who oversee; a member's own unit for the others."""
    units = {unit for role, unit in member.roles if not oversees(services.catalog, role)}
    sees_all = any(oversees(services.catalog, role) for role, _ in member.roles)
    now = services.now()
    if sees_all or not units:
        return run_status(
            uow, organisation_id=member.organisation_id, period=None, unit_id=None, now=now
        )
    found: dict[int, RunStatus] = {}
    for unit in sorted(units):
        for run in run_status(
            uow, organisation_id=member.organisation_id, period=None, unit_id=unit, now=now
        ):
            if run.run_id in found:  # roles in several units: one run, all their work
                earlier = found[run.run_id]
                seen = {w.task_id for w in earlier.work}
                extra = tuple(w for w in run.work if w.task_id not in seen)
                run = replace(earlier, work=earlier.work + extra)
            found[run.run_id] = run
    return list(found.values())
