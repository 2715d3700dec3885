"""The handlers' side of ``bot.services.reachability``: a person who writes again is
reachable again.

Refused sends are marked where they are recorded: every notice, reminder and
report file goes through ``bot.telegram.outbox``, whose ``_record_failure``
marks the person unreachable in the same transaction. This is blocking
database work: run it in a thread.
"""

from __future__ import annotations

from bot.services.context import Services
from bot.services.reachability import mark_reachable


def restore(services: Services, person_id: int) -> bool:
    """The person wrote to the bot: reachable again; True if they had been marked."""
    with services.uow_factory() as uow:
        changed = mark_reachable(uow, services.catalog, person_id, now=services.now())
        uow.commit()
    return changed
