"""Migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from bot.persistence.db import make_engine, normalise_url
from bot.persistence.migrate import current_revision, downgrade, head_revision, upgrade
from bot.persistence.models import metadata


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_migrations_match_models(fresh_db_url: str) -> None:
    assert current_revision(fresh_db_url) is None
    upgrade(fresh_db_url)
    assert current_revision(fresh_db_url) == head_revision()
    assert _diff(fresh_db_url) == []


def test_downgrade_to_base_and_up_again(fresh_db_url: str) -> None:
    upgrade(fresh_db_url)
    downgrade(fresh_db_url, "base")
    engine = make_engine(fresh_db_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    upgrade(fresh_db_url)
    assert _diff(fresh_db_url) == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_connections_have_foreign_keys_and_wal(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///sopbot.sqlite3", "sqlite:///sopbot.sqlite3"),
    ],
)
def test_database_urls_are_normalised(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected
