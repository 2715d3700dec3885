"""Tasks, measurements (with their revisions) and decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from types import EllipsisType
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from bot.persistence.errors import ConcurrentUpdateError
from bot.persistence.models import (
    Decision,
    Measurement,
    MeasurementState,
    RoleAssignment,
    Run,
    SopDefinitionVersion,
    Task,
    TaskEvidence,
    TaskState,
    utc_now,
)
from bot.persistence.records import Record, Shape, labelled
from bot.persistence.repositories.base import SqlRepository

# What every guided-input update reads, built once: building a statement costs more than
# running it on SQLite (SQLAlchemy keeps a built statement's cache key; issue 15).
_RUN = joinedload(Task.run)
_TASK_WITH_RUN = (
    select(Task)
    .where(Task.id == bindparam("task_id"))
    .options(
        # The branch too: finishing a unit's task moves its branch on (one query, not two).
        joinedload(Task.branch),
        _RUN.joinedload(Run.organisation),
        _RUN.joinedload(Run.definition_version).load_only(
            SopDefinitionVersion.id, SopDefinitionVersion.sop_id, SopDefinitionVersion.content_hash
        ),
    )
)
_TASK_RECORD = (
    select(
        *labelled(Task, "t_"),
        *labelled(Run, "r_"),
        *labelled(SopDefinitionVersion, "v_", "id", "sop_id", "content_hash"),
    )
    .join_from(Task, Run, Task.run_id == Run.id)
    .join(SopDefinitionVersion, Run.definition_version_id == SopDefinitionVersion.id)
    .where(Task.id == bindparam("task_id"))
)
"""``_TASK_WITH_RUN`` as one flat row of plain values, but for the organisation (reference
data, kept by the process: ``OrgRepository.organisation_record``)."""
_TASK_RECORD_SHAPE = Shape(_TASK_RECORD, "t_", "r_", "v_")
_TASKS_OF_STEP = (
    select(Task)
    .where(
        Task.run_id == bindparam("run_id"),
        Task.step_no == bindparam("step_no"),
        Task.branch_id.is_not_distinct_from(bindparam("branch_id")),
    )
    .order_by(Task.id)
)
_CURRENT = Measurement.is_current.is_(True)
_CURRENT_ONE = select(Measurement).where(
    Measurement.indicator_id == bindparam("indicator_id"),
    Measurement.period == bindparam("period"),
    _CURRENT,
)
_FIGURES = Measurement.__table__
_CURRENT_IN_WHERE = (
    _FIGURES.c.indicator_id.in_(bindparam("ids", expanding=True)),
    _FIGURES.c.period.in_(bindparam("periods", expanding=True)),
    _FIGURES.c.is_current.is_(True),
)
_CURRENT_IN_ORDER = (_FIGURES.c.indicator_id, _FIGURES.c.period)
_CURRENT_IN = select(Measurement).where(*_CURRENT_IN_WHERE).order_by(*_CURRENT_IN_ORDER)
_FIGURES_IN = select(_FIGURES).where(*_CURRENT_IN_WHERE).order_by(*_CURRENT_IN_ORDER)
"""``_CURRENT_IN`` as plain rows: what an input card reads on every press, only to show."""
_LATEST_REVISION = select(func.coalesce(func.max(Measurement.revision), 0)).where(
    Measurement.indicator_id == bindparam("indicator_id"),
    Measurement.period == bindparam("period"),
)
_EVIDENCE = TaskEvidence.__table__
_EVIDENCE_OF_UNIT = (
    _EVIDENCE.c.run_id == bindparam("run_id"),
    _EVIDENCE.c.unit_id == bindparam("unit_id"),
)
_TASK_EVIDENCE = select(TaskEvidence).where(*_EVIDENCE_OF_UNIT).order_by(_EVIDENCE.c.id)
_EVIDENCE_SHOWN = (
    select(_EVIDENCE.c.kind, _EVIDENCE.c.file_id, _EVIDENCE.c.file_name)
    .where(*_EVIDENCE_OF_UNIT)
    .order_by(_EVIDENCE.c.id)
)
"""``_TASK_EVIDENCE`` as plain rows of what a card shows."""


class WorkRepository(SqlRepository):
    # --- evidence kept once per task (issue 16) -------------------------------------
    def task_evidence(self, run_id: int, unit_id: int) -> Sequence[TaskEvidence]:
        """The files sent for a unit's input in a run (every round), oldest first."""
        return self.session.scalars(_TASK_EVIDENCE, {"run_id": run_id, "unit_id": unit_id}).all()

    def evidence_shown(self, run_id: int, unit_id: int) -> Sequence[Row[Any]]:
        """``task_evidence`` as plain rows of what a card shows (kind, file id and name)."""
        connection = self.session.connection()
        return connection.execute(_EVIDENCE_SHOWN, {"run_id": run_id, "unit_id": unit_id}).all()

    def add_task_evidence(
        self, task: Task, item: dict[str, Any], person_id: int | None, now: datetime
    ) -> bool:
        """Keep one file for the task's unit and run; False when that file is kept already."""
        unique = item.get("file_unique_id") or item["file_id"]
        for kept in self.task_evidence(task.run_id, task.unit_id):
            if (kept.file_unique_id or kept.file_id) == unique:
                return False
        self.session.add(
            TaskEvidence(
                task_id=task.id,
                run_id=task.run_id,
                unit_id=task.unit_id,
                kind=str(item.get("kind", "document"))[:16],
                file_id=str(item["file_id"])[:255],
                file_unique_id=unique[:255],
                file_name=(item.get("file_name") or None) and str(item["file_name"])[:255],
                added_by_id=person_id,
                created_at=now,
            )
        )
        self.session.flush()
        return True

    # --- tasks --------------------------------------------------------------------
    def task(self, task_id: int) -> Task | None:
        return self.session.get(Task, task_id)

    def task_with_run(self, task_id: int) -> Task | None:
        """The task with its branch, its run, the run's organisation and its definition
        version's id and hash (not its text: the parsed definition is kept by hash), in one
        query (what every engine check reads first)."""
        return self.session.scalars(_TASK_WITH_RUN, {"task_id": task_id}).unique().first()

    def task_record(self, task_id: int) -> Record | None:
        """``task_with_run`` as plain records (``run`` and ``run.definition_version`` set as
        there; the caller sets ``run.organisation``), for the checks and cards that change
        nothing: no ORM objects to build on every update (issue 15)."""
        self.session.flush()  # what the ORM query would autoflush: the row as changed so far
        row = self.session.connection().execute(_TASK_RECORD, {"task_id": task_id}).first()
        if row is None:
            return None
        parts = _TASK_RECORD_SHAPE.split(row)
        task, run = parts["t_"], parts["r_"]
        run.definition_version = parts["v_"]
        task.run = run
        return task

    def tasks_of_run(self, run_id: int, *, state: TaskState | None = None) -> Sequence[Task]:
        query = select(Task).where(Task.run_id == run_id)
        if state is not None:
            query = query.where(Task.state == state)
        return self.session.scalars(query.order_by(Task.step_no, Task.id)).all()

    def tasks_of_step(
        self, run_id: int, step_no: int, branch_id: int | None, *, state: TaskState | None = None
    ) -> list[Task]:
        """One step's tasks in one branch (None: the run's own), oldest first: what a move
        reads, however many units the run has."""
        found = self.session.scalars(
            _TASKS_OF_STEP, {"run_id": run_id, "step_no": step_no, "branch_id": branch_id}
        ).all()
        return [t for t in found if state is None or t.state is state]

    def open_tasks_for_person(
        self, person_id: int, assignments: Iterable[RoleAssignment]
    ) -> Sequence[Task]:
        """Open tasks assigned to the person, or to any holder of one of their roles."""
        conditions = [Task.assignee_id == person_id]
        for a in assignments:
            conditions.append(
                (Task.assignee_id.is_(None))
                & (Task.role_key == a.role_key)
                & (Task.unit_id == a.unit_id)
            )
        return self.session.scalars(
            select(Task)
            .where(Task.state == TaskState.OPEN, or_(*conditions))
            .order_by(Task.due_at, Task.id)
        ).all()

    def tasks_due_before(
        self,
        moment: datetime,
        states: Iterable[TaskState] = (TaskState.OPEN,),
        *,
        organisation_id: int | None = None,
    ) -> Sequence[Task]:
        """Tasks in one of ``states`` whose deadline is before ``moment`` (overdue checks),
        only ``organisation_id``'s when given."""
        query = select(Task).where(
            Task.state.in_(list(states)), Task.due_at.is_not(None), Task.due_at < moment
        )
        if organisation_id is not None:
            query = query.join(Run, Task.run_id == Run.id).where(
                Run.organisation_id == organisation_id
            )
        return self.session.scalars(query.order_by(Task.due_at, Task.id)).all()

    def organisations_with_tasks_due(
        self, moment: datetime, states: Iterable[TaskState] = (TaskState.OPEN,)
    ) -> list[int]:
        """The organisations that have a task ``tasks_due_before`` would give."""
        rows = self.session.execute(
            select(Run.organisation_id)
            .join(Task, Task.run_id == Run.id)
            .where(Task.state.in_(list(states)), Task.due_at.is_not(None), Task.due_at < moment)
            .distinct()
            .order_by(Run.organisation_id)
        )
        return [row[0] for row in rows]

    def tasks_in_organisation(
        self, organisation_id: int, state: TaskState | None = None
    ) -> Sequence[Task]:
        query = select(Task).join(Run, Task.run_id == Run.id)
        query = query.where(Run.organisation_id == organisation_id)
        if state is not None:
            query = query.where(Task.state == state)
        return self.session.scalars(query.order_by(Task.due_at, Task.id)).all()

    # --- measurements -------------------------------------------------------------
    def current_measurement(self, indicator_id: int, period: str) -> Measurement | None:
        """The latest revision (the row with ``is_current``)."""
        return self.session.scalar(_CURRENT_ONE, {"indicator_id": indicator_id, "period": period})

    def current_measurements(
        self, indicator_ids: Iterable[int], period: str
    ) -> Sequence[Measurement]:
        return self.current_measurements_in(indicator_ids, [period])

    def current_measurements_in(
        self, indicator_ids: Iterable[int], periods: Iterable[str]
    ) -> Sequence[Measurement]:
        """Current revisions of many indicators over many periods in one query (reports)."""
        ids, wanted = list(indicator_ids), list(periods)
        if not ids or not wanted:
            return []
        return self.session.scalars(_CURRENT_IN, {"ids": ids, "periods": wanted}).all()

    def current_figures_in(
        self, indicator_ids: Iterable[int], periods: Iterable[str]
    ) -> Sequence[Row[Any]]:
        """``current_measurements_in`` as plain rows (the columns by the same names), for
        reading only: no ORM objects to build for a card shown on every press (issue 15)."""
        ids, wanted = list(indicator_ids), list(periods)
        if not ids or not wanted:
            return []
        connection = self.session.connection()
        return connection.execute(_FIGURES_IN, {"ids": ids, "periods": wanted}).all()

    def measurement_history(self, indicator_id: int, period: str) -> Sequence[Measurement]:
        """Every revision, oldest first: nothing is ever overwritten."""
        return self.session.scalars(
            select(Measurement)
            .where(Measurement.indicator_id == indicator_id, Measurement.period == period)
            .order_by(Measurement.revision)
        ).all()

    def latest_revision_number(self, indicator_id: int, period: str) -> int:
        return (
            self.session.scalar(_LATEST_REVISION, {"indicator_id": indicator_id, "period": period})
            or 0
        )

    def record_measurement(
        self,
        indicator_id: int,
        period: str,
        *,
        value: Decimal | None,
        entered_by_id: int | None,
        no_data: bool = False,
        no_data_reason: str | None = None,
        kendala: str | None = None,
        tindak_lanjut: str | None = None,
        evidence: list[Any] | None = None,
        state: MeasurementState = MeasurementState.DRAFT,
        run_id: int | None = None,
        task_id: int | None = None,
        now: datetime | None = None,
        previous: Measurement | EllipsisType | None = ...,
    ) -> Measurement:
        """Add a new revision and make it current; the previous one stays as it was.

        ``previous``: the current revision when the caller has just read it (not read
        again). Two people correcting the same figure at once: the second one's flush hits
        the version check (or the unique revision key) and gets ConcurrentUpdateError.
        """
        if previous is ...:
            previous = self.current_measurement(indicator_id, period)
        # The current revision is the latest (each new one becomes current); with none yet,
        # the latest is asked. A racing writer's same number hits the unique revision key.
        if previous is not None:
            revision = previous.revision + 1
        else:
            revision = self.latest_revision_number(indicator_id, period) + 1
        row = Measurement(
            indicator_id=indicator_id,
            period=period,
            revision=revision,
            is_current=True,
            value=value,
            no_data=no_data,
            no_data_reason=no_data_reason,
            kendala=kendala,
            tindak_lanjut=tindak_lanjut,
            evidence=list(evidence or []),
            state=state,
            entered_by_id=entered_by_id,
            entered_at=now or utc_now(),
            run_id=run_id,
            task_id=task_id,
        )
        try:
            # One flush: the unit of work updates a table's rows before it inserts into it,
            # so the old revision stops being current before the new one is.
            if previous is not None:
                previous.is_current = False
            self.session.add(row)
            self.session.flush()
        except (IntegrityError, StaleDataError) as exc:
            raise ConcurrentUpdateError() from exc
        return row

    # --- decisions ----------------------------------------------------------------
    def decisions_for_task(self, task_id: int) -> Sequence[Decision]:
        return self.session.scalars(
            select(Decision).where(Decision.task_id == task_id).order_by(Decision.decided_at)
        ).all()

    def decisions_of_run(self, run_id: int) -> Sequence[Decision]:
        return self.session.scalars(
            select(Decision)
            .join(Task, Decision.task_id == Task.id)
            .where(Task.run_id == run_id)
            .order_by(Decision.decided_at, Decision.id)
        ).all()
