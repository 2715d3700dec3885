"""Migration 0007 (acceptance): figures left "submitted" by a completed run become approved.

Before the acceptance rule, an SOP without a review completed with its figures
still "submitted"; the rule accepts them when the receiving step is done, so the
upgrade makes them approved. A "verified" figure goes back to "submitted" on a
downgrade (the older code has no such state).
"""

from __future__ import annotations

from sqlalchemy import text

from bot.persistence.db import make_engine
from bot.persistence.migrate import downgrade, upgrade
from bot.persistence.uow import make_uow_factory
from bot.simulate.setup import import_sample
from tests.integration.engine_helpers import Clock
from tests.integration.engine_helpers import make_engine as make_sop_engine
from tests.integration.seed004_play import play_quarter


def _states(db) -> set[str]:  # type: ignore[no-untyped-def]
    with db.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT DISTINCT state FROM measurements"))}


def test_submitted_figures_of_completed_runs_are_accepted(fresh_db_url: str) -> None:
    upgrade(fresh_db_url)
    db = make_engine(fresh_db_url)
    try:
        uow_factory = make_uow_factory(db)
        slug = import_sample(uow_factory)
        play_quarter(make_sop_engine(uow_factory), uow_factory, slug, "2026-TW3", Clock())
        with db.begin() as conn:  # as an SOP without a review left them before the rule
            conn.execute(text("UPDATE measurements SET state = 'submitted'"))
        downgrade(fresh_db_url, "0005")
        assert _states(db) == {"submitted"}
        upgrade(fresh_db_url)
        assert _states(db) == {"approved"}
        with db.begin() as conn:
            conn.execute(text("UPDATE measurements SET state = 'verified'"))
        downgrade(fresh_db_url, "0005")
        assert _states(db) == {"submitted"}
    finally:
        db.dispose()
