"""The engine's public API: start, list, fill in, complete, decide, cancel, watch deadlines.

Each call opens one unit of work, checks who is asking, changes rows, writes
its events to the outbox and commits; any refusal leaves nothing changed.
Time is always passed in (``now``, timezone-aware).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.definitions import Catalog
from bot.domain.periods import Period, PeriodError
from bot.domain.sop import Scope, SopDefinition, StepKind
from bot.domain.workflow import Outcome, Transition, after
from bot.engine.context import RunContext, run_context
from bot.engine.errors import (
    AlreadyProcessed,
    EngineError,
    IncompleteInput,
    InvalidInput,
    NotAuthorized,
    NotFound,
    ReasonRequired,
    RunConflict,
)
from bot.engine.events import EventKind
from bot.engine.inputs import (
    InputLine,
    correctable,
    input_lines,
    participating_units,
    set_state,
    task_indicators,
)
from bot.engine.progress import (
    ACTIVITY_FAN_OUT,
    Progress,
    task_activity,
    task_kind,
    task_uraian,
)
from bot.engine.roles import UnitTree
from bot.persistence.errors import ConcurrentUpdateError, RunAlreadyOpenError
from bot.persistence.models import Decision, Organisation, Task
from bot.persistence.models.enums import DecisionOutcome, MeasurementState, RunState, TaskState
from bot.persistence.uow import SqlAlchemyUnitOfWork

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
MAX_REASON = 1000


@dataclass(frozen=True)
class TaskView:
    task_id: int
    run_id: int
    sop_id: str
    sop_name: str
    period: str
    step_no: int
    uraian: str
    kind: StepKind
    role_name: str
    unit_name: str
    due_at: datetime | None
    round: int
    reason: str | None


class Engine:
    """Runs SOP definitions for organisations; one instance per process."""

    def __init__(self, uow_factory: UowFactory, catalog: Catalog) -> None:
        self._uow_factory = uow_factory
        self._catalog = catalog

    # --- runs -------------------------------------------------------------------
    def start_run(
        self,
        sop_id: str,
        organisation: str,
        period: str,
        *,
        now: datetime,
        unit: str | None = None,
        units: Sequence[str] | None = None,
        actor_id: int | None = None,
    ) -> int:
        """Start a run of ``sop_id`` for ``organisation`` (slug) and ``period``; returns its id.

        ``unit`` limits the run to one division; ``units`` names the participating
        units (default: every unit with indicators for the year). ``actor_id`` None
        is the system (CLI, scheduler); a person must hold the first step's role.
        """
        try:
            parsed = Period.parse(period)
        except PeriodError as exc:
            raise InvalidInput(str(exc)) from exc
        try:
            loaded = self._catalog.get(sop_id)
        except KeyError as exc:
            raise NotFound(str(exc)) from exc
        definition = loaded.definition
        with self._writing() as uow:
            org = uow.orgs.organisation(organisation)
            if org is None:
                raise NotFound(f"Organisasi {organisation!r} tidak ditemukan.")
            tree = UnitTree.of(uow.orgs.units(org.id))
            if not tree.units:
                raise InvalidInput(f"Organisasi {org.name} belum punya unit kerja.")
            root_id = None
            if unit is not None:
                root = uow.orgs.unit(org.id, unit)
                if root is None:
                    raise NotFound(f"Unit {unit!r} tidak ada di {org.name}.")
                root_id = root.id
            home = root_id if root_id is not None else tree.roots()[0].id
            scope_ids = tree.subtree(home) if root_id is not None else list(tree.units)
            chosen = self._participants(uow, org.id, tree, scope_ids, units, parsed.year)
            if _needs_units(definition) and not chosen:
                raise InvalidInput(
                    f"Tidak ada unit yang ikut: belum ada indikator dengan target {parsed.year}. "
                    "Impor target dulu (sopbot targets import) atau sebut unitnya."
                )
            version = uow.runs.ensure_definition_version(
                definition, source_text=loaded.source_text, now=now
            )
            try:
                run = uow.runs.start_run(
                    version, org.id, str(parsed), root_unit_id=root_id, now=now
                )
            except RunAlreadyOpenError as exc:
                raise RunConflict(
                    f"{definition.name} untuk {parsed.label} sudah berjalan di {org.name}."
                ) from exc
            run.participant_unit_ids = chosen
            uow.runs.flush()
            ctx = run_context(uow, run)
            progress = Progress(uow, ctx, now, actor_id)
            if actor_id is not None:
                first = definition.start_step
                if actor_id not in progress.holders(
                    first.pelaksana, ctx.home_unit_id
                ) and not _is_admin(org, actor_id):
                    raise NotAuthorized(
                        f"Hanya {definition.role(first.pelaksana).name} yang dapat memulai SOP ini."
                    )
            uow.audit.record(
                "run_started",
                "run",
                run.id,
                actor_id=actor_id,
                after={"sop_id": definition.id, "period": str(parsed), "units": chosen},
                at=now,
            )
            progress.emit(EventKind.RUN_STARTED, units=chosen)
            progress.start()
            uow.commit()
            return run.id

    @staticmethod
    def _participants(
        uow: SqlAlchemyUnitOfWork,
        org_id: int,
        tree: UnitTree,
        scope_ids: list[int],
        codes: Sequence[str] | None,
        year: int,
    ) -> list[int]:
        if not codes:
            return participating_units(uow, scope_ids, year)
        chosen = []
        for code in codes:
            found = uow.orgs.unit(org_id, code)
            if found is None or found.id not in scope_ids:
                raise NotFound(f"Unit {code!r} tidak ada dalam lingkup run ini.")
            chosen.append(found.id)
        return chosen

    def cancel_run(self, run_id: int, *, reason: str, now: datetime, actor_id: int | None) -> None:
        reason = _reason(reason, "Pembatalan")
        with self._writing() as uow:
            run = uow.runs.run(run_id)
            if run is None:
                raise NotFound(f"Run {run_id} tidak ditemukan.")
            if run.state is not RunState.OPEN:
                raise AlreadyProcessed("Run ini sudah selesai atau dibatalkan.")
            if actor_id is not None and not _is_admin(run.organisation, actor_id):
                raise NotAuthorized("Hanya admin organisasi yang dapat membatalkan run.")
            ctx = run_context(uow, run)
            progress = Progress(uow, ctx, now, actor_id)
            recipients: set[int] = set()
            for task in uow.work.tasks_of_run(run.id):
                if task.state in (TaskState.OPEN, TaskState.WAITING):
                    recipients.update(progress.holders(task.role_key, task.unit_id))
                    task.state = TaskState.CANCELLED
                    task.finished_at = now
            run.state = RunState.CANCELLED
            run.cancel_reason = reason
            run.finished_at = now
            uow.audit.record(
                "run_cancelled", "run", run.id, actor_id=actor_id, after={"reason": reason}, at=now
            )
            progress.emit(EventKind.RUN_CANCELLED, reason=reason, recipients=sorted(recipients))
            uow.commit()

    # --- tasks ------------------------------------------------------------------
    def open_tasks(self, person_id: int, *, now: datetime) -> list[TaskView]:
        """The person's open tasks, soonest due first (what /tugas shows)."""
        with self._uow_factory() as uow:
            person = uow.orgs.person_by_id(person_id)
            if person is None or not person.active:
                return []
            roles = {a.role_key for a in uow.orgs.assignments_of(person_id)}
            views = []
            contexts: dict[int, tuple[RunContext, Progress]] = {}
            for task in uow.work.tasks_in_organisation(person.organisation_id, TaskState.OPEN):
                if task.role_key not in roles:
                    continue
                if task.run_id not in contexts:
                    ctx = run_context(uow, task.run)
                    contexts[task.run_id] = (ctx, Progress(uow, ctx, now, person_id))
                ctx, progress = contexts[task.run_id]
                if person_id in progress.holders(task.role_key, task.unit_id):
                    views.append(_view(task, ctx))
            return sorted(views, key=lambda v: (v.due_at is None, v.due_at, v.task_id))

    def task(self, task_id: int, person_id: int, *, now: datetime) -> TaskView:
        with self._uow_factory() as uow:
            task, ctx, _ = self._authorised(uow, task_id, person_id, now, open_only=False)
            return _view(task, ctx)

    def input_sheet(self, task_id: int, person_id: int, *, now: datetime) -> list[InputLine]:
        """Every indicator of the task with its target, earlier quarters and current value."""
        with self._uow_factory() as uow:
            task, ctx, _ = self._authorised(uow, task_id, person_id, now, open_only=False)
            editable = task.state is TaskState.OPEN and _takes_input(task, ctx)
            return input_lines(uow, ctx, task, editable=editable)

    def save_value(
        self,
        task_id: int,
        person_id: int,
        indicator_id: int,
        *,
        now: datetime,
        value: Decimal | None = None,
        no_data_reason: str | None = None,
        kendala: str | None = None,
        tindak_lanjut: str | None = None,
        evidence: Sequence[dict] | None = None,
    ) -> None:
        """Save a draft value (or "belum ada data" with a reason) as a new revision."""
        if value is None and not (no_data_reason or "").strip():
            raise InvalidInput("Isi nilai realisasi, atau alasan mengapa belum ada data.")
        with self._writing() as uow:
            task, ctx, _ = self._authorised(uow, task_id, person_id, now)
            if not _takes_input(task, ctx):
                raise InvalidInput("Langkah ini tidak meminta pengisian data indikator.")
            allowed = {i.id for i in task_indicators(uow, ctx, task)}
            only = correctable(task)
            if indicator_id not in allowed or (only is not None and indicator_id not in only):
                raise NotAuthorized(
                    "Indikator ini tidak termasuk yang dapat Anda ubah di tugas ini."
                )
            previous = uow.work.current_measurement(indicator_id, str(ctx.period))
            keep = previous.evidence if previous and evidence is None else list(evidence or [])
            uow.work.record_measurement(
                indicator_id,
                str(ctx.period),
                value=value,
                no_data=value is None,
                no_data_reason=no_data_reason.strip() if value is None and no_data_reason else None,
                kendala=kendala
                if kendala is not None
                else (previous.kendala if previous else None),
                tindak_lanjut=tindak_lanjut
                if tindak_lanjut is not None
                else (previous.tindak_lanjut if previous else None),
                evidence=keep,
                state=MeasurementState.DRAFT,
                entered_by_id=person_id,
                run_id=ctx.run.id,
                task_id=task.id,
                now=now,
            )
            uow.commit()

    def complete_task(self, task_id: int, person_id: int | None, *, now: datetime) -> None:
        """Mark a (non-decision) task done; an input task submits its values first.

        ``person_id`` None is the system acting (tests, admin tools).
        """
        with self._writing() as uow:
            task, ctx, progress = self._authorised(uow, task_id, person_id, now)
            step = ctx.definition.step(task.step_no)
            if step.is_decision and task_activity(task) != ACTIVITY_FAN_OUT:
                raise InvalidInput("Langkah ini adalah keputusan: pilih Setujui atau Kembalikan.")
            if _takes_input(task, ctx):
                self._submit_inputs(uow, ctx, task)
            self._finish(uow, ctx, progress, task, Outcome.DONE, person_id, now)
            uow.commit()

    def decide(
        self,
        task_id: int,
        person_id: int | None,
        *,
        approve: bool,
        now: datetime,
        reason: str | None = None,
        correct: Sequence[int] = (),
    ) -> None:
        """YA (approve) or TIDAK (return with a reason, optionally naming indicators to fix)."""
        if not approve:
            reason = _reason(reason, "Pengembalian")
        with self._writing() as uow:
            task, ctx, progress = self._authorised(uow, task_id, person_id, now)
            step = ctx.definition.step(task.step_no)
            if not step.is_decision:
                raise InvalidInput("Langkah ini bukan keputusan.")
            indicators = task_indicators(uow, ctx, task)
            known = {i.id for i in indicators}
            unknown = [i for i in correct if i not in known]
            if unknown:
                raise InvalidInput("Indikator yang diminta diperbaiki tidak termasuk laporan ini.")
            uow.work.add(
                Decision(
                    task_id=task.id,
                    outcome=DecisionOutcome.APPROVE if approve else DecisionOutcome.RETURN,
                    reason=reason,
                    indicators_to_correct=list(correct),
                    decided_by_id=person_id,
                    decided_at=now,
                )
            )
            period = str(ctx.period)
            if approve:
                set_state(uow, indicators, period, MeasurementState.APPROVED)
                outcome = Outcome.APPROVED
            else:
                set_state(
                    uow, indicators, period, MeasurementState.RETURNED, only=set(correct) or None
                )
                outcome = Outcome.RETURNED
            extra = None if approve else {"reason": reason, "correct": list(correct)}
            self._finish(uow, ctx, progress, task, outcome, person_id, now, extra=extra)
            uow.commit()

    # --- deadlines --------------------------------------------------------------
    def check_deadlines(self, *, now: datetime) -> int:
        """Emit each overdue task's and each late join's event once; returns how many."""
        emitted = 0
        with self._writing() as uow:
            for task in uow.work.tasks_due_before(now, (TaskState.OPEN, TaskState.WAITING)):
                if task.payload.get("overdue_reported"):
                    continue
                ctx = run_context(uow, task.run)
                progress = Progress(uow, ctx, now, None)
                payload = progress.task_payload(task)
                recipients = progress.holders(task.role_key, task.unit_id)
                if task.state is TaskState.WAITING:
                    missing = [
                        progress.unit_name(b.unit_id)
                        for b in uow.runs.branches(task.run_id)
                        if b.state is RunState.OPEN
                    ]
                    progress.emit(
                        EventKind.JOIN_WAITING,
                        recipients=recipients,
                        missing_units=missing,
                        **payload,
                    )
                else:
                    progress.emit(EventKind.TASK_OVERDUE, recipients=recipients, **payload)
                task.payload = {**task.payload, "overdue_reported": now.isoformat()}
                emitted += 1
            uow.commit()
        return emitted

    # --- internals --------------------------------------------------------------
    def _authorised(
        self,
        uow: SqlAlchemyUnitOfWork,
        task_id: int,
        person_id: int | None,
        now: datetime,
        *,
        open_only: bool = True,
    ) -> tuple[Task, RunContext, Progress]:
        task = uow.work.task(task_id)
        if task is None:
            raise NotFound("Tugas tidak ditemukan.")
        ctx = run_context(uow, task.run)
        progress = Progress(uow, ctx, now, person_id)
        if person_id is not None:
            person = uow.orgs.person_by_id(person_id)
            if person is None or person.organisation_id != task.run.organisation_id:
                raise NotFound("Tugas tidak ditemukan.")
            if person_id not in progress.holders(task.role_key, task.unit_id):
                role = ctx.definition.role(task.role_key).name
                raise NotAuthorized(
                    f"Tugas ini untuk {role} {progress.unit_name(task.unit_id)}; "
                    "Anda tidak memegang peran itu saat ini."
                )
        if open_only and task.state is not TaskState.OPEN:
            raise AlreadyProcessed()
        return task, ctx, progress

    def _submit_inputs(self, uow: SqlAlchemyUnitOfWork, ctx: RunContext, task: Task) -> None:
        lines = input_lines(uow, ctx, task, editable=True)
        missing = [f"{line.code} {line.name}" for line in lines if not line.filled]
        if missing:
            raise IncompleteInput(missing)
        indicators = task_indicators(uow, ctx, task)
        set_state(uow, indicators, str(ctx.period), MeasurementState.SUBMITTED)

    def _finish(
        self,
        uow: SqlAlchemyUnitOfWork,
        ctx: RunContext,
        progress: Progress,
        task: Task,
        outcome: Outcome,
        person_id: int | None,
        now: datetime,
        *,
        extra: dict | None = None,
    ) -> None:
        task.state = TaskState.DONE
        task.finished_at = now
        task.assignee_id = person_id
        uow.work.flush()  # the version check: a second writer stops here
        uow.audit.record(
            f"task_{outcome.value}",
            "task",
            task.id,
            actor_id=person_id,
            before={"state": "open"},
            after={"state": "done", "outcome": outcome.value, **(extra or {})},
            at=now,
        )
        payload = progress.task_payload(task)
        step = ctx.definition.step(task.step_no)
        branch = task.branch
        if task_activity(task) == ACTIVITY_FAN_OUT:
            transition = after(ctx.definition, step, Outcome.DONE, ctx.report_types)
        elif step.fan_out is not None and branch is None:
            transition = None
        else:
            transition = after(ctx.definition, step, outcome, ctx.report_types)
        next_holders = self._next_holders(progress, transition, task)
        kind = {
            Outcome.DONE: EventKind.TASK_DONE,
            Outcome.APPROVED: EventKind.APPROVED,
            Outcome.RETURNED: EventKind.RETURNED,
        }[outcome]
        progress.emit(
            kind,
            recipients=[person_id] if person_id else [],
            done_by=person_id,
            next_step=transition.step.no if transition and transition.step else None,
            next_recipients=next_holders,
            **(extra or {}),
            **payload,
        )
        if transition is None:  # a run-level step that sends work out to every unit
            progress.fan_out_activity(step)
            return
        progress.enter(transition, branch=branch, extra=extra)

    @staticmethod
    def _next_holders(progress: Progress, transition: Transition | None, task: Task) -> list[int]:
        if transition is None or transition.step is None:
            return []
        unit_id = task.unit_id if transition.step.scope is Scope.UNIT else progress.ctx.home_unit_id
        return progress.holders(transition.step.pelaksana, unit_id)

    @contextmanager
    def _writing(self) -> Iterator[SqlAlchemyUnitOfWork]:
        """A unit of work for a change; losing a race to another writer is AlreadyProcessed.

        The loser may find out at any flush (the version check on a task or a
        measurement) or at commit; either way nothing of its change remains.
        """
        try:
            with self._uow_factory() as uow:
                yield uow
        except ConcurrentUpdateError as exc:
            raise AlreadyProcessed(
                "Baru saja diproses oleh orang lain; silakan buka lagi tugasnya."
            ) from exc


def _view(task: Task, ctx: RunContext) -> TaskView:
    return TaskView(
        task_id=task.id,
        run_id=task.run_id,
        sop_id=ctx.definition.id,
        sop_name=ctx.definition.name,
        period=str(ctx.period),
        step_no=task.step_no,
        uraian=task_uraian(task, ctx),
        kind=task_kind(task, ctx),
        role_name=ctx.definition.role(task.role_key).name,
        unit_name=ctx.tree.units[task.unit_id].name,
        due_at=task.due_at,
        round=task.round,
        reason=task.payload.get("reason"),
    )


def _takes_input(task: Task, ctx: RunContext) -> bool:
    return task_kind(task, ctx) is StepKind.INDICATOR_INPUT or bool(task.payload.get("correct"))


def _needs_units(definition: SopDefinition) -> bool:
    return any(step.scope is Scope.UNIT or step.fan_out for step in definition.steps)


def _is_admin(org: Organisation, person_id: int) -> bool:
    return any(person.id == person_id for person in org.admins)


def _reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ReasonRequired(f"{what} wajib disertai alasan.")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"Alasan terlalu panjang (maksimal {MAX_REASON} karakter).")
    return text


__all__ = ["Engine", "EngineError", "TaskView"]
