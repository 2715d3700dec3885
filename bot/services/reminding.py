"""Which reminders are due now: the policy's slots for every open task, as notices.

Nothing goes out outside the organisation's working time (quiet hours, weekends,
holidays): a slot missed while the bot was down waits for the next working moment,
where the newest slot due by then is sent (still once, by its key).

For each open task only the newest reminder already due is planned for its
holders (and the newest escalation for the superior): after a bot was down for
days, a person gets today's "terlambat" reminder, not one per missed morning. The notice key
``remind:<task>:<kind>:<slot>:<person>`` makes sending idempotent (see
``bot.telegram.outbox``), so planning again a minute later sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from bot.definitions import Catalog
from bot.domain.enums import TaskState
from bot.domain.lateness import format_lateness, format_time_left
from bot.domain.reminders import (
    ReminderKind,
    ReminderPolicy,
    load_reminder_policy,
    reminder_slots,
)
from bot.engine.context import RunContext, run_context
from bot.engine.progress import Progress
from bot.persistence.models import Organisation, Task
from bot.persistence.uow import SqlAlchemyUnitOfWork, UowFactory
from bot.services.notifications import Notice, enrich, reachable_chat


def plan_reminders(
    uow: SqlAlchemyUnitOfWork,
    catalog: Catalog,
    now: datetime,
) -> list[Notice]:
    """Every organisation by its own reminder policy (the defaults where it sets none), in
    the caller's unit of work (see ``plan_all_reminders`` for the sweep)."""
    notices: list[Notice] = []
    for org in uow.orgs.organisations():
        notices += plan_reminders_of(uow, catalog, org, now)
    return notices


def plan_all_reminders(uow_factory: UowFactory, catalog: Catalog, now: datetime) -> list[Notice]:
    """``plan_reminders`` with one read transaction per organisation: what one
    organisation's tasks, runs and people need is let go before the next is read, so the
    sweep's memory follows the largest organisation, not the installation."""
    with uow_factory() as uow:
        organisation_ids = [org.id for org in uow.orgs.organisations()]
    notices: list[Notice] = []
    for organisation_id in organisation_ids:
        with uow_factory() as uow:
            org = uow.orgs.organisation_by_id(organisation_id)
            if org is not None:
                notices += plan_reminders_of(uow, catalog, org, now)
    return notices


def plan_reminders_of(
    uow: SqlAlchemyUnitOfWork, catalog: Catalog, org: Organisation, now: datetime
) -> list[Notice]:
    """The reminders due now for ``org``'s open tasks, by its policy."""
    notices: list[Notice] = []
    contexts: dict[int, tuple[RunContext, Progress]] = {}
    policy = load_reminder_policy(org.reminder_policy or None)
    for task in uow.work.tasks_in_organisation(org.id, TaskState.OPEN):
        if task.due_at is None or task.started_at is None:
            continue
        if task.run_id not in contexts:
            ctx = run_context(uow, task.run)
            contexts[task.run_id] = (ctx, Progress(uow, ctx, now, None))
        ctx, progress = contexts[task.run_id]
        if not ctx.calendar.is_working_time(now):
            continue  # a slot missed while the bot was down waits for working hours
        notices += _task_reminders(uow, catalog, ctx, progress, task, now, policy)
    return notices


def _task_reminders(
    uow: SqlAlchemyUnitOfWork,
    catalog: Catalog,
    ctx: RunContext,
    progress: Progress,
    task: Task,
    now: datetime,
    policy: ReminderPolicy,
) -> list[Notice]:
    slots = reminder_slots(
        started_at=task.started_at,  # type: ignore[arg-type]  (checked by the caller)
        due_at=task.due_at,  # type: ignore[arg-type]
        calendar=ctx.calendar,
        policy=policy,
        until=now,
    )
    # Time order: the last slot wins. For the holder one reminder says it all (a
    # week-old "due now" under today's "terlambat" would only confuse); the
    # superior's escalation is a separate message to someone else.
    newest = {
        ("escalation" if slot.kind is ReminderKind.ESCALATION else "holder"): slot for slot in slots
    }
    if not newest:
        return []  # most open tasks most minutes: nothing due, so build no message
    holders = progress.task_holders(task)
    payload = progress.task_payload(task)
    minutes = ctx.calendar.working_minutes_between(task.due_at, now)  # type: ignore[arg-type]
    day = ctx.calendar.day_minutes
    extra = {
        "late": format_lateness(minutes, day) if minutes >= 0 else None,
        "left": format_time_left(-minutes, day) if minutes < 0 else None,
        "late_names": _names(uow, holders),
    }
    context = enrich(uow, catalog, "reminder", {**payload, **_run_fields(ctx), **extra})
    notices = []
    for slot in newest.values():
        kind = slot.kind
        recipients = _superiors(ctx, progress, task) if kind is ReminderKind.ESCALATION else holders
        for person_id in recipients:
            chat_id = reachable_chat(uow, person_id)
            if chat_id is None:
                continue
            notices.append(
                Notice(
                    key=f"remind:{task.id}:{kind.value}:{slot.slot}:{person_id}",
                    slot=slot.slot,
                    kind=f"reminder_{kind.value}",
                    person_id=person_id,
                    chat_id=chat_id,
                    template=f"reminder_{kind.value}",
                    context=context,
                    run_id=task.run_id,
                    task_id=task.id,
                )
            )
    return notices


def _run_fields(ctx: RunContext) -> dict[str, object]:
    return {
        "sop_id": ctx.definition.id,
        "period": str(ctx.period),
        "organisation_id": ctx.run.organisation_id,
    }


def _superiors(ctx: RunContext, progress: Progress, task: Task) -> list[int]:
    """The holders of the role above the late one (near the unit), else the admins."""
    superior = ctx.definition.role(task.role_key).superior
    if superior is not None:
        found = progress.holders(superior, task.unit_id) or progress.holders(
            superior, task.unit_id, run_level=True
        )
        if found:
            return found
    return [person.id for person in ctx.run.organisation.admins]


def _names(uow: SqlAlchemyUnitOfWork, person_ids: list[int]) -> str:
    people = (uow.orgs.person_by_id(pid) for pid in person_ids)
    return ", ".join(person.name for person in people if person is not None)
