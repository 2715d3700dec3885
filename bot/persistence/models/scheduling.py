"""What the scheduler needs: which SOPs each organisation runs, and APScheduler's job table.

The job table is APScheduler's own layout (``SQLAlchemyJobStore``); it is
declared here so that Alembic creates it like every other table and the
job store finds it already there.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, LargeBinary, String, Table, Unicode

from bot.persistence.models.base import Base

organisation_sops = Table(
    "organisation_sops",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("sop_id", String(80), primary_key=True),
)
"""The SOPs an organisation runs: their triggers start runs for it."""

apscheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
"""APScheduler 3's job table (``SQLAlchemyJobStore``), created by migration 0003."""
