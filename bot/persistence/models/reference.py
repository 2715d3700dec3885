"""One counter that says when the reference data last changed (migration 0014).

Units, people, role assignments, indicators and targets change at imports and
in the admin's menu, a few times a quarter; every update reads them. The
counter lets each process keep them between updates (``bot.persistence.reference``)
and still see another process's import at its next transaction.
"""

from __future__ import annotations

from sqlalchemy import DDL, BigInteger, Column, Integer, Table, event

from bot.persistence.models.base import Base

reference_version = Table(
    "reference_version",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
)
"""One row (id 1); its ``version`` goes up with every flush that touches reference data."""

# ``metadata.create_all`` (in-memory databases) gets the row the migration inserts.
event.listen(
    reference_version,
    "after_create",
    DDL("INSERT INTO reference_version (id, version) VALUES (1, 0)"),
)
