"""issue 19: the admin's menu in a private chat (/admin), and its invites.

An admin is a person the organisation file names under ``organisasi: admin:``
(``bot.engine.access.is_admin``). Everyone else gets no admin view at all: the
handler then answers as it answers an unknown command, and a pressed admin
button as a button it no longer knows.

Each call is one update and one unit of work (``bot.services.turn``): the
admin check, the change, the audit entry (with the admin as actor) and the
menu's next position (kept in the chat's admin slot, ``ADMIN_SLOT``) commit
together. Where the menu waits is decided by the transition table's admin
block (``bot.conversation.table``). The views name what to show; the texts
are in ``bot/templates/telegram/admin.html.j2``.

The other admin services: ``admin_upload`` (targets workbook and organisation
file) and ``admin_runs`` (start a run, reopen a unit's figures).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversation.state import (
    ADMIN_SLOT,
    AdminPosition,
    InvitingPerson,
    InvitingRole,
    Mode,
    Position,
    ReviewingUpload,
)
from bot.conversation.table import NO_FACTS, Effect, Event, Facts, Step
from bot.domain.locale_id import format_datetime_id
from bot.engine.access import is_admin
from bot.persistence.models import Invite, Organisation, Person, Unit
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services.context import Services
from bot.services.report_menu import organisation_sops
from bot.services.turn import Outcome, Turn, run_turn, transition

INVITE_DAYS = 7
MAX_PEOPLE_BUTTONS = 30
"""Telegram allows 100 buttons; a long list of names is read, not pressed."""


class Section(IntEnum):
    """What a menu button (``Event.ADMIN_MENU``) opens."""

    MAIN = 0
    INVITE = 1
    PENDING = 2
    RUN = 3
    REOPEN = 4


LABEL_CHARACTERS = 64
"""A phone shows about this much of a button; longer labels end at a word, with "…"."""


def short(text: str, limit: int = LABEL_CHARACTERS) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,—-")
    return f"{cut}…"


@dataclass(frozen=True)
class Choice:
    """One button: the table's event and the number(s) it carries."""

    label: str
    event: Event
    number: int
    argument: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", short(self.label))


Row = tuple[Choice, ...]


@dataclass(frozen=True)
class AdminView:
    """What one admin update did, for the handler to show after the commit."""

    view: str
    """The part of the admin template to render."""
    context: Mapping[str, Any] = field(default_factory=dict)
    rows: tuple[Row, ...] = ()
    effects: tuple[Effect, ...] = ()
    document: tuple[str, bytes] | None = None
    """A file sent with the message (name, content)."""
    notify: bool = False
    """The engine wrote outbox events: dispatch them."""
    refused: bool = False
    """Not an admin: show nothing of the menu."""


NOT_ADMIN = AdminView("not_admin", refused=True)


@dataclass
class AdminTurn:
    """The update's turn with the admin's organisation and the bot's username."""

    turn: Turn
    org: Organisation
    bot_username: str | None = None

    @property
    def uow(self) -> SqlAlchemyUnitOfWork:
        return self.turn.uow

    @property
    def person_id(self) -> int:
        return self.turn.member.person_id

    @property
    def now(self) -> datetime:
        return self.turn.now

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.org.timezone)

    @property
    def position(self) -> Position | None:
        return self.turn.at(ADMIN_SLOT)

    def step(self, event: Event, facts: Facts = NO_FACTS) -> Step | None:
        return transition(self.position, event, facts)

    def move(self, step: Step, position: AdminPosition | None = None) -> None:
        """Where the menu waits after ``step`` (``position`` must be of the target mode).

        Leaving a checked file unsaved (another menu button) drops it: nothing else
        would ever save or discard it."""
        kept = self.position
        if isinstance(kept, ReviewingUpload) and position != kept:
            drop_kept(self.turn, kept.upload_id)
        if step.target is Mode.IDLE:
            self.turn.move(ADMIN_SLOT, None)
            return
        assert position is not None and position.mode is step.target, (position, step.target)
        self.turn.move(ADMIN_SLOT, position)

    def stale(self) -> AdminView:
        """A button of an earlier point of the menu: nothing changes."""
        return AdminView("stale", rows=main_rows())


def drop_kept(turn: Turn, upload_id: int) -> None:
    """A kept file gone, with an audit entry ("Batal", /batal, or the menu left)."""
    upload = turn.uow.chats.upload(upload_id)
    if upload is None:
        return
    turn.uow.audit.record(
        "admin_upload_discarded",
        "organisation",
        upload.organisation_id,
        actor_id=turn.member.person_id,
        after={"kind": upload.kind, "file": upload.file_name},
        at=turn.now,
    )
    turn.uow.chats.drop_upload(upload_id)


