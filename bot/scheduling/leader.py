"""Exactly one process runs the scheduler and the sweeps.

Several bot processes may share one PostgreSQL (webhook workers behind a
proxy). The one holding a PostgreSQL advisory lock leads. The lock belongs to
the database session that took it, so it is held on a connection of its own,
outside the pool, for as long as the process leads; when the process dies its
connection closes and the lock is free for the next one that asks (each asks
every ``ELECTION_INTERVAL`` seconds, or SOPBOT_ELECTION_INTERVAL). With SQLite
there is one process, and it leads.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from bot.persistence.db import is_sqlite, normalise_url

log = logging.getLogger("sopbot.leader")
LOCK_KEY = 0x50_B0_7_5C  # "sopbot scheduler": any constant the deployment does not use elsewhere
ELECTION_INTERVAL = 30.0


class Leadership:
    def __init__(self, database_url: str) -> None:
        self._url = normalise_url(database_url)
        self._connection: Connection | None = None

    @property
    def held(self) -> bool:
        return is_sqlite(self._url) or self._connection is not None

    def acquire(self) -> bool:
        """Lead if nobody does; True while this process leads."""
        if is_sqlite(self._url):
            return True
        if self._connection is not None:
            if self._alive():
                return True
            self._connection = None  # lost with the connection: ask again below
        engine = create_engine(self._url, poolclass=NullPool)
        connection = engine.connect()
        got = bool(
            connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
            ).scalar()
        )
        connection.commit()  # the lock is the session's, not the transaction's
        if got:
            self._connection = connection
            log.info("this process now runs the scheduler")
        else:
            connection.close()
        return got

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None

    def _alive(self) -> bool:
        assert self._connection is not None
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
            return True
        except DBAPIError:
            return False
