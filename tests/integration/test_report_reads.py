"""A report is read without holding SQLite's write lock, so nobody waits for a long report."""

from __future__ import annotations

import time
from pathlib import Path

from bot.persistence.db import make_snapshot_engine
from bot.persistence.uow import make_uow_factory
from bot.simulate.setup import SAMPLE_SLUG, open_sample_services
from tests.integration.engine_helpers import Clock


def test_others_write_while_a_report_is_being_read(tmp_path: Path) -> None:
    clock = Clock()
    services = open_sample_services(tmp_path, lambda: clock.now)
    snapshot = make_snapshot_engine(f"sqlite:///{tmp_path / 'sopbot.sqlite3'}")  # the worker's
    try:
        with make_uow_factory(snapshot)() as reader:
            org = reader.orgs.organisation(SAMPLE_SLUG)  # the read's transaction is open
            assert org is not None
            started = time.monotonic()
            with services.uow_factory() as writer:  # another user's update meanwhile
                other = writer.orgs.organisation(SAMPLE_SLUG)
                assert other is not None
                other.name = "Badan Kesbangpol (ubah)"
                writer.commit()
            assert time.monotonic() - started < 1.0  # not the 5 s busy timeout
            assert reader.orgs.organisation(SAMPLE_SLUG).name == org.name  # its snapshot
    finally:
        snapshot.dispose()
        services.close()