def admin_of(turn: Turn) -> Organisation | None:
    """The member's organisation when they are one of its admins."""
    org = turn.uow.orgs.organisation_by_id(turn.member.organisation_id)
    if org is None or not is_admin(org, turn.member.person_id):
        return None
    return org


def administers(services: Services, person_id: int) -> bool:
    """Whether the person is one of their organisation's admins (for /bantuan's admin line)."""
    with services.uow_factory() as uow:
        person = uow.orgs.person_by_id(person_id)
        org = uow.orgs.organisation_by_id(person.organisation_id) if person else None
        return org is not None and is_admin(org, person_id)


def admin_turn(
    services: Services,
    user_id: int,
    body: Callable[[AdminTurn], AdminView],
    *,
    bot_username: str | None = None,
) -> Outcome:
    """``body`` in one unit of work, for an admin only; anyone else gets ``NOT_ADMIN``."""

    def checked(turn: Turn) -> Outcome:
        org = admin_of(turn)
        if org is None:
            return turn.outcome(admin=NOT_ADMIN)
        view = body(AdminTurn(turn, org, bot_username))
        return turn.outcome(admin=view, notify=view.notify)

    return run_turn(services, user_id, checked)


# --- the menu ------------------------------------------------------------------------------
def main_rows() -> tuple[Row, ...]:
    return (
        (
            Choice("Buat undangan", Event.ADMIN_MENU, Section.INVITE),
            Choice("Belum bergabung", Event.ADMIN_MENU, Section.PENDING),
        ),
        (
            Choice("Unggah target (Excel)", Event.UPLOAD, 1),
            Choice("Unggah berkas organisasi", Event.UPLOAD, 2),
        ),
        (
            Choice("Mulai pelaksanaan", Event.ADMIN_MENU, Section.RUN),
            Choice("Buka kembali data", Event.ADMIN_MENU, Section.REOPEN),
        ),
    )


def menu(services: Services, user_id: int, section: int = Section.MAIN) -> Outcome:
    """/admin (``section`` 0) or a menu button: the menu, or the list the button opens."""

    def body(a: AdminTurn) -> AdminView:
        step = a.step(Event.ADMIN_MENU)
        if step is None:
            return a.stale()
        a.move(step)
        if section == Section.INVITE:
            return _units_view(a)
        if section == Section.PENDING:
            return pending_view(a)
        if section == Section.RUN:
            from bot.services.admin_runs import sops_view

            return sops_view(a)
        if section == Section.REOPEN:
            from bot.services.admin_runs import runs_view

            return runs_view(a)
        return AdminView("menu", {"org": a.org.name}, main_rows(), step.effects)

    return admin_turn(services, user_id, body)


# --- invites: unit, role, person -------------------------------------------------------------
def _units(a: AdminTurn) -> list[Unit]:
    return sorted(a.uow.orgs.units(a.org.id), key=lambda u: u.code)


def _units_view(a: AdminTurn) -> AdminView:
    rows = tuple((Choice(f"{u.code} — {u.name}", Event.INVITE_UNIT, u.id),) for u in _units(a))
    return AdminView("invite_unit", {}, rows, (Effect.SHOW_MENU,))


def roles_of(services: Services, a: AdminTurn) -> list[tuple[str, str]]:
    """(key, name) of the roles the organisation's SOPs name, in a fixed order."""
    found: dict[str, str] = {}
    member = a.turn.member
    for sop_id in organisation_sops(a.uow, services.catalog, member):
        for role in services.catalog.definitions[sop_id].definition.roles:
            found.setdefault(role.key, role.name)
    return sorted(found.items())


def _unit_of(a: AdminTurn, unit_id: int) -> Unit | None:
    unit = a.uow.orgs.unit_by_id(unit_id)
    return unit if unit is not None and unit.organisation_id == a.org.id else None


def invite_unit(services: Services, user_id: int, unit_id: int) -> Outcome:
    """A unit chosen for an invite: ask the role."""

    def body(a: AdminTurn) -> AdminView:
        unit = _unit_of(a, unit_id)
        step = a.step(Event.INVITE_UNIT)
        if unit is None or step is None:
            return a.stale()
        a.move(step, InvitingRole(unit_id=unit.id))
        rows = tuple(
            (Choice(name, Event.INVITE_ROLE, index),)
            for index, (_, name) in enumerate(roles_of(services, a))
        )
        return AdminView("invite_role", {"unit": unit.name}, rows, step.effects)

    return admin_turn(services, user_id, body)


