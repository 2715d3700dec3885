"""The engine's public API: start, list, fill in, complete, decide, cancel, watch deadlines.

Each call opens one unit of work, checks who is asking, changes rows, writes
its events to the outbox and commits; any refusal leaves nothing changed.
Time is always passed in (``now``, timezone-aware). The work itself lives in
``lifecycle``, ``actions`` and ``deadlines``; this class owns the transactions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

from bot.definitions import Catalog
from bot.domain.enums import TaskState
from bot.domain.periods import Period, PeriodError
from bot.domain.triggers import FREQUENCIES
from bot.engine import actions, deadlines, lifecycle, reopen
from bot.engine.access import TaskView, authorised, takes_input, task_view
from bot.engine.capacity import task_capacity
from bot.engine.context import RunContext, run_context
from bot.engine.errors import AlreadyProcessed, InvalidInput, NotFound
from bot.engine.holders import MissingHolder, run_missing_holders
from bot.engine.inputs import InputLine, input_lines
from bot.engine.progress import Progress
from bot.persistence.errors import ConcurrentUpdateError
from bot.persistence.uow import SqlAlchemyUnitOfWork

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


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
        allow_overlap: bool = False,
    ) -> int:
        """Start a run of ``sop_id`` for ``organisation`` (slug) and ``period``; returns its id.

        ``unit`` limits the run to one division; ``units`` names the participating
        units (default: every unit with indicators for the year). ``actor_id`` None
        is the system (CLI, scheduler); a person must hold the first step's role
        or be an admin of the organisation. A run of another SOP collecting the same
        indicators for the organisation and period refuses the start (``OverlappingRun``)
        unless ``allow_overlap`` says the admin wants both.
        """
        try:
            parsed = Period.parse(period)
        except PeriodError as exc:
            raise InvalidInput(str(exc)) from exc
        try:
            loaded = self._catalog.get(sop_id)
        except KeyError as exc:
            raise NotFound(str(exc)) from exc
        _check_frequency(loaded.definition.frequency, parsed)
        with self.writing() as uow:
            run_id = lifecycle.start_run(
                uow,
                loaded,
                organisation,
                parsed,
                now=now,
                unit=unit,
                units=units,
                actor_id=actor_id,
                allow_overlap=allow_overlap,
            )
            uow.commit()
            return run_id

    def missing_holders(self, run_id: int, *, now: datetime) -> list[MissingHolder]:
        """Participating units whose branch has no holder for a role it needs (read only)."""
        with self._uow_factory() as uow:
            run = uow.runs.run(run_id)
            if run is None:
                raise NotFound(f"Pelaksanaan {run_id} tidak ditemukan.")
            ctx = run_context(uow, run)
            return run_missing_holders(uow, ctx, now.astimezone(ctx.calendar.zone).date())

    def cancel_run(self, run_id: int, *, reason: str, now: datetime, actor_id: int | None) -> None:
        with self.writing() as uow:
            lifecycle.cancel_run(uow, run_id, reason=reason, now=now, actor_id=actor_id)
            uow.commit()

    # --- reading tasks ----------------------------------------------------------
    def open_tasks(self, person_id: int, *, now: datetime) -> list[TaskView]:
        """The person's open tasks, soonest due first (what /tugas shows)."""
        with self._uow_factory() as uow:
            return open_tasks_in(uow, person_id, now)

    def task(self, task_id: int, person_id: int, *, now: datetime) -> TaskView:
        with self._uow_factory() as uow:
            task, ctx, progress = authorised(
                uow, task_id, person_id, now, open_only=False, reading=True
            )
            capacity = task_capacity(uow, ctx, task, person_id, progress.today)
            acting = capacity.label if capacity and capacity.is_acting else None
            return task_view(task, ctx, now, acting_as=acting)

    def input_sheet(self, task_id: int, person_id: int, *, now: datetime) -> list[InputLine]:
        """Every indicator of the task with its target, earlier quarters and current value."""
        with self._uow_factory() as uow:
            task, ctx, _ = authorised(uow, task_id, person_id, now, open_only=False, reading=True)
            editable = task.state is TaskState.OPEN and takes_input(task, ctx)
            return input_lines(uow, ctx, task, editable=editable)

    # --- acting on tasks --------------------------------------------------------
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
        confirmed: Iterable[str] = (),
    ) -> None:
        """Save a draft value (or "belum ada data" with a reason) as a new revision.

        A new value with plausibility concerns raises ``NeedsConfirmation`` unless
        ``confirmed`` names their kinds ("jump", "over_100", "decrease").
        """
        with self.writing() as uow:
            actions.save_value(
                uow,
                task_id,
                person_id,
                indicator_id,
                now=now,
                value=value,
                no_data_reason=no_data_reason,
                kendala=kendala,
                tindak_lanjut=tindak_lanjut,
                evidence=evidence,
                confirmed=frozenset(confirmed),
            )
            uow.commit()

    def complete_task(self, task_id: int, person_id: int | None, *, now: datetime) -> None:
        """Mark a (non-decision) task done; ``person_id`` None is the system acting."""
        with self.writing() as uow:
            actions.complete_task(uow, task_id, person_id, now=now)
            uow.commit()

    def answer(self, task_id: int, person_id: int | None, *, yes: bool, now: datetime) -> None:
        """Answer a question step (``kind: question``) YA or TIDAK; it approves nothing."""
        with self.writing() as uow:
            actions.answer(uow, task_id, person_id, yes=yes, now=now)
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
        with self.writing() as uow:
            actions.decide(
                uow, task_id, person_id, approve=approve, now=now, reason=reason, correct=correct
            )
            uow.commit()

    def reopen(
        self,
        run_id: int,
        unit_code: str,
        person_id: int | None,
        *,
        reason: str,
        now: datetime,
    ) -> int:
        """Re-open a unit's approved data (someone above the approver, with a reason).

        The unit's input step opens again for its holders; returns that task's id.
        ``person_id`` None is the system acting as an administrator.
        """
        with self.writing() as uow:
            task_id = reopen.reopen_unit(uow, run_id, unit_code, person_id, reason=reason, now=now)
            uow.commit()
            return task_id

    def check_deadlines(self, *, now: datetime) -> int:
        """Emit each overdue task's and each late join's event once; returns how many.

        One transaction per organisation: the sweep over every open task of a large
        installation never holds all of them (and their runs and people) at once."""
        with self._uow_factory() as uow:
            organisations = deadlines.organisations_due(uow, now)
        emitted = 0
        for organisation_id in organisations:
            with self.writing() as uow:
                emitted += deadlines.check_deadlines(uow, now, organisation_id)
                uow.commit()
        return emitted

    def report_deadlines(self, *, now: datetime) -> list[deadlines.Overdue]:
        """As ``check_deadlines``, returning what was reported (the command line names them)."""
        with self.writing() as uow:
            reported = deadlines.report_deadlines(uow, now)
            uow.commit()
            return reported

    # --- transactions -----------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[SqlAlchemyUnitOfWork]:
        """A unit of work for a change; losing a race to another writer is AlreadyProcessed.

        Services that handle one update open theirs here, so the engine's change, the
        conversation's next position and the reads for the reply share one transaction.

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


def open_tasks_in(uow: SqlAlchemyUnitOfWork, person_id: int, now: datetime) -> list[TaskView]:
    """``Engine.open_tasks`` inside the caller's unit of work."""
    person = uow.orgs.person_by_id(person_id)
    if person is None or not person.active:
        return []
    mine = uow.orgs.assignments_of(person_id)
    roles = {a.role_key for a in mine}
    views = []
    contexts: dict[int, tuple[RunContext, Progress]] = {}
    for task in uow.work.tasks_in_organisation(person.organisation_id, TaskState.OPEN):
        if task.role_key not in roles:
            continue
        if task.run_id not in contexts:
            ctx = run_context(uow, task.run)
            contexts[task.run_id] = (ctx, Progress(uow, ctx, now, person_id))
        ctx, progress = contexts[task.run_id]
        if task.branch_id is not None:
            # A unit's task is held within its rings (the unit, below, above): a role held
            # elsewhere cannot make the person a holder, so its holders are not looked up.
            tree = ctx.tree
            reach = {task.unit_id, *tree.descendants(task.unit_id), *tree.ancestors(task.unit_id)}
            if not any(a.role_key == task.role_key and a.unit_id in reach for a in mine):
                continue
        if person_id in progress.task_holders(task):
            views.append(task_view(task, ctx, now))
    return sorted(views, key=lambda v: (v.due_at is None, v.due_at, v.task_id))


_EXAMPLE_PERIOD = {"bulanan": "2026-10", "triwulan": "2026-TW3", "semester": "2026-S1"}
_KIND_WORD = {"BULAN": "bulanan", "TW": "triwulan", "S": "semester", "TAHUNAN": "tahunan"}


def _check_frequency(frequency: str, period: Period) -> None:
    """A run reports a period of its SOP's frequency (a bulanan SOP: 2026-10)."""
    if period.kind is not FREQUENCIES[frequency]:
        example = _EXAMPLE_PERIOD.get(frequency, "2026-TAHUNAN")
        raise InvalidInput(
            f"SOP ini {frequency}; periode {period} {_KIND_WORD[period.kind.value]}. "
            f"Gunakan periode {frequency}, mis. {example}."
        )
