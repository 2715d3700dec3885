"""/daftargrup and /hapusgrup: an admin links the office's Telegram group to the organisation.

One unit of work each: who is asking, whether they are an admin, and the
group's row. Once linked, the group gets a pinned board per SOP and period from
the next pass of the board job (``bot.services.board``). A group belongs to one
organisation at most.
"""

from __future__ import annotations

from bot.engine.access import is_admin
from bot.persistence.models import Organisation
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services.context import Services
from bot.services.members import Member, member_in


def register(services: Services, chat_id: int, title: str, user_id: int) -> str:
    """``registered``, ``renewed`` (already this organisation's), or why not."""
    with services.uow_factory() as uow:
        admin = _admin(uow, user_id)
        if isinstance(admin, str):
            return admin
        org, member = admin
        group = uow.oversight.group(chat_id)
        if group is not None and group.organisation_id != org.id:
            return "other_org"
        if group is None:
            uow.oversight.add_group(org.id, chat_id, title, member.person_id, services.now())
            outcome = "registered"
        else:
            group.active, group.title = True, title
            outcome = "renewed"
        uow.commit()
        return outcome


def unregister(services: Services, chat_id: int, user_id: int) -> str:
    """``removed``, or why not; the boards stay in the chat and /daftargrup resumes them."""
    with services.uow_factory() as uow:
        admin = _admin(uow, user_id)
        if isinstance(admin, str):
            return admin
        org, _ = admin
        group = uow.oversight.group(chat_id)
        if group is None or not group.active:
            return "not_registered"
        if group.organisation_id != org.id:
            return "other_org"
        group.active = False
        uow.commit()
        return "removed"


def _admin(uow: SqlAlchemyUnitOfWork, user_id: int) -> tuple[Organisation, Member] | str:
    """The organisation and member of an admin writing, or why not (``stranger``,
    ``not_admin``)."""
    member = member_in(uow, user_id)
    if member is None:
        return "stranger"
    org = uow.orgs.organisation_by_id(member.organisation_id)
    if org is None or not is_admin(org, member.person_id):
        return "not_admin"
    return org, member
