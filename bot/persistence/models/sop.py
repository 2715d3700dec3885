"""SOP definition versions and the runs (one per SOP x organisation x period) made from them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.persistence.models.base import Base, utc_now
from bot.persistence.models.enums import RunState, enum_column
from bot.persistence.models.org import Organisation, Unit

if TYPE_CHECKING:
    from bot.domain.sop import SopDefinition


class SopDefinitionVersion(Base):
    """The exact definition a run started with, kept even after the YAML changes."""

    __tablename__ = "sop_definition_versions"
    __table_args__ = (UniqueConstraint("sop_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sop_id: Mapped[str] = mapped_column(String(80), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    """sha256 of ``canonical_json``."""
    canonical_json: Mapped[str] = mapped_column(Text())
    """``SopDefinition.model_dump_json()``: the form the hash is taken of."""
    source_text: Mapped[str | None] = mapped_column(Text())
    """The YAML as written, when known (for people; the engine reads the JSON)."""
    loaded_at: Mapped[datetime] = mapped_column(default=utc_now)

    def definition(self) -> SopDefinition:
        from bot.domain.sop import SopDefinition

        return SopDefinition.model_validate_json(self.canonical_json)


_OPEN = text("state = 'open'")
_OPEN_WITHOUT_ROOT = text("state = 'open' AND root_unit_id IS NULL")


class Run(Base):
    """One execution of an SOP for a period; its state and current step live here.

    Two partial unique indexes keep a second run of the same SOP, organisation,
    root unit and period from starting while the first is open (NULL root units
    need their own index, since NULLs never collide in a unique index).
    """

    __tablename__ = "runs"
    __table_args__ = (
        Index(
            "uq_runs_open_per_root",
            "sop_id",
            "organisation_id",
            "root_unit_id",
            "period",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        Index(
            "uq_runs_open_without_root",
            "sop_id",
            "organisation_id",
            "period",
            unique=True,
            sqlite_where=_OPEN_WITHOUT_ROOT,
            postgresql_where=_OPEN_WITHOUT_ROOT,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_version_id: Mapped[int] = mapped_column(ForeignKey("sop_definition_versions.id"))
    sop_id: Mapped[str] = mapped_column(String(80))
    """Copied from the definition version so the open-run index can use it."""
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    root_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    period: Mapped[str] = mapped_column(String(16))
    state: Mapped[RunState] = mapped_column(enum_column(RunState), default=RunState.OPEN)
    current_step: Mapped[int | None] = mapped_column(Integer())
    participant_unit_ids: Mapped[list[Any] | None] = mapped_column(JSON())
    """Units the run fans out to (chosen at start); ``None`` before fan-out."""
    cancel_reason: Mapped[str | None] = mapped_column(Text())
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]

    definition_version: Mapped[SopDefinitionVersion] = relationship()
    organisation: Mapped[Organisation] = relationship()
    root_unit: Mapped[Unit | None] = relationship()
    branches: Mapped[list[RunBranch]] = relationship(back_populates="run", order_by="RunBranch.id")


class RunBranch(Base):
    """The part of a fanned-out run that belongs to one unit."""

    __tablename__ = "run_branches"
    __table_args__ = (UniqueConstraint("run_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    state: Mapped[RunState] = mapped_column(enum_column(RunState), default=RunState.OPEN)
    current_step: Mapped[int | None] = mapped_column(Integer())

    run: Mapped[Run] = relationship(back_populates="branches")
    unit: Mapped[Unit] = relationship()
