"""Where a run goes next: the transition rules of an SOP definition, without storage.

The engine keeps a run's state on its rows; this module only answers
questions such as "after step 5 was approved in a TW II run, which step
comes next?" Steps that do not run for the period (a semester step in
TW I, a ``months: [1]`` step after January) are passed over along their skip
exit. What a period makes due is a :class:`~bot.domain.periods.Due`
(``Period.due()``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.periods import Due
from bot.domain.sop import END, Scope, SopDefinition, Step, StepTarget


class Outcome(StrEnum):
    DONE = "done"
    APPROVED = "approved"
    RETURNED = "returned"
    YA = "ya"
    """A question answered YA (it approves nothing)."""
    TIDAK = "tidak"
    """A question answered TIDAK."""


class WorkflowError(ValueError):
    """The definition cannot take the run where it was asked to go."""


@dataclass(frozen=True)
class Transition:
    """The result of finishing a step: the next step to run, or the end."""

    step: Step | None
    skipped: tuple[int, ...] = ()

    @property
    def ends_run(self) -> bool:
        return self.step is None


def runs_in(step: Step, due: Due) -> bool:
    """Whether ``step`` runs in a run whose period makes ``due``: the period closes one of
    its reports and covers one of its months."""
    if step.months is not None and not step.months & due.months:
        return False
    return bool(step.report_types & due.reports)


def land(defn: SopDefinition, target: StepTarget, due: Due) -> Transition:
    """Follow ``target`` past the steps that do not run for this period."""
    skipped: list[int] = []
    seen: set[int] = set()
    while target != END:
        assert isinstance(target, int)
        if target in seen:
            raise WorkflowError(f"langkah {target} berputar tanpa pernah dijalankan")
        seen.add(target)
        step = defn.step(target)
        if runs_in(step, due):
            return Transition(step, tuple(skipped))
        skipped.append(step.no)
        next_target = step.skip_target()
        if next_target is None:
            raise WorkflowError(f"langkah {step.no} tidak punya lanjutan")
        target = next_target
    return Transition(None, tuple(skipped))


def first_step(defn: SopDefinition, due: Due) -> Transition:
    """Where a new run begins for a period that makes ``due``."""
    return land(defn, defn.start_step.no, due)


def after(defn: SopDefinition, step: Step, outcome: Outcome, due: Due) -> Transition:
    """The step that follows ``step`` once it ended with ``outcome``."""
    if step.is_question:
        if outcome not in (Outcome.YA, Outcome.TIDAK):
            raise WorkflowError(f"langkah {step.no} adalah pertanyaan: jawab YA atau TIDAK")
        target = step.ya if outcome is Outcome.YA else step.tidak
    elif step.is_decision:
        if outcome not in (Outcome.APPROVED, Outcome.RETURNED):
            raise WorkflowError(f"langkah {step.no} adalah keputusan: setujui atau kembalikan")
        target = step.ya if outcome is Outcome.APPROVED else step.tidak
    else:
        if outcome is not Outcome.DONE:
            raise WorkflowError(f"langkah {step.no} bukan keputusan")
        target = step.next
    if target is None:
        raise WorkflowError(f"langkah {step.no} tidak punya lanjutan untuk {outcome.value}")
    return land(defn, target, due)


def straight_outcome(step: Step) -> Outcome:
    """The outcome on the path without returns: approved, a question's YA (the longer
    way, for deadlines), else done."""
    if step.is_question:
        return Outcome.YA
    return Outcome.APPROVED if step.is_decision else Outcome.DONE


def is_unit_level(step: Step) -> bool:
    """Steps done separately by each participating unit."""
    return step.scope is Scope.UNIT


def starts_fan_out(step: Step) -> bool:
    """A run-level step after which every unit works on its own branch."""
    return step.fan_out is not None


def fan_out_join(defn: SopDefinition, step: Step, due: Due) -> Transition:
    """Where the units' answers to ``step``'s fan-out are gathered: the step its
    ``fan_out.join`` names, else the step after it."""
    assert step.fan_out is not None
    target = step.fan_out.join if step.fan_out.join is not None else step.next
    if target is None:
        raise WorkflowError(f"langkah {step.no} tidak punya lanjutan untuk fan_out")
    return land(defn, target, due)


def gathers_later(step: Step) -> bool:
    """``step``'s fan-out is gathered later than the next step: the run goes on meanwhile."""
    return (
        step.fan_out is not None
        and step.fan_out.join is not None
        and (step.fan_out.join != step.next)
    )
