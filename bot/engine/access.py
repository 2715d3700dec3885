"""Who is asking, and may they: the checks every engine call makes before it changes anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.acceptance import Effect
from bot.domain.enums import TaskState
from bot.domain.sop import StepKind
from bot.domain.text_clean import clean_text
from bot.engine.context import RunContext, organisation_of, run_context
from bot.engine.errors import (
    InvalidInput,
    NotAuthorized,
    NotFound,
    ReasonRequired,
    TaskEnded,
)
from bot.engine.progress import (
    ACTIVITY_FAN_OUT,
    Progress,
    task_activity,
    task_kind,
    task_title,
    task_uraian,
)
from bot.persistence.models import Organisation, Task
from bot.persistence.records import Record
from bot.persistence.uow import SqlAlchemyUnitOfWork

MAX_REASON = 1000


@dataclass(frozen=True)
class TaskView:
    """A task as a person sees it in their list."""

    task_id: int
    run_id: int
    sop_id: str
    sop_name: str
    period: str
    period_label: str
    step_no: int
    uraian: str
    kind: StepKind
    role_name: str
    unit_name: str
    due_at: datetime | None
    """In the organisation's time zone."""
    round: int
    reason: str | None
    """Why it came back, when a review returned it."""
    late_by: int | None
    """Working minutes past the deadline at the time asked; None when not overdue."""
    day_minutes: int
    """Length of the organisation's working day, to say lateness in days and hours."""
    zone: str
    """The organisation's time zone (IANA name), for showing other times."""
    acting_as: str | None = None
    """"Plt. Kabid" / "Plh. Kabid" when the person asking holds the role as a substitute."""
    question: str | None = None
    """A question step's YA/TIDAK question ("Ada hambatan?")."""
    shows_figures: bool = False
    """The task shows the unit's figures and targets, read only (``shows_figures: true``)."""
    title: str = ""
    """Issue 16: the step's ``judul`` or the uraian's first clause; cards show this and the
    full uraian on demand."""
    verifies: bool = False
    """A review whose YES only verifies the figures (a later review accepts them)."""


def task_view(
    task: Task, ctx: RunContext, now: datetime, *, acting_as: str | None = None
) -> TaskView:
    due = task.due_at.astimezone(ctx.calendar.zone) if task.due_at else None
    late = None
    if due is not None and now > due:
        late = ctx.calendar.working_minutes_between(due, now)
    step = ctx.definition.step(task.step_no)
    own_step = task_activity(task) != ACTIVITY_FAN_OUT
    return TaskView(
        task_id=task.id,
        run_id=task.run_id,
        sop_id=ctx.definition.id,
        sop_name=ctx.definition.name,
        period=str(ctx.period),
        period_label=ctx.period.label,
        step_no=task.step_no,
        uraian=task_uraian(task, ctx),
        title=task_title(task, ctx),
        kind=task_kind(task, ctx),
        role_name=ctx.definition.role(task.role_key).name,
        unit_name=ctx.tree.units[task.unit_id].name,
        due_at=due,
        round=task.round,
        reason=task.payload.get("reason"),
        late_by=late,
        day_minutes=ctx.calendar.day_minutes,
        zone=ctx.calendar.zone.key,
        acting_as=acting_as,
        question=step.question if own_step and step.is_question else None,
        shows_figures=own_step and step.shows_figures,
        verifies=own_step
        and step.is_review
        and ctx.acceptance.on_approve(step.no) is Effect.VERIFIED,
    )


def authorised(
    uow: SqlAlchemyUnitOfWork,
    task_id: int,
    person_id: int | None,
    now: datetime,
    *,
    open_only: bool = True,
    reading: bool = False,
) -> tuple[Task, RunContext, Progress]:
    """The task, if ``person_id`` holds its role near its unit today (None: the system).

    Someone from another organisation is told the task does not exist, so ids
    reveal nothing across organisations. ``reading``: the caller changes nothing, so
    the task and its run may be plain records (``WorkRepository.task_record``) unless
    this transaction holds the ORM row already.
    """
    # Held in the transaction's memo: the session keeps loaded rows only while something
    # refers to them, and an update's second engine call would read the task again.
    task = uow.memo.get(("task", task_id))
    if task is None and reading:
        task = uow.remembered(("task_record", task_id), lambda: _task_record(uow, task_id))
    elif task is None:
        task = uow.remembered(("task", task_id), lambda: uow.work.task_with_run(task_id))
    if task is None:
        raise NotFound("Tugas tidak ditemukan.")
    ctx = run_context(uow, task.run)
    progress = Progress(uow, ctx, now, person_id)
    if person_id is not None:
        person = uow.remembered(("person", person_id), lambda: uow.orgs.person_by_id(person_id))
        if person is None or person.organisation_id != task.run.organisation_id:
            raise NotFound("Tugas tidak ditemukan.")
        if person_id not in progress.task_holders(task):
            role = ctx.definition.role(task.role_key).name
            raise NotAuthorized(
                f"Tugas ini untuk {role} {progress.unit_name(task.unit_id)}; "
                "Bapak/Ibu tidak memegang peran itu saat ini."
            )
    if open_only and task.state is not TaskState.OPEN:
        raise TaskEnded()
    return task, ctx, progress


def _task_record(uow: SqlAlchemyUnitOfWork, task_id: int) -> Record | None:
    """The task and its run as plain records, the organisation's kept by the process."""
    task = uow.work.task_record(task_id)
    if task is not None:
        organisation = organisation_of(uow, task.run.organisation_id)
        if organisation is None:
            return None
        task.run.organisation = organisation
    return task


def takes_input(task: Task, ctx: RunContext) -> bool:
    """Input steps, and any task a review sent back naming indicators to correct."""
    return task_kind(task, ctx) is StepKind.INDICATOR_INPUT or bool(task.payload.get("correct"))


def is_admin(org: Organisation, person_id: int) -> bool:
    return any(person.id == person_id for person in org.admins)


def require_reason(reason: str | None, what: str) -> str:
    text = clean_text(reason or "").strip()
    if not text:
        raise ReasonRequired(f"{what} wajib disertai alasan.")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"Alasan terlalu panjang (maksimal {MAX_REASON} karakter).")
    return text
