"""Joining the bot: a one-time invite links a Telegram account to a person and a role.

The administrator makes the invite (``sopbot invite``); the person opens the
deep link, Telegram sends ``/start <code>``, and this use case does the rest.
No Telegram here: the handler passes the user's id and name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.persistence.models import Invite, Person, RoleAssignment
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services.context import Services
from bot.services.members import role_name


class OnboardingError(Exception):
    """The invite cannot be used; the message is for the person (Bahasa Indonesia)."""


class Throttled(OnboardingError):
    """Too many refused codes lately (this account, or everyone): nothing is checked."""


ACCOUNT_LIMIT = 5
"""Refused invite codes one Telegram account may try per WINDOW. A code has 96 random
bits, so this only slows a guesser; a person who mistypes a link is not held long."""
OVERALL_LIMIT = 100
"""Refused codes of all accounts together per WINDOW: many accounts guessing at once."""
WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Joined:
    person_id: int
    person_name: str
    role_key: str
    unit_name: str
    organisation_name: str
    already: bool
    """True when this account had already used this invite (a second tap on the link)."""


def redeem_invite(
    uow: SqlAlchemyUnitOfWork,
    code: str,
    *,
    telegram_user_id: int,
    display_name: str,
    now: datetime,
) -> Joined:
    """Use the invite ``code`` for this Telegram account; idempotent for the same account.

    ``display_name`` (the Telegram profile's) is never stored: names in reports and the
    audit come from the organisation file or the admin's invite.

    A refused code is counted (and audited) in ``uow``: the caller commits it even when
    the invite is refused. While an account, or everyone, has had too many refused codes
    lately, nothing is checked at all (``Throttled``).
    """
    _throttle(uow, telegram_user_id, now)
    try:
        return _redeem(uow, code, telegram_user_id=telegram_user_id, now=now)
    except OnboardingError as refused:
        uow.orgs.record_invite_failure(telegram_user_id, now)
        uow.audit.record(
            "invite_failed",
            "telegram_user",
            telegram_user_id,
            after={"code": code[:64], "reason": str(refused)},  # no profile name, ever
            at=now,
        )
        raise


def _throttle(uow: SqlAlchemyUnitOfWork, telegram_user_id: int, now: datetime) -> None:
    since = now - WINDOW
    mine = uow.orgs.invite_failures(since, telegram_user_id)
    everyone = uow.orgs.invite_failures(since) if len(mine) < ACCOUNT_LIMIT else []
    if len(mine) >= ACCOUNT_LIMIT:
        times, limit, scope = mine, ACCOUNT_LIMIT, "account"
        said = "Terlalu banyak kode undangan yang salah dari akun ini."
    elif len(everyone) >= OVERALL_LIMIT:
        times, limit, scope = everyone, OVERALL_LIMIT, "overall"
        said = "Terlalu banyak percobaan kode undangan yang salah saat ini."
    else:
        return
    # Free again when the oldest of the last ``limit`` refusals leaves the window.
    free_at = times[-limit] + WINDOW
    minutes = max(1, math.ceil((free_at - now).total_seconds() / 60))
    wait = "sekitar 1 jam" if minutes >= 60 else f"{minutes} menit"
    if not any(
        e.action == "invite_throttled" and e.at > since
        for e in uow.audit.events_for("telegram_user", telegram_user_id)
    ):
        uow.audit.record(
            "invite_throttled",
            "telegram_user",
            telegram_user_id,
            after={"scope": scope, "refused_in_window": len(times)},
            at=now,
        )
    raise Throttled(
        f"{said} Silakan coba lagi dalam {wait}, atau minta tautan undangan baru kepada admin."
    )


def _redeem(
    uow: SqlAlchemyUnitOfWork, code: str, *, telegram_user_id: int, now: datetime
) -> Joined:
    invite = uow.orgs.invite(code.strip()) if code.strip() else None
    if invite is None:
        raise OnboardingError(
            "Kode undangan tidak dikenal. Periksa tautannya atau minta undangan baru kepada admin."
        )
    linked = uow.orgs.person_by_telegram_id(telegram_user_id)
    if invite.used_at is not None:
        if linked is not None and invite.used_by_id == linked.id:
            return _joined(uow, invite, linked, already=True)
        raise OnboardingError("Kode undangan ini sudah dipakai. Minta undangan baru kepada admin.")
    if invite.expires_at <= now:
        raise OnboardingError(
            "Kode undangan ini sudah kedaluwarsa. Minta undangan baru kepada admin."
        )
    person = invite.person
    if linked is not None and (person is None or linked.id != person.id):
        raise OnboardingError(
            f"Akun Telegram ini sudah terhubung dengan {linked.name}. "
            "Hubungi admin bila ingin memindahkannya."
        )
    if person is None:
        # The admin named who the invite is for; the Telegram profile name never becomes it.
        if not (invite.person_name or "").strip():
            raise OnboardingError(
                "Undangan ini tidak menyebut nama pegawai. "
                "Mohon minta admin membuat undangan baru dengan nama Bapak/Ibu."
            )
        person = Person(organisation_id=invite.organisation_id, name=invite.person_name.strip())
        uow.orgs.add(person)
    elif person.telegram_user_id not in (None, telegram_user_id):
        raise OnboardingError(
            f"{person.name} sudah terhubung dengan akun Telegram lain. Hubungi admin."
        )
    person.telegram_user_id = telegram_user_id
    person.active = True
    person.reachable = True
    uow.orgs.flush()
    if uow.orgs.find_assignment(person.id, invite.role_key, invite.unit_id, None) is None:
        uow.orgs.add(
            RoleAssignment(person_id=person.id, role_key=invite.role_key, unit_id=invite.unit_id)
        )
    invite.used_by_id = person.id
    invite.used_at = now
    uow.audit.record(
        "invite_used",
        "invite",
        invite.id,
        actor_id=person.id,
        after={"telegram_user_id": telegram_user_id, "role": invite.role_key},
        at=now,
    )
    uow.orgs.flush()
    return _joined(uow, invite, person, already=False)


def _joined(uow: SqlAlchemyUnitOfWork, invite: Invite, person: Person, *, already: bool) -> Joined:
    org = uow.orgs.organisation_by_id(invite.organisation_id)
    return Joined(
        person_id=person.id,
        person_name=person.name,
        role_key=invite.role_key,
        unit_name=invite.unit.name,
        organisation_name=org.name if org else "",
        already=already,
    )


def join(
    services: Services, code: str, *, telegram_user_id: int, display_name: str
) -> tuple[Joined, str]:
    """Redeem the invite in one unit of work; (what happened, the role's name to show)."""
    with services.uow_factory() as uow:
        try:
            joined = redeem_invite(
                uow,
                code,
                telegram_user_id=telegram_user_id,
                display_name=display_name,
                now=services.now(),
            )
        except OnboardingError:
            uow.commit()  # the refused attempt and its audit are kept
            raise
        uow.commit()
    return joined, role_name(services.catalog, joined.role_key)
