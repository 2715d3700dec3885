"""Updates of different chats at the same time, one chat's strictly in the order they came.

PTB's default handles one update at a time: whatever a handler awaits (a slow
Bot API call, a transaction waiting for SQLite's write lock) holds back every
other user. ``concurrent_updates=N`` alone runs them side by side but lets one
user's second press overtake their first. :class:`PerChatUpdateProcessor`
keeps a lane per chat (per user for updates without a chat, e.g. a button on
an inline message; a private chat's id is its user's id, so the two share a
lane): an update waits for the previous one of its lane to finish, then for
one of ``limit`` places, then runs. Lanes exist only while an update of theirs
is waiting or running, so the map does not grow with the number of users.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

BACKLOG = 1024
"""How many updates may be inside the processor (waiting for their lane or running).

PTB's own semaphore, taken before :meth:`do_process_update`: kept large so that
updates waiting behind their own chat's lane do not take the places other
chats need; ``limit`` bounds what actually runs."""


def lane_of(update: object) -> int | None:
    """The chat an update belongs to, else its user; None: no order to keep."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class _Lane:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most ``limit`` updates run at once; updates of one lane run one after the other,
    in the order PTB handed them over (asyncio's locks and semaphores wake waiters first
    come, first served)."""

    def __init__(self, limit: int, backlog: int = BACKLOG) -> None:
        if limit < 1:
            raise ValueError("limit must be a positive integer")
        super().__init__(max(limit, backlog))
        self.limit = limit
        self._running = asyncio.Semaphore(limit)
        self._lanes: dict[int, _Lane] = {}

    @property
    def lanes(self) -> int:
        """Lanes with an update waiting or running (0 when idle: nothing is kept)."""
        return len(self._lanes)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = lane_of(update)
        started = False
        lane = None
        if key is not None:
            lane = self._lanes.get(key)
            if lane is None:
                lane = self._lanes[key] = _Lane()
            lane.users += 1
        try:
            if lane is not None:
                await lane.lock.acquire()
            try:
                async with self._running:
                    started = True
                    await coroutine
            finally:
                if lane is not None:
                    lane.lock.release()
        finally:
            if lane is not None:
                lane.users -= 1
                if lane.users == 0:
                    del self._lanes[key]  # type: ignore[arg-type]
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: never "was never awaited"

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close; updates still waiting are PTB's to cancel."""
