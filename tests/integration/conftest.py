"""Database fixtures shared by every integration test (persistence now, the engine next).

Each test gets the ``backend`` parameter ("sqlite" or "postgresql") and from it:

* ``db_url``: a migrated database, emptied before the test (all tables truncated);
* ``engine``: an Engine on that database (one per backend per session);
* ``uow_factory``: ``() -> SqlAlchemyUnitOfWork`` on that engine;
* ``fresh_db_url``: a brand-new *empty* database (no tables) for migration tests.

PostgreSQL: the server named by TEST_DATABASE_URL is only used to CREATE and DROP
databases of our own (``sopbot_test_<random>``), never to trust existing tables.
Without TEST_DATABASE_URL the PostgreSQL cases are skipped; with
SOPBOT_REQUIRE_POSTGRES=1 (CI) an unusable server fails them instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.persistence.db import make_engine, normalise_url
from bot.persistence.migrate import upgrade
from bot.persistence.models import metadata
from bot.persistence.uow import SqlAlchemyUnitOfWork, make_uow_factory
from bot.simulate.setup import SAMPLE_SLUG as SAMPLE_SLUG  # re-exported for the tests
from bot.simulate.setup import import_sample, sample_dir
from tests.conftest import postgres_required

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them all at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.created: list[str] = []
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT")

    def create(self) -> str:
        name = f"sopbot_test_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self._admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


def _unavailable(reason: str) -> None:
    if postgres_required():
        pytest.fail(f"PostgreSQL required (SOPBOT_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PostgresDatabases]:
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        _unavailable("TEST_DATABASE_URL is not set (CI sets it to the local server)")
    databases = PostgresDatabases(normalise_url(raw or ""))
    try:
        with databases._admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means: no usable server
        databases._admin.dispose()
        _unavailable(f"server at TEST_DATABASE_URL is not usable ({exc})")
    yield databases
    databases.drop_all()


class _Migrated:
    """One migrated database and engine per backend, made on first use."""

    def __init__(self, request: pytest.FixtureRequest, tmp: Path) -> None:
        self._request = request
        self._tmp = tmp
        self.urls: dict[str, str] = {}
        self.engines: dict[str, Engine] = {}

    def engine(self, backend: str) -> Engine:
        if backend not in self.engines:
            url = new_database(backend, self._request, self._tmp)
            upgrade(url)
            self.urls[backend] = url
            self.engines[backend] = make_engine(url)
        return self.engines[backend]

    def dispose(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def new_database(backend: str, request: pytest.FixtureRequest, tmp: Path) -> str:
    """A new, empty database of ``backend`` (no tables at all)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'sopbot_{uuid.uuid4().hex[:8]}.sqlite3'}"
    databases: PostgresDatabases = request.getfixturevalue("pg_databases")
    return databases.create()


@pytest.fixture(scope="session")
def _migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[_Migrated]:
    migrated = _Migrated(request, tmp_path_factory.mktemp("db"))
    yield migrated
    migrated.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        request.getfixturevalue("pg_databases")  # skips (or fails in CI) without a server
    return request.param


def _empty_all_tables(engine: Engine) -> None:
    tables = [t.name for t in metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def engine(backend: str, _migrated: _Migrated) -> Engine:
    """The migrated database of ``backend``, emptied before the test."""
    engine = _migrated.engine(backend)
    _empty_all_tables(engine)
    return engine


@pytest.fixture
def db_url(engine: Engine, backend: str, _migrated: _Migrated) -> str:
    return _migrated.urls[backend]


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], SqlAlchemyUnitOfWork]:
    return make_uow_factory(engine)


@pytest.fixture
def fresh_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return new_database(backend, request, tmp_path)


SAMPLE_DIR = sample_dir()


@pytest.fixture
def sample_org(uow_factory: Callable[[], SqlAlchemyUnitOfWork]) -> str:
    """The sample Kesbangpol Jeneponto (units, people, roles, indicators, 2026 targets)."""
    return import_sample(uow_factory)


def table_snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to prove a failed import changed nothing."""
    snapshot: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(table.select()).all()
            snapshot[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return snapshot


@pytest.fixture
def sopbot(monkeypatch: pytest.MonkeyPatch, db_url: str, sample_org: str):  # type: ignore[no-untyped-def]
    """``sopbot ARGS...`` against the test database with the sample organisation; a run
    must end with the expected exit status and never show a traceback."""
    import click
    from click.testing import CliRunner, Result

    from bot.cli.runs import register
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    group = click.Group("sopbot")
    register(group)

    def run(*args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(group, list(args))
        assert "Traceback" not in result.output
        assert (result.exit_code == 0) is ok, result.output
        return result

    return run
