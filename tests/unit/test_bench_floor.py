"""The floor bot's store really keeps each update: one committed transaction per call."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.floor import FloorStore


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
