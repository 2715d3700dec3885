"""Engine and session factory: the one place that knows which database we talk to.

``DATABASE_URL`` picks the database. SQLite gets WAL mode, foreign keys and a
busy timeout on every connection; PostgreSQL always goes through psycopg 3.
Nothing is opened at import time.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

_PG_SCHEMES = re.compile(r"^(postgres|postgresql|postgresql\+psycopg2|postgresql\+psycopg)://")


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


class UnsupportedDatabase(ArgumentError):
    """DATABASE_URL names a database sopbot does not run on (MySQL, ...); an ArgumentError,
    so every command that reports a bad URL in one line reports this one too."""


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` (as hosting platforms write them) -> psycopg 3;
    a database other than SQLite or PostgreSQL is refused (``UnsupportedDatabase``)."""
    url = url.strip()
    match = _PG_SCHEMES.match(url)
    if match:
        return "postgresql+psycopg://" + url[match.end() :]
    backend = make_url(url).get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise UnsupportedDatabase(
            f"basis data '{backend}' tidak didukung; gunakan sqlite:///sopbot.sqlite3 "
            "atau postgresql+psycopg://pengguna@host/nama"
        )
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalise_url(url)).get_backend_name() == "sqlite"


def missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names, when it does not exist yet; else None.

    Connecting to a missing SQLite file creates it (empty), so a command that
    only reads asks this first and says "no database yet" instead.
    In-memory databases and other backends are never missing here.
    """
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return None if path.exists() else path


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin,
    # so SAVEPOINTs and transactional DDL behave (SQLAlchemy's pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE: take the write lock at the start. A deferred transaction that
    # reads and then writes after another thread committed fails at once with
    # "database is locked" (WAL snapshot conflict), busy_timeout or not; with
    # IMMEDIATE the second writer waits its turn instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the pragmas/options sopbot relies on."""
    url = normalise_url(url)
    if is_sqlite(url):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (handlers render them)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def _sqlite_begin_deferred(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def make_snapshot_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for long reads that write nothing (a 2,000-row report).

    On SQLite its transactions begin DEFERRED: a WAL snapshot that neither waits
    for writers nor makes them wait, where :func:`make_engine`'s BEGIN IMMEDIATE
    would hold the write lock for the whole read and every other user's
    transaction would queue behind it. Other backends read a snapshot anyway:
    there it is :func:`make_engine`.
    """
    url = normalise_url(url)
    if not is_sqlite(url):
        return make_engine(url, **kwargs)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin_deferred)
    return engine