def invite_role(services: Services, user_id: int, index: int) -> Outcome:
    """A role chosen: ask the person, from the people without a Telegram account."""

    def body(a: AdminTurn) -> AdminView:
        position = a.position
        roles = roles_of(services, a)
        step = a.step(Event.INVITE_ROLE)
        if not isinstance(position, InvitingRole) or step is None or not 0 <= index < len(roles):
            return a.stale()
        unit = _unit_of(a, position.unit_id)
        if unit is None:
            return a.stale()
        role_key, role_name = roles[index]
        a.move(step, InvitingPerson(unit_id=unit.id, role_key=role_key))
        people = candidates(a, unit.id, role_key)
        rows = tuple((Choice(_person_label(p), Event.INVITE_PERSON, p.id),) for p in people)
        context = {"unit": unit.name, "role": role_name, "none": not people}
        return AdminView("invite_person", context, rows, step.effects)

    return admin_turn(services, user_id, body)


def candidates(a: AdminTurn, unit_id: int, role_key: str) -> list[Person]:
    """Active people without a Telegram account: those the organisation file gives this role
    in this unit first, then the unit's other people, then everyone else."""
    assigned: dict[int, int] = {}
    for assignment in a.uow.orgs.assignments_in(a.org.id, unit_ids=[unit_id]):
        rank = 0 if assignment.role_key == role_key else 1
        assigned[assignment.person_id] = min(rank, assigned.get(assignment.person_id, 2))
    people = [p for p in a.uow.orgs.people(a.org.id) if p.active and p.telegram_user_id is None]
    people.sort(key=lambda p: (assigned.get(p.id, 2), p.name))
    return people[:MAX_PEOPLE_BUTTONS]


def _person_label(person: Person) -> str:
    return f"{person.name} ({person.nip})" if person.nip else person.name


def invite_person(
    services: Services, user_id: int, person_id: int, *, bot_username: str | None
) -> Outcome:
    """The person chosen: the invite is made and its deep link shown, to forward."""

    def body(a: AdminTurn) -> AdminView:
        position = a.position
        if not isinstance(position, InvitingPerson):
            return a.stale()
        unit = _unit_of(a, position.unit_id)
        person = a.uow.orgs.person_by_id(person_id)
        if unit is None or person is None or person.organisation_id != a.org.id:
            return a.stale()
        if person.telegram_user_id is not None:
            step = a.step(Event.INVITE_PERSON, Facts(saved=False))
            assert step is not None
            return AdminView("joined_already", {"person": person.name})
        view = _invited(a, unit, position.role_key, person)
        step = a.step(Event.INVITE_PERSON, Facts(saved=view.view == "invite"))
        assert step is not None
        a.move(step, position)
        return view

    return admin_turn(services, user_id, body, bot_username=bot_username)


def _invited(a: AdminTurn, unit: Unit, role_key: str, person: Person) -> AdminView:
    """Make the invite (through the one service the command line uses) and show its link."""
    # Imported here: the imports package reads workbooks (openpyxl), which the bot's start
    # does not load (tests/unit/test_lazy_imports.py).
    from bot.imports.invites import InviteError, create_invite, deep_link

    try:
        created = create_invite(
            a.uow,
            a.org,
            role_key=role_key,
            unit_code=unit.code,
            person_ref=person.nip or person.name,
            days=INVITE_DAYS,
            now=a.now,
            actor_id=a.person_id,
        )
        link = deep_link(a.bot_username, created.code) if a.bot_username else None
    except InviteError as error:
        return AdminView("refused", {"reason": str(error)})
    context = {
        "person": person.name,
        "role": _role_name(a, role_key),
        "unit": unit.name,
        "code": created.code,
        "link": link,
        "expires": format_datetime_id(created.expires_at.astimezone(a.zone)),
    }
    return AdminView("invite", context, (), (Effect.MAKE_INVITE,))


def _role_name(a: AdminTurn, role_key: str) -> str:
    from bot.services.members import role_name

    name = role_name(a.turn.services.catalog, role_key)
    # A role no SOP names (``kepala``): its key, written as a word.
    return name.replace("_", " ").capitalize() if name == role_key else name


# --- who has not joined yet ------------------------------------------------------------------
@dataclass(frozen=True)
class Waiting:
    """A person the organisation file gives a role who has no Telegram account yet."""

    assignment_id: int
    person: str
    unit: str
    role: str
    invite: str
    """``belum diundang``, ``berlaku`` or ``kedaluwarsa``."""
    expires: str | None = None
    """When the newest invite stops (or stopped) working, in the organisation's time."""


