"""What people do on a task: enter values, finish it, decide on it.

Each function works inside the caller's unit of work and does not commit;
a refusal raises before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.domain.acceptance import Effect
from bot.domain.enums import DecisionOutcome, MeasurementState, TaskState
from bot.domain.numbers import format_number, validate_magnitude
from bot.domain.oversight import load_oversight_policy
from bot.domain.sop import Scope
from bot.domain.text_clean import clean_text
from bot.domain.timeliness import LATE_FLAG, late_entry
from bot.domain.workflow import Outcome, Transition, after, fan_out_join
from bot.engine.access import authorised, require_reason, takes_input
from bot.engine.capacity import task_capacity
from bot.engine.card import evidence_key
from bot.engine.context import RunContext
from bot.engine.errors import IncompleteInput, InvalidInput, Locked, NotAuthorized
from bot.engine.events import EventKind
from bot.engine.inputs import (
    Earlier,
    correctable,
    input_lines,
    locked,
    set_state,
    task_indicators,
)
from bot.engine.plausibility import confirmed_flags, policy_of, require_kendala
from bot.engine.progress import ACTIVITY_FAN_OUT, Progress, task_activity
from bot.persistence.models import Decision, Task
from bot.persistence.reference import IndicatorLike
from bot.persistence.uow import SqlAlchemyUnitOfWork


def save_value(
    uow: SqlAlchemyUnitOfWork,
    task_id: int,
    person_id: int,
    indicator_id: int,
    *,
    now: datetime,
    value: Decimal | None,
    no_data_reason: str | None,
    kendala: str | None,
    tindak_lanjut: str | None,
    evidence: Sequence[dict] | None,
    confirmed: frozenset[str] = frozenset(),
) -> None:
    """A draft value (or "belum ada data" with a reason) as a new measurement revision.

    Fields not given (None) keep what the previous revision said. A new value with
    plausibility concerns (``bot.domain.plausibility``) is refused with
    ``NeedsConfirmation`` unless ``confirmed`` names their kinds; the confirmed kinds
    are kept in the revision's flags.
    """
    # Free text is cleaned where it enters, whoever typed it (chat, CLI, a sheet).
    no_data_reason, kendala, tindak_lanjut = (
        None if text is None else clean_text(text)
        for text in (no_data_reason, kendala, tindak_lanjut)
    )
    if value is None and not (no_data_reason or "").strip():
        raise InvalidInput("Isi nilai realisasi, atau alasan mengapa belum ada data.")
    task, ctx, _ = authorised(uow, task_id, person_id, now, reading=True)  # the task stays
    if not takes_input(task, ctx):
        raise InvalidInput("Langkah ini tidak meminta pengisian data indikator.")
    indicator = next((i for i in task_indicators(uow, ctx, task) if i.id == indicator_id), None)
    only = correctable(task)
    if indicator is None or (only is not None and indicator_id not in only):
        raise NotAuthorized("Indikator ini tidak termasuk yang dapat Bapak/Ibu ubah di tugas ini.")
    previous = uow.work.current_measurement(indicator_id, str(ctx.period))
    if locked(previous):
        raise Locked(
            "Nilai indikator ini sudah disetujui dan terkunci. Untuk mengubahnya, minta "
            "atasan penyetuju atau admin membuka kembali data unit ini (dengan alasan)."
        )

    if value is not None:
        _within_limits(indicator, value)
    org_policy = policy_of(ctx.run.organisation)
    # The earlier figures: the card read in this transaction answers, if there was one.
    earlier = Earlier(uow, [indicator_id], ctx.period, with_current=True)
    plausible = confirmed_flags(
        uow, indicator, ctx.period, org_policy, value, previous, confirmed, earlier.get
    )

    def kept(given: Any, attribute: str) -> Any:
        if given is not None:
            return given
        return getattr(previous, attribute) if previous is not None else None

    row = uow.work.record_measurement(
        indicator_id,
        str(ctx.period),
        value=value,
        no_data=value is None,
        no_data_reason=(no_data_reason or "").strip() or None if value is None else None,
        kendala=kept(kendala, "kendala"),
        tindak_lanjut=kept(tindak_lanjut, "tindak_lanjut"),
        evidence=list(kept(evidence, "evidence") or []),
        state=MeasurementState.DRAFT,
        entered_by_id=person_id,
        run_id=ctx.run.id,
        task_id=task.id,
        now=now,
        previous=previous,
    )
    if plausible:
        row.flags = [*(row.flags or []), *plausible]
        uow.work.flush()
    policy = load_oversight_policy(ctx.run.organisation.oversight_policy)
    if late_entry(ctx.period, now, ctx.calendar.zone, policy.edit_window_days):
        row.flags = [*(f for f in row.flags or [] if f != LATE_FLAG), LATE_FLAG]
        uow.work.flush()


def add_task_evidence(
    uow: SqlAlchemyUnitOfWork,
    task_id: int,
    person_id: int | None,
    item: dict[str, Any],
    *,
    now: datetime,
) -> bool:
    """A photo or document for the whole input task (issue 16: evidence once per task).

    Only the task's holder, while it is open and takes input; the same file twice is
    kept once (False then).
    """
    task, ctx, _ = authorised(uow, task_id, person_id, now, reading=True)  # the task stays
    if not takes_input(task, ctx):
        raise InvalidInput("Langkah ini tidak meminta pengisian data indikator.")
    uow.memo.pop(evidence_key(task.run_id, task.unit_id), None)
    return uow.work.add_task_evidence(task, item, person_id, now)


def _within_limits(indicator: IndicatorLike, value: Decimal) -> None:
    """The hard limits the chat already applies, for every front end (CLI, imports, tests):
    a sign the indicator does not allow, an absurd size, or more than its maximum."""
    problem = validate_magnitude(
        value, allow_negative=indicator.allow_negative, satuan=indicator.satuan
    )
    if problem is not None:
        raise InvalidInput(f"{indicator.code}: {problem}")
    if indicator.max_value is not None and value.copy_abs() > indicator.max_value:
        limit = format_number(indicator.max_value, indicator.precision)
        raise InvalidInput(
            f"{indicator.code}: {format_number(value, indicator.precision)} melebihi batas "
            f"indikator ini ({limit} {indicator.satuan}); periksa lagi."
        )


def complete_task(
    uow: SqlAlchemyUnitOfWork,
    task_id: int,
    person_id: int | None,
    *,
    now: datetime,
    tell_doer: bool = True,
) -> list[int]:
    """Mark a (non-decision) task done; an input task submits its values first. Returns
    who holds the work next.

    ``tell_doer``: the outbox tells the person who finished it where the work went. False
    when the caller answers them itself with that news (the guided input's "Kirim"), so
    they do not read it twice."""
    task, ctx, progress = authorised(uow, task_id, person_id, now)
    step = ctx.definition.step(task.step_no)
    if step.is_question and task_activity(task) != ACTIVITY_FAN_OUT:
        raise InvalidInput(f"Langkah ini adalah pertanyaan: {step.question} Jawab YA atau TIDAK.")
    if step.is_decision and task_activity(task) != ACTIVITY_FAN_OUT:
        raise InvalidInput("Langkah ini adalah keputusan: pilih Setujui atau Kembalikan.")
    if takes_input(task, ctx):
        _submit_inputs(uow, ctx, task)
    return _finish(uow, ctx, progress, task, Outcome.DONE, person_id, now, tell_doer=tell_doer)


def answer(
    uow: SqlAlchemyUnitOfWork, task_id: int, person_id: int | None, *, yes: bool, now: datetime
) -> None:
    """Answer a question step YA or TIDAK: the run branches; nothing is approved or returned."""
    task, ctx, progress = authorised(uow, task_id, person_id, now)
    step = ctx.definition.step(task.step_no)
    if not step.is_question or task_activity(task) == ACTIVITY_FAN_OUT:
        raise InvalidInput("Langkah ini bukan pertanyaan YA/TIDAK.")
    outcome = Outcome.YA if yes else Outcome.TIDAK
    told = {"question": step.question, "answer": outcome.value}
    _finish(uow, ctx, progress, task, outcome, person_id, now, told=told)


def decide(
    uow: SqlAlchemyUnitOfWork,
    task_id: int,
    person_id: int | None,
    *,
    approve: bool,
    now: datetime,
    reason: str | None,
    correct: Sequence[int],
) -> None:
    """YA (approve) or TIDAK (return with a reason, optionally naming indicators to fix)."""
    if not approve:
        reason = require_reason(reason, "Pengembalian")
    task, ctx, progress = authorised(uow, task_id, person_id, now)
    step = ctx.definition.step(task.step_no)
    if step.is_question:
        raise InvalidInput(f"Langkah ini adalah pertanyaan: {step.question} Jawab YA atau TIDAK.")
    if not step.is_review:
        raise InvalidInput("Langkah ini bukan keputusan.")
    indicators = task_indicators(uow, ctx, task)
    if set(correct) - {i.id for i in indicators}:
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
        effect = ctx.acceptance.on_approve(task.step_no)
        told = {"effect": effect.value}
        if effect is Effect.ACCEPTED:
            set_state(uow, indicators, period, MeasurementState.APPROVED)
        elif effect is Effect.VERIFIED:
            set_state(
                uow, indicators, period, MeasurementState.VERIFIED, verified_role=task.role_key
            )
        _finish(uow, ctx, progress, task, Outcome.APPROVED, person_id, now, told=told)
    else:
        set_state(
            uow,
            indicators,
            period,
            MeasurementState.RETURNED,
            only=set(correct) or None,
            returning_run=ctx.run.id,
        )
        extra = {"reason": reason, "correct": list(correct)}
        _finish(uow, ctx, progress, task, Outcome.RETURNED, person_id, now, extra=extra)


def _submit_inputs(uow: SqlAlchemyUnitOfWork, ctx: RunContext, task: Task) -> None:
    lines = input_lines(uow, ctx, task, editable=True)
    missing = [f"{line.code} {line.name}" for line in lines if not line.filled]
    if missing:
        raise IncompleteInput(missing)
    require_kendala(lines, policy_of(ctx.run.organisation))
    indicators = task_indicators(uow, ctx, task)
    set_state(uow, indicators, str(ctx.period), MeasurementState.SUBMITTED)


_EVENT = {
    Outcome.DONE: EventKind.TASK_DONE,
    Outcome.APPROVED: EventKind.APPROVED,
    Outcome.RETURNED: EventKind.RETURNED,
    Outcome.YA: EventKind.TASK_DONE,
    Outcome.TIDAK: EventKind.TASK_DONE,
}


def _siblings(uow: SqlAlchemyUnitOfWork, task: Task) -> list[Task]:
    """The other roles' open tasks of the same step attempt (a step with several roles)."""
    return [
        t
        for t in uow.work.tasks_of_step(
            task.run_id, task.step_no, task.branch_id, state=TaskState.OPEN
        )
        if t.id != task.id and task_activity(t) == task_activity(task)
    ]


def _accept_on_completion(
    uow: SqlAlchemyUnitOfWork, ctx: RunContext, task: Task, outcome: Outcome
) -> None:
    """With no review to accept them, the step that receives the figures accepts them when done.

    A fan-out step's own task only sends the work out (the figures come later).
    """
    step = ctx.definition.step(task.step_no)
    sender = step.fan_out is not None and task_activity(task) != ACTIVITY_FAN_OUT
    if outcome is not Outcome.DONE or sender:
        return
    if ctx.acceptance.on_done(task.step_no) is Effect.ACCEPTED:
        indicators = task_indicators(uow, ctx, task)
        set_state(uow, indicators, str(ctx.period), MeasurementState.APPROVED)


def _finish(
    uow: SqlAlchemyUnitOfWork,
    ctx: RunContext,
    progress: Progress,
    task: Task,
    outcome: Outcome,
    person_id: int | None,
    now: datetime,
    *,
    extra: dict[str, Any] | None = None,
    told: dict[str, Any] | None = None,
    tell_doer: bool = True,
) -> list[int]:
    """Close the task, tell who finished it where the work went, and move the run on;
    returns who holds the work next (none while other roles of the step still work on it).

    ``extra`` goes to the audit, the event and the next task (a return's reason);
    ``told`` to the event only (a review's effect: verified or accepted); ``tell_doer``:
    the event names the doer as its recipient (see ``complete_task``)."""
    doer = [person_id] if person_id and tell_doer else []
    task.state = TaskState.DONE
    task.finished_at = now
    task.assignee_id = person_id
    uow.work.flush()  # the version check: a second writer stops here
    # The capacity the person acted in ("Plh. Kabid"), for the audit trail.
    capacity = task_capacity(uow, ctx, task, person_id, progress.today)
    acting = {"acting_as": capacity.as_json()} if capacity else {}
    uow.audit.record(
        f"task_{outcome.value}",
        "task",
        task.id,
        actor_id=person_id,
        before={"state": "open"},
        after={"state": "done", "outcome": outcome.value, **(extra or {}), **acting},
        at=now,
    )
    step = ctx.definition.step(task.step_no)
    if len(step.roles) > 1 and task_activity(task) != ACTIVITY_FAN_OUT:
        others = _siblings(uow, task)
        if step.needs_all and others:
            # completion: all: the step is done when every listed role has done it.
            progress.emit(
                _EVENT[outcome],
                recipients=doer,
                done_by=person_id,
                next_step=None,
                next_recipients=[],
                waiting_for=sorted({ctx.definition.role(t.role_key).name for t in others}),
                **(extra or {}),
                **(told or {}),
                **progress.task_payload(task),
            )
            return []
        for other in others:  # completion: any: the first one finishes it for all
            other.state = TaskState.SUPERSEDED
            other.finished_at = now
        uow.work.flush()
    _accept_on_completion(uow, ctx, task, outcome)
    transition: Transition | None
    if task_activity(task) == ACTIVITY_FAN_OUT:
        transition = fan_out_join(ctx.definition, step, ctx.due)
    elif step.fan_out is not None and task.branch is None:
        transition = None  # the step sends the work out to every unit first
    else:
        transition = after(ctx.definition, step, outcome, ctx.due)
    following = _next_holders(progress, transition, task)
    progress.emit(
        _EVENT[outcome],
        recipients=doer,
        done_by=person_id,
        next_step=transition.step.no if transition and transition.step else None,
        next_recipients=following,
        **(extra or {}),
        **(told or {}),
        **progress.task_payload(task),
    )
    if transition is None:
        progress.fan_out_activity(step)
    else:
        progress.enter(transition, branch=task.branch, extra=extra)
    return following


def _next_holders(progress: Progress, transition: Transition | None, task: Task) -> list[int]:
    if transition is None or transition.step is None:
        return []
    found: list[int] = []
    for role_key in transition.step.roles:
        if transition.step.scope is Scope.UNIT:
            people = progress.holders(role_key, task.unit_id)
        else:
            people = progress.holders(role_key, progress.ctx.home_unit_id, run_level=True)
        found += [p for p in people if p not in found]
    return found
