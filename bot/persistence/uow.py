"""Unit of work: one transaction around one use case.

``with uow: ...; uow.commit()``. Leaving the block without ``commit()`` rolls
back, so a use case that raises halfway leaves the database as it was. Lost
optimistic-concurrency races surface as ``ConcurrentUpdateError``.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Hashable
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.persistence.db import make_engine, make_session_factory
from bot.persistence.errors import ConcurrentUpdateError
from bot.persistence.reference import CHANGED, ReferenceCache, current_version
from bot.persistence.repositories import (
    AuditRepository,
    ChatRepository,
    IndicatorRepository,
    OrgRepository,
    OversightRepository,
    RunRepository,
    WorkRepository,
)


def _lost_race(exc: BaseException | None) -> bool:
    """True for the errors that mean "someone else wrote first; reload and retry".

    PostgreSQL and SQLite both report a version mismatch as StaleDataError. SQLite
    also refuses to upgrade a read snapshot another writer has since changed
    ("database is locked"), which is the same race seen from the other side.
    """
    if isinstance(exc, StaleDataError):
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


class AbstractUnitOfWork(abc.ABC):
    """What use cases see; tests of the engine may swap in a fake."""

    orgs: OrgRepository
    indicators: IndicatorRepository
    runs: RunRepository
    work: WorkRepository
    audit: AuditRepository
    chats: ChatRepository
    oversight: OversightRepository
    memo: dict[Hashable, Any]
    """What this transaction has read and will not change: a run's context, the role
    assignments near a unit, a unit's indicators. Several engine calls of one update read
    them once (``remembered``); a rollback forgets them."""

    def __enter__(self) -> Self:
        self.memo = {}
        return self

    def remembered(self, key: Hashable, read: Callable[[], Any]) -> Any:
        """``read()`` the first time ``key`` is asked in this transaction, then its answer."""
        try:
            return self.memo[key]
        except KeyError:
            found = self.memo[key] = read()
            return found

    def shared(self, key: Hashable, read: Callable[[], Any]) -> Any:
        """Like ``remembered``, for reference data a process may keep between transactions
        (``bot.persistence.reference``); ``read()`` must give plain, frozen rows."""
        return self.remembered(key, read)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """A session per ``with`` block; repositories are created on entry."""

    def __init__(
        self, session_factory: sessionmaker[Session], reference: ReferenceCache | None = None
    ) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None
        self._reference = reference
        self._version: int | None = None
        """The reference counter this transaction read (``shared``); None: none (no row)."""
        self._version_read = False

    @classmethod
    def from_url(cls, url: str) -> SqlAlchemyUnitOfWork:
        return cls(make_session_factory(make_engine(url)))

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("unit of work is not re-entrant")
        session = self._session_factory()
        self._session = session
        self.orgs = OrgRepository(session)
        self.indicators = IndicatorRepository(session)
        self.runs = RunRepository(session)
        self.work = WorkRepository(session)
        self.audit = AuditRepository(session)
        self.chats = ChatRepository(session)
        self.oversight = OversightRepository(session)
        self._version_read = False
        return super().__enter__()

    def shared(self, key: Hashable, read: Callable[[], Any]) -> Any:
        if self._reference is None or self.session.info.get(CHANGED):
            return self.remembered(key, read)
        if not self._version_read:
            self._version, self._version_read = current_version(self.session), True
        version = self._version
        if version is None:  # no counter row: nothing would say when to forget
            return self.remembered(key, read)
        reference = self._reference
        return self.remembered(key, lambda: reference.get(version, key, read))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc, tb)
        finally:
            self.session.close()
            self._session = None
        if _lost_race(exc):
            raise ConcurrentUpdateError() from exc

    def write_mark(self) -> int | None:
        """How much this session has written or undone so far (flushes, rollbacks), or None
        while it has changes not yet flushed: something read at one mark still holds at the
        same mark."""
        session = self.session
        if session.new or session.dirty or session.deleted:
            return None
        return session.info.get(_FLUSHES, 0)  # type: ignore[no-any-return]

    def flush(self) -> None:
        """Write pending changes now (ids, version checks) without committing."""
        try:
            self.session.flush()
        except (StaleDataError, OperationalError) as exc:
            if _lost_race(exc):
                raise ConcurrentUpdateError() from exc
            raise

    def commit(self) -> None:
        self.memo = {}
        self._version_read = False
        self.chats.forget()
        try:
            self.session.commit()
        except (StaleDataError, OperationalError) as exc:
            self.session.rollback()
            if _lost_race(exc):
                raise ConcurrentUpdateError() from exc
            raise

    def rollback(self) -> None:
        self.memo = {}
        self._version_read = False
        self.chats.forget()
        self.session.rollback()


_FLUSHES = "sopbot.flushes"
"""``Session.info`` key: flushes and transaction ends (a rollback, a savepoint's) so far."""


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")  # a rollback may undo what was read
def _count_write(session: Session, _what: Any) -> None:
    session.info[_FLUSHES] = session.info.get(_FLUSHES, 0) + 1


UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def make_uow_factory(engine: Engine) -> UowFactory:
    """A factory giving a fresh unit of work per use case, sharing one session factory.

    A unit of work holds one session at a time, so concurrent handlers each call
    the factory instead of sharing an instance.
    """
    sessions = make_session_factory(engine)
    reference = ReferenceCache()  # one per database: its units of work share what they read
    return lambda: SqlAlchemyUnitOfWork(sessions, reference)


def make_memory_engine(*, schema: bool = True) -> Engine:
    """A private in-memory SQLite database (with the schema created, unless ``schema`` is
    False). One connection is shared (``StaticPool``), so every session of the engine sees
    the same database, from any thread."""
    from sqlalchemy.pool import StaticPool

    from bot.persistence.models import metadata

    engine = make_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    if schema:
        metadata.create_all(engine)
    return engine


def make_memory_uow_factory() -> UowFactory:
    """Units of work over a private in-memory SQLite database with the schema created.

    The same ``SqlAlchemyUnitOfWork`` and repositories as in production, but no
    file, no migrations and no server: what service tests use so they run in
    milliseconds (``tests/unit/services``).
    """
    return make_uow_factory(make_memory_engine())
