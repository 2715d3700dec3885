"""``sopbot health``: is this deployment able to serve? One line, exit 0 (yes) or 1 (no).

Healthy means: the database named by DATABASE_URL answers within a few seconds
and its schema is at the newest migration. Meant for container health checks
(``compose.yaml``) and monitoring; it changes nothing and never creates a
database file.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.cli.db import database_url, shown_url
from bot.persistence.db import is_sqlite, make_engine

CONNECT_TIMEOUT = 5
"""Seconds to wait for the database server before calling it down."""


def _current_revision(url: str) -> str | None:
    from alembic.migration import MigrationContext  # alembic: only when health is checked

    if is_sqlite(url):
        engine = make_engine(url)
    else:
        engine = make_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def check(url: str) -> tuple[bool, str]:
    """(healthy, the one line saying why)."""
    try:
        if is_sqlite(url):
            database = make_url(url).database
            if database and database != ":memory:" and not Path(database).exists():
                return False, (
                    f"tidak sehat: berkas basis data {database} tidak ada; buat dengan "
                    "'sopbot db upgrade'"
                )
        current = _current_revision(url)
    except ArgumentError as exc:
        return False, f"tidak sehat: DATABASE_URL tidak sah ({exc})"
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return False, f"tidak sehat: basis data {shown_url(url)} tidak menjawab: {reason}"
    from bot.persistence.migrate import head_revision

    head = head_revision()
    if current != head:
        found = current or "(kosong)"
        return False, (
            f"tidak sehat: basis data {shown_url(url)} pada revisi {found}, terbaru {head}; "
            "jalankan 'sopbot db upgrade'"
        )
    return True, f"sehat: basis data {shown_url(url)} menjawab, revisi {head} (terbaru)"


@click.command("health")
def health() -> None:
    """Periksa basis data (menjawab, migrasi terbaru); keluar 0 bila sehat, 1 bila tidak."""
    try:
        url = database_url()
    except ArgumentError as exc:  # not even a database sopbot runs on (mysql://)
        healthy, line = False, f"tidak sehat: DATABASE_URL tidak sah ({exc})"
    else:
        healthy, line = check(url)
    click.echo(line)
    if not healthy:
        raise SystemExit(1)
