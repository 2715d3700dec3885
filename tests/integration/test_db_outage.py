"""Fault drill: PostgreSQL goes away in the middle of a run, then comes back.

A real server restart would also cut whatever else uses the local server
(other test runs, other projects' tests on the same machine), so the drill
does what a restart does *to this client* and nothing more, on the throw-away
database the tests created for themselves:

* "restart": ``pg_terminate_backend`` on every connection to our database. The
  pool's connections are now dead sockets, exactly as after a restart.
* "outage": the same, after ``ALTER DATABASE ... ALLOW_CONNECTIONS false``, so
  that reconnecting fails too until the drill allows connections again.

What must hold: the first call after a restart already works (``make_engine``
sets ``pool_pre_ping``), a call during an outage fails with the project's clear
error and writes nothing, and every value saved or submitted before is still
there afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from bot.cli import cli
from bot.domain.enums import TaskState
from bot.engine import Engine as SopEngine
from bot.persistence.uow import UowFactory
from bot.scheduling.leader import Leadership
from bot.simulate.setup import SAMPLE_SLUG
from tests.integration.conftest import BACKENDS, PostgresDatabases
from tests.integration.engine_helpers import Clock, fill_all, finish, person_id, single_task
from tests.integration.engine_helpers import make_engine as make_sop_engine

# PostgreSQL only; each test gets the session's migrated database, emptied, with the sample.
pytestmark = pytest.mark.parametrize("backend", [BACKENDS[1]], indirect=True)

KABID, KASUBID, ANALIS = "999900000000000002", "999900000000000003", "999900000000000004"


class Server:
    """Admin access to the test server: what a restart or an outage does to one database."""

    def __init__(self, server_url: str, database: str) -> None:
        self.database = database
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def restart(self) -> int:
        """Cut every connection to our database (as a restart does); how many were cut."""
        with self._admin.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": self.database},
                ).all()
            )

    def down(self) -> None:
        """No new connections, and the existing ones cut: the database is gone."""
        self._allow(False)
        self.restart()

    def up(self) -> None:
        self._allow(True)

    def _allow(self, allowed: bool) -> None:
        flag = "true" if allowed else "false"
        with self._admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{self.database}" WITH ALLOW_CONNECTIONS {flag}'))


@dataclass
class World:
    url: str
    db: Engine
    uow_factory: UowFactory
    engine: SopEngine
    server: Server
    clock: Clock

    def person(self, nip: str) -> int:
        return person_id(self.uow_factory, SAMPLE_SLUG, nip)

    def values(self, task_id: int, nip: str) -> dict[str, Decimal | None]:
        lines = self.engine.input_sheet(task_id, self.person(nip), now=self.clock.now)
        return {line.code: line.value for line in lines}

    def revisions(self, indicator_id: int) -> list[tuple[int | None, Decimal | None]]:
        """Every saved revision of an indicator's TW3 figure: (task, value), oldest first."""
        with self.uow_factory() as uow:
            history = uow.work.measurement_history(indicator_id, "2026-TW3")
            return [(m.task_id, m.value) for m in history]

    def pid(self) -> int:
        with self.db.connect() as conn:
            return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.fixture
def world(
    db_url: str,
    engine: Engine,
    uow_factory: UowFactory,
    sample_org: str,
    pg_databases: PostgresDatabases,
) -> Iterator[World]:
    """The sample organisation on the session's PostgreSQL test database (emptied first)."""
    database = make_url(db_url).database
    assert database is not None
    server = Server(pg_databases.server_url, database)
    try:
        yield World(db_url, engine, uow_factory, make_sop_engine(uow_factory), server, Clock())
    finally:
        server.up()  # whatever the test did, the database takes connections again


def submitted_and_drafted(world: World) -> tuple[int, int]:
    """Steps 1-3 done (the analyst submitted 90 everywhere); the Kasubid drafted IWK-01 = 95.

    Returns (the analyst's submitted task, the Kasubid's open task)."""
    engine, now = world.engine, world.clock.now
    engine.start_run("kesbangpol", SAMPLE_SLUG, "2026-TW3", now=now)
    finish(engine, world.person(KABID), 1, now)
    finish(engine, world.person(KASUBID), 2, now)
    analyst = world.person(ANALIS)
    submitted = single_task(engine, analyst, now, 3)
    assert fill_all(engine, submitted, analyst, now, Decimal(90)) == 5
    engine.complete_task(submitted, analyst, now=now)
    kasubid = world.person(KASUBID)
    draft = single_task(engine, kasubid, now, 4)
    iwk01 = next(line for line in engine.input_sheet(draft, kasubid, now=now))
    engine.save_value(draft, kasubid, iwk01.indicator_id, now=now, value=Decimal(95))
    return submitted, draft


