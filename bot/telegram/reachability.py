"""The send paths' side of ``bot.reachability``: a refused send marks the person unreachable.

Every path that writes to a person's chat (the outbox, reminders, report files,
the oversight board) calls :func:`note_refusal` with the error Telegram gave;
a handler that hears from a person marked unreachable calls :func:`restore`.
Both are blocking database work: run them in a thread.
"""

from __future__ import annotations

from bot.reachability import mark_reachable, mark_unreachable, unreachable_reason
from bot.telegram.services import Services


def note_refusal(services: Services, person_id: int, error: str | BaseException) -> bool:
    """True if ``error`` means the chat is gone (then the person is marked, once, and the
    admins and superiors are told through the outbox); False for any other error."""
    reason = unreachable_reason(error)
    if reason is None:
        return False
    with services.uow_factory() as uow:
        mark_unreachable(uow, services.catalog, person_id, reason=reason, now=services.now())
        uow.commit()
    return True


def restore(services: Services, person_id: int) -> bool:
    """The person wrote to the bot: reachable again; True if they had been marked."""
    with services.uow_factory() as uow:
        changed = mark_reachable(uow, services.catalog, person_id, now=services.now())
        uow.commit()
    return changed