def not_joined(a: AdminTurn) -> list[Waiting]:
    """Per unit (by code) and role: who holds it in the file but has not opened an invite."""
    units = {u.id: u for u in a.uow.orgs.units(a.org.id)}
    invites: dict[tuple[int | None, str, int], Invite] = {}
    for invite in a.uow.orgs.unused_invites(a.org.id):  # newest first: keep the newest
        invites.setdefault((invite.person_id, invite.role_key, invite.unit_id), invite)
    today = a.now.astimezone(a.zone).date()
    found = []
    for assignment in a.uow.orgs.assignments_in(a.org.id):
        person = assignment.person
        if person.telegram_user_id is not None or not person.active:
            continue
        if assignment.valid_to is not None and assignment.valid_to < today:
            continue
        invite = invites.get((person.id, assignment.role_key, assignment.unit_id))
        if invite is None:
            state, expires = "belum diundang", None
        else:
            expired = invite.expires_at <= a.now
            state = "kedaluwarsa" if expired else "berlaku"
            expires = format_datetime_id(invite.expires_at.astimezone(a.zone))
        unit = units[assignment.unit_id]
        found.append(
            Waiting(
                assignment.id,
                person.name,
                f"{unit.code} — {unit.name}",
                _role_name(a, assignment.role_key),
                state,
                expires,
            )
        )
    return sorted(found, key=lambda w: (w.unit, w.role, w.person))


def pending_view(a: AdminTurn) -> AdminView:
    waiting = not_joined(a)
    rows = tuple(
        (Choice(f"Kirim ulang: {w.person}", Event.REISSUE, w.assignment_id),)
        for w in waiting[:MAX_PEOPLE_BUTTONS]
    )
    return AdminView("pending", {"waiting": waiting}, rows, (Effect.SHOW_MENU,))


def reissue(
    services: Services, user_id: int, assignment_id: int, *, bot_username: str | None
) -> Outcome:
    """A new invite for someone who has not joined; their older unused ones stop working."""

    def body(a: AdminTurn) -> AdminView:
        step = a.step(Event.REISSUE)
        assignment = next(
            (x for x in a.uow.orgs.assignments_in(a.org.id) if x.id == assignment_id), None
        )
        if step is None or assignment is None:
            return a.stale()
        person = assignment.person
        if person.telegram_user_id is not None:
            return AdminView("joined_already", {"person": person.name})
        expired = _expire_older(a, person.id, assignment.role_key, assignment.unit_id)
        view = _invited(a, assignment.unit, assignment.role_key, person)
        if view.view == "invite":
            a.uow.audit.record(
                "invite_reissued",
                "person",
                person.id,
                actor_id=a.person_id,
                after={"role": assignment.role_key, "unit": assignment.unit.code},
                before={"expired_invites": expired},
                at=a.now,
            )
        a.move(step)
        return AdminView(view.view, {**view.context, "again": True}, (), (Effect.REISSUE_INVITE,))

    return admin_turn(services, user_id, body, bot_username=bot_username)


def _expire_older(a: AdminTurn, person_id: int, role_key: str, unit_id: int) -> list[int]:
    expired = []
    for invite in a.uow.orgs.unused_invites(a.org.id):
        same = (invite.person_id, invite.role_key, invite.unit_id) == (person_id, role_key, unit_id)
        if same and invite.expires_at > a.now:
            invite.expires_at = a.now - timedelta(seconds=1)
            expired.append(invite.id)
    return expired


# --- typed text and files while the menu waits -----------------------------------------------
def text_typed(turn: Turn, position: AdminPosition, text: str) -> Outcome:
    """Text in the admin's slot: a reopen reason, or a hint what the menu waits for."""
    from bot.services import admin_runs, admin_upload

    org = admin_of(turn)
    if org is None:  # no longer an admin: the menu is gone
        turn.move(ADMIN_SLOT, None)
        return turn.outcome(idle_text=True)
    a = AdminTurn(turn, org)
    if position.mode is Mode.ADMIN_REOPEN_REASON:
        view = admin_runs.reason_typed(a, text)
    elif position.mode in (Mode.ADMIN_AWAIT_FILE, Mode.ADMIN_UPLOAD_REVIEW):
        view = admin_upload.text_instead(a)
    else:
        step = a.step(Event.TEXT_TYPED)
        view = AdminView("use_buttons", {}, (), step.effects if step else ())
    return turn.outcome(admin=view, notify=view.notify)


def file_sent(
    turn: Turn, position: AdminPosition, name: str | None, content: bytes | None
) -> Outcome:
    """A document in the admin's slot: the awaited file, or "not now"."""
    from bot.services import admin_upload

    org = admin_of(turn)
    if org is None:
        turn.move(ADMIN_SLOT, None)
        return turn.outcome(idle_text=True)
    a = AdminTurn(turn, org)
    if position.mode is Mode.ADMIN_AWAIT_FILE:
        view = admin_upload.received(a, name or "", content)
    else:
        step = a.step(Event.FILE_SENT)
        view = AdminView("file_not_now", {}, (), step.effects if step else ())
    return turn.outcome(admin=view)
