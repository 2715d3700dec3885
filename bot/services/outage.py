"""The database lost while the bot runs (issue 18): stay up, say so, retry, log twice.

While the database cannot be reached, every update that needs it ends in the
error handler, which tells the person the bot "sedang gangguan" (nothing is lost,
try again shortly). The background sweeps (outbox, reminders, boards, election)
pause; a probe retries the connection with a growing pause (1 s, 2 s, 4 s ... at
most a minute) instead of every sweep hammering the server. The log says it once
when the outage begins and once when it ends, without a traceback each time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger("sopbot.database")

FIRST_RETRY = 1.0
LAST_RETRY = 60.0


def is_database_down(error: BaseException | None) -> bool:
    """The error (or what caused it) says the database cannot be reached."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError | PoolTimeout):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
    return False


def _reason(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    text_ = " ".join(str(orig).split())
    return (text_ or type(orig).__name__)[:200]


@dataclass
class DatabaseOutage:
    """Whether the database is out of reach, since when, and when to try it again."""

    clock: Callable[[], float] = time.monotonic
    since: float | None = None
    delay: float = FIRST_RETRY
    next_try: float = 0.0

    @property
    def active(self) -> bool:
        return self.since is not None

    def noticed(self, error: BaseException) -> None:
        """A call failed for want of the database; the first failure of an outage is logged."""
        if self.since is not None:
            return
        self.since = self.clock()
        self.delay = FIRST_RETRY
        self.next_try = self.since + self.delay
        log.error(
            "Basis data tidak dapat dihubungi (%s); bot tetap berjalan, pengguna diberi tahu "
            "'sedang gangguan', dicoba lagi berkala.",
            _reason(error),
        )

    def usable(self, db: Engine | None) -> bool:
        """True outside an outage; during one, try the database when its pause is over
        (``SELECT 1``): back, the end is logged; still gone, the next pause doubles."""
        if self.since is None:
            return True
        now = self.clock()
        if now < self.next_try or db is None:
            return False
        try:
            with db.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            self.delay = min(self.delay * 2, LAST_RETRY)
            self.next_try = self.clock() + self.delay
            log.debug("basis data masih tidak dapat dihubungi: %s", _reason(error))
            return False
        log.warning(
            "Basis data terhubung kembali setelah %d detik gangguan.", round(now - self.since)
        )
        self.since = None
        return True
