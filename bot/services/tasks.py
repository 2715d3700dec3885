"""/tugas: the member's open tasks, soonest due first, in one unit of work."""

from __future__ import annotations

from bot.engine import TaskView
from bot.engine.service import open_tasks_in
from bot.services.context import Services
from bot.services.members import Member, member_in


def open_tasks(services: Services, user_id: int) -> tuple[Member | None, list[TaskView]]:
    with services.uow_factory() as uow:
        member = member_in(uow, user_id)
        if member is None:
            return None, []
        return member, open_tasks_in(uow, member.person_id, services.now())
