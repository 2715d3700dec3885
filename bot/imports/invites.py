"""One-time invites: a code an administrator hands to a person, who opens the deep link.

The bot's ``/start <code>`` handler (a later issue) consumes the code: it links
the Telegram account to the person and creates the role assignment.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.text_clean import clean_text
from bot.imports.org_file import ROLE_KEY
from bot.persistence.models import Invite, Organisation, Person
from bot.persistence.uow import AbstractUnitOfWork

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


class InviteError(ValueError):
    """The invite cannot be made; ``str()`` is for the administrator."""


@dataclass(frozen=True)
class CreatedInvite:
    code: str
    expires_at: datetime
    role_key: str
    unit_code: str
    person_name: str | None


def new_code() -> str:
    """16 URL-safe characters: valid as a Telegram ``start`` parameter (A-Z a-z 0-9 _ -)."""
    return secrets.token_urlsafe(12)


def deep_link(bot_username: str, code: str) -> str:
    username = bot_username.strip().removeprefix("@")
    if not _USERNAME.match(username):
        raise InviteError(f"'{bot_username}' bukan nama pengguna bot Telegram")
    return f"https://t.me/{username}?start={code}"


def create_invite(
    uow: AbstractUnitOfWork,
    org: Organisation,
    *,
    role_key: str,
    unit_code: str,
    person_ref: str | None,
    days: int,
    now: datetime,
    actor_id: int | None = None,
    name: str | None = None,
) -> CreatedInvite:
    """An invite for the person ``person_ref`` (NIP or name in the organisation file), or
    for a new person the admin names with ``name``: the name in reports and the audit
    comes from one of those, never from the Telegram profile of whoever joins.
    ``actor_id`` is the admin who made it in the chat (None: the command line)."""
    if not ROLE_KEY.match(role_key):
        raise InviteError(f"'{role_key}' bukan kunci peran (huruf kecil, angka, _), mis. kabid")
    if not 1 <= days <= 90:
        raise InviteError("masa berlaku undangan harus 1-90 hari")
    unit = uow.orgs.unit(org.id, unit_code)
    if unit is None:
        raise InviteError(f"unit '{unit_code}' tidak ada di organisasi {org.slug}")
    person = _person(uow, org, person_ref) if person_ref else None
    given = " ".join(clean_text(name or "").split())
    if person is None and not given:
        raise InviteError(
            "sebutkan pegawainya (--person NIP atau nama dari berkas organisasi) "
            "atau nama orang baru (--nama)"
        )
    if len(given) > 200:
        raise InviteError("nama terlalu panjang (maksimal 200 karakter)")
    invite = Invite(
        code=new_code(),
        organisation_id=org.id,
        person=person,
        role_key=role_key,
        unit=unit,
        created_at=now,
        expires_at=now + timedelta(days=days),
        person_name=None if person is not None else given,
    )
    uow.orgs.add(invite)
    uow.orgs.flush()
    uow.audit.record(
        "invite_created",
        "invite",
        invite.id,
        actor_id=actor_id,
        after={
            "role": role_key,
            "unit": unit_code,
            "person_id": person.id if person else None,
            "name": person.name if person else given,
        },
        at=now,
    )
    return CreatedInvite(
        invite.code, invite.expires_at, role_key, unit_code, person.name if person else given
    )


def _person(uow: AbstractUnitOfWork, org: Organisation, ref: str) -> Person:
    compact = ref.replace(" ", "")
    if compact.isdigit():
        person = uow.orgs.person_by_nip(org.id, compact)
        if person is not None:
            return person
    named = uow.orgs.people_named(org.id, ref.strip())
    if len(named) == 1:
        return named[0]
    if named:
        raise InviteError(f"ada {len(named)} pegawai bernama '{ref}'; sebutkan NIP")
    raise InviteError(f"pegawai '{ref}' tidak ada (sebutkan NIP atau nama lengkap)")
