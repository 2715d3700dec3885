"""The floor bot's store really keeps each update: one committed transaction per call."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine, text

from bench.floor import FloorStore, _keeping
from bench.throughput import bare_application
from bot.telegram.concurrency import PerChatUpdateProcessor


def test_each_update_commits_its_answer_and_moves_the_position(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'floor.sqlite3'}"
    store = FloorStore(url, range(10, 13))
    try:
        store.keep(11, "82,5")
        store.keep(11, "confirm")
        store.keep(12, "85")
    finally:
        store.close()
    reader = create_engine(url)  # another connection: only committed rows are seen
    try:
        with reader.connect() as connection:
            answers = connection.execute(
                text("SELECT chat_id, value FROM bench_floor_answer ORDER BY id")
            ).all()
            states = dict(
                connection.execute(text("SELECT chat_id, state FROM bench_floor_position")).all()
            )
    finally:
        reader.dispose()
    assert [tuple(row) for row in answers] == [(11, "82,5"), (11, "confirm"), (12, "85")]
    assert store.transactions == 3
    assert states[10] == "{}"
    assert json.loads(states[11]) == {"answer": "confirm", "steps": 2}  # from its own last one
    assert json.loads(states[12]) == {"answer": "85", "steps": 1}


def test_a_second_store_starts_afresh(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'floor.sqlite3'}"
    first = FloorStore(url, range(1, 3))
    first.keep(1, "x")
    first.close()
    again = FloorStore(url, range(1, 3))  # a rerun on the same file: tables made anew
    try:
        with again.engine.connect() as connection:
            kept = connection.execute(text("SELECT count(*) FROM bench_floor_answer")).scalar()
    finally:
        again.close()
    assert kept == 0


def test_a_floor_taking_several_updates_keeps_each_in_a_worker_thread(tmp_path: Path) -> None:
    """``SOPBOT_BENCH_FLOOR_AT_ONCE`` > 1: the application takes updates side by side and
    each transaction runs off the event loop's thread, committed before the answer, as
    sopbot's do on PostgreSQL."""
    application = bare_application("http://127.0.0.1:9", "1:floor", at_once=4)
    assert isinstance(application.update_processor, PerChatUpdateProcessor)
    assert application.update_processor.limit == 4
    assert (
        bare_application("http://127.0.0.1:9", "1:floor").update_processor.max_concurrent_updates
        == 1
    )

    store = FloorStore(f"sqlite:///{tmp_path / 'floor.sqlite3'}", range(1, 3))
    keep = store.keep
    kept_in: list[str] = []

    def keep_noting_the_thread(chat_id: int, value: str) -> None:
        kept_in.append(threading.current_thread().name)
        keep(chat_id, value)

    store.keep = keep_noting_the_thread  # type: ignore[method-assign]
    answered: list[tuple[str, int]] = []

    async def answer(update: object, context: object) -> None:
        answered.append((threading.current_thread().name, store.transactions))

    press = SimpleNamespace(
        callback_query=SimpleNamespace(data="confirm"),
        message=None,
        effective_chat=SimpleNamespace(id=1),
    )
    try:
        asyncio.run(_keeping(store, answer, in_thread=True)(press, None))
        asyncio.run(_keeping(store, answer, in_thread=False)(press, None))
    finally:
        store.close()
    main = threading.main_thread().name
    assert kept_in[0] != main and kept_in[1] == main
    assert answered == [(main, 1), (main, 2)]  # each committed before its answer
