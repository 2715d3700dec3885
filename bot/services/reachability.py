"""When Telegram says a person's chat is gone: mark them, and tell who must cover their roles.

Telegram answers "bot was blocked by the user", "user is deactivated" or
"chat not found" for a chat the bot can no longer write to. The person is then
marked unreachable (``Person.reachable``), which stops every later notice and
reminder to them (``bot.services.notifications.reachable_chat``), and one outbox event
tells the organisation's admins and the holders of the superior role of each
role the person holds that the role is uncovered: who, which roles and units,
which open tasks wait on them, and what to do. When the person writes to the
bot again they are reachable again, and the same people are told once.

Exactly once per transition: the flag is flipped with a conditional UPDATE, so
of two failed sends (or two processes) only the one that changed it emits.
No Telegram here; the outbox calls this from the send paths, and ``restore`` is what a
handler calls when a person marked unreachable writes again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.definitions import Catalog
from bot.domain.calendar import load_zone
from bot.domain.enums import TaskState
from bot.domain.locale_id import format_datetime_id
from bot.domain.sop import SopDefinition
from bot.engine.context import RunContext, run_context
from bot.engine.events import EventKind
from bot.engine.progress import Progress, task_title, task_uraian
from bot.engine.roles import UnitTree, holders_near
from bot.persistence.models import Organisation, Person, RoleAssignment
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services.context import Services

UNREACHABLE_ERRORS = {
    "bot was blocked by the user": "memblokir bot",
    "user is deactivated": "akun Telegram-nya sudah dihapus atau dinonaktifkan",
    "chat not found": "obrolannya dengan bot tidak ditemukan",
}
"""Telegram's words for a chat the bot can no longer write to, and how to say it to people."""


def unreachable_reason(error: str | BaseException) -> str | None:
    """The Telegram reason if ``error`` means the chat is gone for good, else None."""
    text = str(error).lower()
    return next((reason for reason in UNREACHABLE_ERRORS if reason in text), None)


def mark_unreachable(
    uow: SqlAlchemyUnitOfWork,
    catalog: Catalog,
    person_id: int,
    *,
    reason: str,
    now: datetime,
) -> bool:
    """Mark the person unreachable and queue the notice; True only on the transition.

    The caller commits (the event goes out with the change or not at all).
    """
    if not uow.orgs.set_reachable(person_id, False):
        return False  # already unreachable (or gone): told once already
    person = uow.orgs.person_by_id(person_id)
    if person is None:
        return False
    payload = coverage(uow, catalog, person, now)
    payload["reason"] = reason
    payload["reason_text"] = UNREACHABLE_ERRORS.get(reason, reason)
    uow.audit.record("person_unreachable", "person", person.id, after={"reason": reason}, at=now)
    uow.audit.emit(EventKind.PERSON_UNREACHABLE.value, payload, at=now)
    return True


def mark_reachable(
    uow: SqlAlchemyUnitOfWork, catalog: Catalog, person_id: int, *, now: datetime
) -> bool:
    """The person wrote to the bot again: reachable, and the same people told; True if changed."""
    if not uow.orgs.set_reachable(person_id, True):
        return False
    person = uow.orgs.person_by_id(person_id)
    if person is None:
        return False
    uow.audit.record("person_reachable", "person", person.id, at=now)
    uow.audit.emit(EventKind.PERSON_REACHABLE.value, coverage(uow, catalog, person, now), at=now)
    return True


# --- who covers what ---------------------------------------------------------------------
@dataclass(frozen=True)
class _Org:
    org: Organisation
    tree: UnitTree
    assignments: list[RoleAssignment]
    definitions: list[SopDefinition]
    today: date


def _org(uow: SqlAlchemyUnitOfWork, catalog: Catalog, person: Person, now: datetime) -> _Org:
    org = person.organisation
    own = [s for s in uow.orgs.sop_ids(org.id) if s in catalog.definitions]
    ids = own or list(catalog.definitions)  # an organisation listing no SOPs: every loaded one
    return _Org(
        org=org,
        tree=UnitTree.of(uow.orgs.units(org.id)),
        assignments=list(uow.orgs.assignments_in(org.id)),
        definitions=[catalog.definitions[s].definition for s in ids],
        today=now.astimezone(load_zone(org.timezone)).date(),
    )


