"""Service tests on the in-memory unit of work: the real repositories over a private
SQLite database in memory, so a use case is tested without a server or a file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine as DbEngine

from bot.definitions import load_catalog
from bot.engine import Engine
from bot.imports.org_file import read_org_file
from bot.imports.org_import import import_org
from bot.imports.problems import Problems
from bot.persistence.uow import SqlAlchemyUnitOfWork, make_memory_engine, make_uow_factory
from bot.services.context import Services
from tests.integration.engine_helpers import Clock, add_indicators, person_id
from tests.integration.seed004_play import BIDANG, KASUBAG_PERENCANAAN

ROOT = Path(__file__).resolve().parents[3]
SOP = "kesbangpol"
CATALOG = load_catalog([ROOT / "sop_definitions"])


@dataclass
class World:
    services: Services
    clock: Clock
    slug: str
    uow_factory: Callable[[], SqlAlchemyUnitOfWork]
    people: dict[str, int]
    """role name ("kabid", "kasubid", "analis", "admin") -> person id (BID-IWK)."""
    db: DbEngine

    def chat_of(self, who: str) -> int:
        return 7_000_000 + self.people[who]

    def pristine(self) -> bool:
        """Nothing written since the template was copied in, and the clock not moved."""
        raw = self.db.raw_connection()
        try:
            changes: int = raw.driver_connection.total_changes  # type: ignore[union-attr]
        finally:
            raw.close()
        return changes == 0 and self.clock.now == Clock().now


T = TypeVar("T")

_SNAPSHOTS: dict[str, tuple[sqlite3.Connection, datetime, Any]] = {}


def prepared(world: World, key: str, prepare: Callable[[World], T]) -> T:
    """``prepare(world)``, done for real once per session under ``key`` and then copied.

    A test's own steps are run as they are written; what many tests prepare the same way
    (a run started and its first steps finished) is kept as a database copy and the clock,
    and copied in like the template (a millisecond instead of a tenth of a second). Only
    a world nothing was done in yet takes the copy; any other runs ``prepare`` itself.
    """
    if not world.pristine():
        return prepare(world)
    kept = _SNAPSHOTS.get(key)
    if kept is None:
        result = prepare(world)
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        _copy(world.db, copy)
        _SNAPSHOTS[key] = (copy, world.clock.now, result)
        return result
    copy, now, result = kept
    world.db.dispose()
    raw = world.db.raw_connection()
    try:
        copy.backup(raw.driver_connection)  # type: ignore[arg-type]
    finally:
        raw.close()
    world.clock.now = now
    return result  # type: ignore[no-any-return]


def _copy(source: DbEngine, target: sqlite3.Connection) -> None:
    raw = source.raw_connection()
    try:
        raw.driver_connection.backup(target)  # type: ignore[union-attr]
    finally:
        raw.close()


def _built() -> tuple[DbEngine, str, dict[str, int]]:
    """The sample organisation with two indicators for BID-IWK and four linked accounts."""
    db = make_memory_engine()
    uow_factory = make_uow_factory(db)
    problems = Problems()
    data = read_org_file(ROOT / "examples" / "sample_org" / "organisation.yaml", problems)
    problems.raise_if_any()
    with uow_factory() as uow:
        slug = import_org(uow, data, None).slug
        uow.commit()
    add_indicators(uow_factory, slug, {"BID-IWK": 2})
    kabid, kasubid, analis = (person_id(uow_factory, slug, nip) for nip in BIDANG["BID-IWK"])
    admin = person_id(uow_factory, slug, KASUBAG_PERENCANAAN)
    people = {"kabid": kabid, "kasubid": kasubid, "analis": analis, "admin": admin}
    with uow_factory() as uow:
        for person in people.values():
            found = uow.orgs.person_by_id(person)
            assert found is not None
            found.telegram_user_id = 7_000_000 + person
        uow.commit()
    return db, slug, people


@pytest.fixture(scope="session")
def _template() -> tuple[DbEngine, str, dict[str, int]]:
    return _built()


@pytest.fixture(scope="session")
def _database() -> DbEngine:
    """The in-memory database every test's world is restored into. One engine for the
    session keeps SQLAlchemy's statement cache warm (a new engine compiles every statement
    again); each test starts from the template's content all the same (``world``)."""
    return make_memory_engine(schema=False)


@pytest.fixture
def world(_template: tuple[DbEngine, str, dict[str, int]], _database: DbEngine) -> World:
    """The built database copied over the last test's (SQLite's backup API replaces the
    whole database: a millisecond, not an import)."""
    template, slug, people = _template
    _database.dispose()  # StaticPool: a fresh connection, whatever the last test left open
    source, target = template.raw_connection(), _database.raw_connection()
    try:
        source.driver_connection.backup(target.driver_connection)  # type: ignore[union-attr]
    finally:
        source.close()
        target.close()
    uow_factory = make_uow_factory(_database)
    clock = Clock()
    engine = Engine(uow_factory, CATALOG)
    services = Services(uow_factory, CATALOG, engine, clock=lambda: clock.now)
    return World(services, clock, slug, uow_factory, dict(people), _database)