def test_after_a_restart_the_first_call_works_and_nothing_is_lost(world: World) -> None:
    submitted, draft = submitted_and_drafted(world)
    before = world.values(draft, KASUBID)
    assert before["IWK-01"] == Decimal(95) and before["IWK-02"] == Decimal(90)
    iwk01 = world.engine.input_sheet(draft, world.person(KASUBID), now=world.clock.now)[0]
    history = world.revisions(iwk01.indicator_id)
    assert history == [(submitted, Decimal(90)), (draft, Decimal(95))]
    pid = world.pid()

    assert world.server.restart() >= 1  # the pool's idle connection was cut

    # The very next call works: pre-ping finds the dead connection and replaces it.
    assert world.values(draft, KASUBID) == before
    assert world.revisions(iwk01.indicator_id) == history
    assert world.pid() != pid
    with world.uow_factory() as uow:
        task = uow.work.task(submitted)
        assert task is not None and task.state is TaskState.DONE
    # ... and the run goes on: the Kasubid finishes step 4.
    world.engine.complete_task(draft, world.person(KASUBID), now=world.clock.now)
    assert single_task(world.engine, world.person(KABID), world.clock.now, 5)


def test_without_pre_ping_the_first_call_after_a_restart_would_fail(world: World) -> None:
    """Why ``make_engine`` sets ``pool_pre_ping``: this is what users would see otherwise."""
    bare = create_engine(world.url, pool_pre_ping=False)
    try:
        with bare.connect() as conn:
            conn.execute(text("SELECT 1"))
        world.server.restart()
        with pytest.raises(DBAPIError) as failed, bare.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert failed.value.connection_invalidated
    finally:
        bare.dispose()


def test_a_transaction_cut_by_a_restart_writes_nothing(world: World) -> None:
    _, draft = submitted_and_drafted(world)
    kasubid = world.person(KASUBID)
    with pytest.raises(OperationalError), world.uow_factory() as uow:
        task = uow.work.task(draft)
        assert task is not None
        task.state = TaskState.DONE
        uow.flush()  # written inside the transaction, not committed
        world.server.restart()
        uow.commit()
    assert world.values(draft, KASUBID)["IWK-01"] == Decimal(95)
    assert [t.task_id for t in world.engine.open_tasks(kasubid, now=world.clock.now)] == [draft]


def test_during_an_outage_calls_fail_clearly_and_drafts_survive(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted, draft = submitted_and_drafted(world)
    kasubid = world.person(KASUBID)
    iwk01 = world.engine.input_sheet(draft, kasubid, now=world.clock.now)[0].indicator_id
    monkeypatch.setenv("DATABASE_URL", world.url)

    world.server.down()
    with pytest.raises(OperationalError, match="not currently accepting connections"):
        world.engine.save_value(draft, kasubid, iwk01, now=world.clock.now, value=Decimal(96))
    # The admin commands say it in one line (no traceback); so does the health check.
    for command in (["db", "current"], ["health"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, result.output
        line = result.output.strip()
        assert "\n" not in line and "Traceback" not in result.output
        assert "tidak dapat dipakai" in line or "tidak menjawab" in line, line
    world.server.up()

    # The failed save wrote nothing; everything saved or submitted before is there.
    values = world.values(draft, KASUBID)
    assert values["IWK-01"] == Decimal(95)
    assert all(values[f"IWK-0{i}"] == Decimal(90) for i in range(2, 6))
    assert world.revisions(iwk01) == [(submitted, Decimal(90)), (draft, Decimal(95))]
    # Saying it again now works.
    world.engine.save_value(draft, kasubid, iwk01, now=world.clock.now, value=Decimal(96))
    assert world.revisions(iwk01)[-1] == (draft, Decimal(96))
    assert CliRunner().invoke(cli, ["health"]).exit_code == 0


def test_the_leader_takes_the_lead_again_after_a_restart(world: World) -> None:
    """The advisory lock dies with its connection; the next election takes it again."""
    leadership = Leadership(world.url)
    try:
        assert leadership.acquire()
        world.server.restart()
        assert leadership.acquire()  # the dead connection is noticed and the lock re-taken
        assert Leadership(world.url).acquire() is False  # ... by this process alone
    finally:
        leadership.release()