def _role_name(found: _Org, role_key: str) -> str:
    for definition in found.definitions:
        if definition.has_role(role_key):
            return definition.role(role_key).name
    return role_key


def _superiors(found: _Org, role_key: str) -> list[str]:
    keys = []
    for definition in found.definitions:
        if definition.has_role(role_key):
            superior = definition.role(role_key).superior
            if superior is not None and superior not in keys:
                keys.append(superior)
    return keys


def _near(found: _Org, role_key: str, unit_id: int) -> list[Person]:
    """Holders near the unit; for a role held elsewhere (the Sekretaris), anywhere."""
    return holders_near(
        found.tree, found.assignments, role_key, unit_id, found.today
    ) or holders_near(
        found.tree, found.assignments, role_key, unit_id, found.today, organisation_wide=True
    )


def coverage(
    uow: SqlAlchemyUnitOfWork, catalog: Catalog, person: Person, now: datetime
) -> dict[str, Any]:
    """The event payload: the person, their roles (and who else holds each), their open
    tasks, the superiors' names, and the recipients (admins, then superiors; not the person)."""
    found = _org(uow, catalog, person, now)
    zone = load_zone(found.org.timezone)
    roles: list[dict[str, Any]] = []
    superiors: dict[int, Person] = {}
    for assignment in uow.orgs.assignments_of(person.id):
        if not assignment.valid_on(found.today) or assignment.unit_id not in found.tree.units:
            continue
        others = [
            p.name
            for p in _near(found, assignment.role_key, assignment.unit_id)
            if p.id != person.id and p.reachable and p.telegram_user_id is not None
        ]
        roles.append(
            {
                "role_key": assignment.role_key,
                "role_name": _role_name(found, assignment.role_key),
                "unit_name": found.tree.units[assignment.unit_id].name,
                "acting": assignment.acting.value,
                "others": others,
            }
        )
        for superior in _superiors(found, assignment.role_key):
            for holder in _near(found, superior, assignment.unit_id):
                if holder.id != person.id:
                    superiors.setdefault(holder.id, holder)
    admins = [admin.id for admin in found.org.admins if admin.id != person.id]
    recipients = list(dict.fromkeys([*admins, *superiors]))
    return {
        "organisation_id": found.org.id,
        "person_id": person.id,
        "person_name": person.name,
        "nip": person.nip,
        "roles": roles,
        "tasks": _open_tasks(uow, person, found, now, zone),
        "superior_names": [holder.name for holder in superiors.values()],
        "recipients": recipients,
    }


def _open_tasks(
    uow: SqlAlchemyUnitOfWork, person: Person, found: _Org, now: datetime, zone: Any
) -> list[dict[str, Any]]:
    """The open tasks the person holds now (what waits on them), soonest due first."""
    keys = {a.role_key for a in uow.orgs.assignments_of(person.id)}
    contexts: dict[int, tuple[RunContext, Progress]] = {}
    tasks = []
    for task in uow.work.tasks_in_organisation(found.org.id, TaskState.OPEN):
        if task.role_key not in keys:
            continue
        if task.run_id not in contexts:
            ctx = run_context(uow, task.run)
            contexts[task.run_id] = (ctx, Progress(uow, ctx, now, None))
        ctx, progress = contexts[task.run_id]
        if person.id not in progress.task_holders(task):
            continue
        tasks.append(
            {
                "task_id": task.id,
                "step_no": task.step_no,
                "uraian": task_uraian(task, ctx),
                "judul": task_title(task, ctx),
                "sop_name": ctx.definition.name,
                "period_label": ctx.period.label,
                "unit_name": ctx.tree.units[task.unit_id].name,
                "due_text": format_datetime_id(task.due_at.astimezone(zone))
                if task.due_at
                else "-",
            }
        )
    return tasks


def restore(services: Services, person_id: int) -> bool:
    """The person wrote to the bot: reachable again; True if they had been marked."""
    with services.uow_factory() as uow:
        changed = mark_reachable(uow, services.catalog, person_id, now=services.now())
        uow.commit()
    return changed
