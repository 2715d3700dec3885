"""The *floor* bot: the anchor plus the least database work a bot that keeps each answer can do.

The anchor (``bench.throughput``) makes sopbot's Bot API calls and nothing else.
The floor bot makes the same calls and, before each answer, one transaction on
the same backend: read the chat's position, write the answer, write the next
position, commit. It uses SQLAlchemy Core with statements built once, through
sopbot's own engine settings (``bot.persistence.db.make_engine``: WAL and
``synchronous=NORMAL`` on SQLite, a pre-pinged pool on PostgreSQL), in tables of
its own. No ORM, no logic, no templates. One update at a time on the event loop's
thread by default; ``SOPBOT_BENCH_FLOOR_AT_ONCE=4`` takes four at once, each
transaction in a worker thread (as sopbot does on PostgreSQL), which answered
fewer updates here, not more (README, Performance).

So ``floor/anchor`` is about the best ratio to the anchor that any bot committing
every update through the project's fixed choices could reach on this machine, and
``sopbot/floor`` is what sopbot's own reads, logic and rendering cost on top.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class FloorStore:
    """Each chat's position and every answer, one transaction per update."""

    def __init__(self, url: str, chats: range) -> None:
        from sqlalchemy import (
            Column,
            Integer,
            MetaData,
            String,
            Table,
            bindparam,
            insert,
            select,
            update,
        )

        from bot.persistence.db import make_engine

        metadata = MetaData()
        position = Table(
            "bench_floor_position",
            metadata,
            Column("chat_id", Integer, primary_key=True),
            Column("state", String, nullable=False),
        )
        answer = Table(
            "bench_floor_answer",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("chat_id", Integer, nullable=False),
            Column("value", String, nullable=False),
        )
        self.engine: Engine = make_engine(url)
        metadata.drop_all(self.engine)
        metadata.create_all(self.engine)
        with self.engine.begin() as connection:
            connection.execute(insert(position), [{"chat_id": c, "state": "{}"} for c in chats])
        self._read = select(position.c.state).where(position.c.chat_id == bindparam("chat"))
        self._answer = insert(answer)
        self._move = (
            update(position)
            .where(position.c.chat_id == bindparam("chat"))
            .values(state=bindparam("state"))
        )
        self.transactions = 0

    def keep(self, chat_id: int, value: str) -> None:
        """Read the chat's position, write the answer and the next position, commit."""
        with self.engine.begin() as connection:
            state = connection.execute(self._read, {"chat": chat_id}).scalar_one()
            connection.execute(self._answer, {"chat_id": chat_id, "value": value})
            # The next position follows from the one read, and stays small as sopbot's does.
            moved = json.dumps({"answer": value, "steps": json.loads(state).get("steps", 0) + 1})
            connection.execute(self._move, {"chat": chat_id, "state": moved})
        self.transactions += 1

    def close(self) -> None:
        self.engine.dispose()


def floor_handlers(application: Any, store: FloorStore, *, in_thread: bool = False) -> None:
    """The anchor's handlers, each keeping its update in ``store`` before it answers;
    ``in_thread``: the transaction in a worker thread, so that other updates go on while
    it waits for the database (the application takes several at once)."""
    from bench.throughput import anchor_handlers

    anchor_handlers(application)
    for handlers in application.handlers.values():
        for handler in handlers:
            handler.callback = _keeping(store, handler.callback, in_thread)


def _keeping(store: FloorStore, answer: Any, in_thread: bool) -> Any:
    async def keep_then_answer(update: Any, context: Any) -> None:
        query, message = update.callback_query, update.message
        value = query.data if query is not None else (message.text if message else "")
        kept = (update.effective_chat.id, value or "")
        if in_thread:
            await asyncio.to_thread(store.keep, *kept)
        else:
            store.keep(*kept)
        await answer(update, context)

    return keep_then_answer
