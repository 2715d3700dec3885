"""The stored position of each person's conversation (see ``ChatState``).

A state is a small dict with a ``mode`` ("input_value", "input_kendala",
"review_reason", ...) and the ids it needs. Handlers read and write it here,
off the event loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.services.context import Services


def _get(services: Services, user_id: int) -> dict[str, Any] | None:
    with services.uow_factory() as uow:
        return uow.chats.state(user_id)


def _set(services: Services, user_id: int, state: dict[str, Any] | None) -> None:
    with services.uow_factory() as uow:
        if state is None:
            uow.chats.clear_state(user_id)
        else:
            uow.chats.set_state(user_id, state, services.now())
        uow.commit()


async def get_state(services: Services, user_id: int) -> dict[str, Any] | None:
    return await asyncio.to_thread(_get, services, user_id)


async def set_state(services: Services, user_id: int, state: dict[str, Any]) -> None:
    await asyncio.to_thread(_set, services, user_id, state)


async def clear_state(services: Services, user_id: int) -> None:
    await asyncio.to_thread(_set, services, user_id, None)
