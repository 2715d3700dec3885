"""From outbox events to notices: who gets which text, each under a unique key.

No Telegram here. ``plan_notices`` says what to send; the Telegram side sends
it and records the outcome in the reminder log under the notice's key, which
is what keeps a notice from being sent twice (see ``bot.telegram.outbox``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row

from bot.definitions import Catalog
from bot.domain.locale_id import format_datetime_id
from bot.domain.periods import Period
from bot.engine.context import organisation_of
from bot.engine.events import EventKind
from bot.persistence.models import OutboxEvent
from bot.persistence.uow import SqlAlchemyUnitOfWork

_TEMPLATES = {
    EventKind.TASK_ASSIGNED: "notice_task_assigned",
    EventKind.TASK_DONE: "notice_handed_off",
    EventKind.APPROVED: "notice_handed_off",
    EventKind.RETURNED: "notice_handed_off",
    EventKind.REOPENED: "notice_reopened",
    EventKind.RUN_COMPLETED: "notice_run_completed",
    EventKind.RUN_CANCELLED: "notice_run_cancelled",
    # TASK_OVERDUE stays in the outbox for the record; people hear about lateness
    # from the reminder policy (bot.services.reminding), once per slot, not twice.
    EventKind.JOIN_WAITING: "notice_join_waiting",
    EventKind.ROLE_UNFILLED: "notice_role_unfilled",
    EventKind.PERSON_UNREACHABLE: "notice_person_unreachable",
    EventKind.PERSON_REACHABLE: "notice_person_reachable",
}


REPORT_FILES = "report_files"
"""The kind of notice that carries a completed run's report files."""


@dataclass(frozen=True)
class Notice:
    key: str
    """``event:<event id>:<person id>`` or ``remind:<task>:<kind>:<slot>:<person>``:
    one notice per key, ever."""
    slot: str
    """What the reminder log records as the slot (``event-<id>``, ``overdue-<date>``...)."""
    kind: str
    person_id: int
    chat_id: int
    template: str
    context: dict[str, Any]
    run_id: int | None
    task_id: int | None
    report: bool = False
    """Send the run's report files (XLSX, PDF, chart) instead of a text."""


def contact(uow: SqlAlchemyUnitOfWork, person_id: int) -> Row[Any] | None:
    """The person's name, chat and reachability, kept by the process until reference data
    changes (marking someone unreachable, or their joining, bumps the counter)."""
    return uow.shared(("contact", person_id), lambda: uow.orgs.contact(person_id))  # type: ignore[no-any-return]


def names_of(uow: SqlAlchemyUnitOfWork, person_ids: Iterable[int]) -> tuple[str, ...]:
    """The names of these people, in that order (one gone since is left out)."""
    return tuple(person.name for pid in person_ids if (person := contact(uow, pid)) is not None)


def reachable_chat(uow: SqlAlchemyUnitOfWork, person_id: int) -> int | None:
    """The person's Telegram chat, unless they never joined or the chat is gone."""
    person = contact(uow, person_id)
    if person is None or person.telegram_user_id is None or not person.reachable:
        return None
    return person.telegram_user_id


def plan_notices(uow: SqlAlchemyUnitOfWork, catalog: Catalog, event: OutboxEvent) -> list[Notice]:
    """The notices ``event`` asks for: one per recipient who can be reached on Telegram."""
    try:
        template = _TEMPLATES[EventKind(event.kind)]
    except (KeyError, ValueError):
        return []  # events nobody is told about (run_started)
    payload = dict(event.payload)
    context = enrich(uow, catalog, event.kind, payload)
    notices = []
    for person_id in dict.fromkeys(payload.get("recipients") or []):
        chat_id = reachable_chat(uow, person_id)
        if chat_id is None:
            continue
        notices.append(
            Notice(
                key=f"event:{event.id}:{person_id}",
                slot=f"event-{event.id}",
                kind=event.kind,
                person_id=person_id,
                chat_id=chat_id,
                template=template,
                context=context,
                run_id=payload.get("run_id"),
                task_id=payload.get("task_id"),
            )
        )
    if EventKind(event.kind) is EventKind.RUN_COMPLETED:
        # The quarter's report goes with the news, to the same people: the last
        # step's holder (the Kasubag Perencanaan in SOP 004) and the admins.
        notices += [
            replace(notice, key=f"{notice.key}:laporan", kind=REPORT_FILES, report=True)
            for notice in notices
        ]
    return notices


def enrich(
    uow: SqlAlchemyUnitOfWork, catalog: Catalog, kind: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """The payload plus what a person needs to read: names, labels, local times."""
    e = {"kind": kind, "round": 1, "reason": None, "missing_units": [], **payload}
    sop_id = str(payload.get("sop_id", ""))
    e["sop_name"] = (
        catalog.definitions[sop_id].definition.name if sop_id in catalog.definitions else sop_id
    )
    e["period_label"] = Period.parse(payload["period"]).label if payload.get("period") else ""
    org = (
        organisation_of(uow, payload["organisation_id"]) if payload.get("organisation_id") else None
    )
    zone = ZoneInfo(org.timezone if org else "Asia/Makassar")
    due = payload.get("due_at")
    e["due"] = format_datetime_id(datetime.fromisoformat(due).astimezone(zone)) if due else "-"
    e["next_names"] = ", ".join(names_of(uow, payload.get("next_recipients") or []))
    e.setdefault("next_step", None)
    return e
