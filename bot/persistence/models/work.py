"""The work people do inside a run: tasks, indicator measurements and decisions.

Tasks and measurements carry a ``version`` column used by SQLAlchemy's
``version_id_col``: an UPDATE only applies to the version it read, so two
simultaneous updates cannot both win (the loser gets ``ConcurrentUpdateError``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.persistence.models.base import Base, utc_now
from bot.persistence.models.enums import (
    DecisionOutcome,
    MeasurementState,
    TaskState,
    enum_column,
)
from bot.persistence.models.indicators import Indicator
from bot.persistence.models.org import Person, Unit
from bot.persistence.models.sop import Run, RunBranch


class Task(Base):
    """One step for one role in one unit; ``assignee`` None means any holder of the role."""

    __tablename__ = "tasks"
    __table_args__ = (Index(None, "state", "due_at"), Index(None, "run_id", "step_no"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("run_branches.id", ondelete="CASCADE"), index=True
    )
    step_no: Mapped[int] = mapped_column(Integer())
    role_key: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    state: Mapped[TaskState] = mapped_column(enum_column(TaskState), default=TaskState.OPEN)
    round: Mapped[int] = mapped_column(Integer(), default=1)
    """1 for the first attempt; +1 each time a return sends the step back."""
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)
    version: Mapped[int] = mapped_column(Integer(), nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    run: Mapped[Run] = relationship()
    branch: Mapped[RunBranch | None] = relationship()
    unit: Mapped[Unit] = relationship()
    assignee: Mapped[Person | None] = relationship()


_CURRENT = text("is_current")


class Measurement(Base):
    """One revision of an indicator's realisation for a period.

    A correction never overwrites: it adds revision n+1 and clears the previous
    row's ``is_current``. A partial unique index allows one current row per
    indicator and period; ``(indicator, period, revision)`` is unique as well.
    """

    __tablename__ = "measurements"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period", "revision"),
        Index(
            "uq_measurements_current",
            "indicator_id",
            "period",
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer(), default=1)
    is_current: Mapped[bool] = mapped_column(Boolean(), default=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    value: Mapped[Decimal | None]
    no_data: Mapped[bool] = mapped_column(Boolean(), default=False)
    no_data_reason: Mapped[str | None] = mapped_column(Text())
    """Why there is no figure, e.g. "belum ada data"."""
    kendala: Mapped[str | None] = mapped_column(Text())
    tindak_lanjut: Mapped[str | None] = mapped_column(Text())
    evidence: Mapped[list[Any]] = mapped_column(JSON(), default=list)
    """Telegram file ids (``[{"file_id": ..., "name": ...}]``)."""
    state: Mapped[MeasurementState] = mapped_column(
        enum_column(MeasurementState), default=MeasurementState.DRAFT
    )
    verified_role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The role key whose YES verified the figure (state ``verified``; issue 14)."""
    flags: Mapped[list[Any]] = mapped_column(JSON(), default=list)
    """What reports must say of the figure: ``"late"`` (entered after the edit window),
    plausibility concerns the person confirmed (``"jump"``, ``"over_100"``, ``"decrease"``,
    ``"target"``)."""
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utc_now)
    version: Mapped[int] = mapped_column(Integer(), nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    indicator: Mapped[Indicator] = relationship()
    entered_by: Mapped[Person | None] = relationship()


class Decision(Base):
    """A reviewer's YA/TIDAK on a task; a return names its reason and what to fix."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome))
    reason: Mapped[str | None] = mapped_column(Text())
    indicators_to_correct: Mapped[list[Any]] = mapped_column(JSON(), default=list)
    """Indicator ids the reviewer wants corrected (empty: the whole report)."""
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utc_now)

    task: Mapped[Task] = relationship()
    decided_by: Mapped[Person | None] = relationship()


class TaskEvidence(Base):
    """A photo or document sent once for a whole input task (issue 16), not per indicator.

    Kept by run and unit, so a task returned for correction (a new task, round 2)
    still sees the files sent before; the same file sent twice is kept once.
    Evidence stored on measurements before issue 16 stays there.
    """

    __tablename__ = "task_evidence"
    __table_args__ = (
        UniqueConstraint("run_id", "unit_id", "file_unique_id"),
        Index(None, "run_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(16))
    """``photo`` or ``document``."""
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
