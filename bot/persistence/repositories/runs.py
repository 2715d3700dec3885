"""SOP definition versions, runs and run branches."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.persistence.errors import RunAlreadyOpenError
from bot.persistence.models import Run, RunBranch, RunState, SopDefinitionVersion, utc_now
from bot.persistence.repositories.base import SqlRepository

if TYPE_CHECKING:
    from bot.domain.sop import SopDefinition


def definition_hash(canonical_json: str) -> str:
    return hashlib.sha256(canonical_json.encode("utf-8")).hexdigest()


class RunRepository(SqlRepository):
    # --- definition versions --------------------------------------------------------
    def definition_version(self, sop_id: str, content_hash: str) -> SopDefinitionVersion | None:
        return self.session.scalar(
            select(SopDefinitionVersion).where(
                SopDefinitionVersion.sop_id == sop_id,
                SopDefinitionVersion.content_hash == content_hash,
            )
        )

    def definition_text(self, version_id: int) -> str:
        """A version's stored definition (the canonical JSON), without loading the row."""
        text = self.session.scalar(
            select(SopDefinitionVersion.canonical_json).where(SopDefinitionVersion.id == version_id)
        )
        if text is None:
            raise LookupError(f"versi definisi {version_id} tidak ada")
        return text

    def latest_definition_version(self, sop_id: str) -> SopDefinitionVersion | None:
        return self.session.scalar(
            select(SopDefinitionVersion)
            .where(SopDefinitionVersion.sop_id == sop_id)
            .order_by(SopDefinitionVersion.loaded_at.desc(), SopDefinitionVersion.id.desc())
            .limit(1)
        )

    def ensure_definition_version(
        self,
        definition: SopDefinition,
        *,
        source_text: str | None = None,
        now: datetime | None = None,
    ) -> SopDefinitionVersion:
        """The stored version with exactly this content, stored now if it is new.

        A run points at the version it started with, so later edits of the YAML
        never change a running procedure.
        """
        canonical = definition.model_dump_json()
        digest = definition_hash(canonical)
        existing = self.definition_version(definition.id, digest)
        if existing is not None:
            return existing
        version = SopDefinitionVersion(
            sop_id=definition.id,
            content_hash=digest,
            canonical_json=canonical,
            source_text=source_text,
            loaded_at=now or utc_now(),
        )
        self.session.add(version)
        self.session.flush()
        return version

    # --- runs ---------------------------------------------------------------------
    def run(self, run_id: int) -> Run | None:
        return self.session.get(Run, run_id)

    def open_run(
        self, sop_id: str, organisation_id: int, period: str, root_unit_id: int | None = None
    ) -> Run | None:
        query = select(Run).where(
            Run.sop_id == sop_id,
            Run.organisation_id == organisation_id,
            Run.period == period,
            Run.state == RunState.OPEN,
        )
        if root_unit_id is None:
            query = query.where(Run.root_unit_id.is_(None))
        else:
            query = query.where(Run.root_unit_id == root_unit_id)
        return self.session.scalar(query)

    def open_runs(self, organisation_id: int | None = None) -> Sequence[Run]:
        query = select(Run).where(Run.state == RunState.OPEN)
        if organisation_id is not None:
            query = query.where(Run.organisation_id == organisation_id)
        return self.session.scalars(query.order_by(Run.started_at, Run.id)).all()

    def runs_for_period(self, organisation_id: int, period: str) -> Sequence[Run]:
        return self.session.scalars(
            select(Run)
            .where(Run.organisation_id == organisation_id, Run.period == period)
            .order_by(Run.id)
        ).all()

    def runs_of_sop(
        self, organisation_id: int, sop_id: str, periods: Iterable[str]
    ) -> Sequence[Run]:
        """Every run (any state) of one SOP in the given periods: what a monev looks at."""
        wanted = list(periods)
        if not wanted:
            return []
        return self.session.scalars(
            select(Run)
            .where(
                Run.organisation_id == organisation_id,
                Run.sop_id == sop_id,
                Run.period.in_(wanted),
            )
            .order_by(Run.period, Run.started_at, Run.id)
        ).all()

    def recent_runs(self, organisation_id: int, limit: int = 10) -> Sequence[Run]:
        """issue 19: the organisation's newest runs (any state), newest first."""
        return self.session.scalars(
            select(Run)
            .where(Run.organisation_id == organisation_id)
            .order_by(Run.started_at.desc(), Run.id.desc())
            .limit(limit)
        ).all()

    def sop_ids_with_runs(self, organisation_id: int) -> list[str]:
        """The SOPs this organisation has ever run, even ones no longer in the catalog."""
        return list(
            self.session.scalars(
                select(Run.sop_id)
                .where(Run.organisation_id == organisation_id)
                .distinct()
                .order_by(Run.sop_id)
            ).all()
        )

    def start_run(
        self,
        version: SopDefinitionVersion,
        organisation_id: int,
        period: str,
        *,
        root_unit_id: int | None = None,
        current_step: int | None = None,
        now: datetime | None = None,
    ) -> Run:
        """Insert an open run; a second open run with the same key raises RunAlreadyOpenError."""
        run = Run(
            definition_version=version,
            sop_id=version.sop_id,
            organisation_id=organisation_id,
            root_unit_id=root_unit_id,
            period=period,
            state=RunState.OPEN,
            current_step=current_step,
            started_at=now or utc_now(),
        )
        try:
            with self.session.begin_nested():
                self.session.add(run)
                self.session.flush()
        except IntegrityError as exc:
            raise RunAlreadyOpenError(
                f"SOP {version.sop_id} untuk periode {period} sudah berjalan."
            ) from exc
        return run

    # --- branches -----------------------------------------------------------------
    def branches(self, run_id: int) -> Sequence[RunBranch]:
        return self.session.scalars(
            select(RunBranch).where(RunBranch.run_id == run_id).order_by(RunBranch.id)
        ).all()

    def branch(self, run_id: int, unit_id: int) -> RunBranch | None:
        return self.session.scalar(
            select(RunBranch).where(RunBranch.run_id == run_id, RunBranch.unit_id == unit_id)
        )
