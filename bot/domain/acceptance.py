"""When a unit's figures become final: the one rule every reader of figures asks.

A unit's realisation figures are entered at the SOP's input steps, then pass
through the review steps of the chain in order. The rule (issue 14):

* the YES of the **last** review step of the chain *accepts* them (state
  APPROVED, "disetujui");
* a YES at an **earlier** review only *verifies* them (state VERIFIED,
  "diverifikasi <peran>"): they are checked but not final;
* with **no review** in the chain, the step that *receives* them (the first
  step after the last input step) accepts them when it is done;
* ``acceptance: {step: N}`` in the definition names the accepting step
  instead: a review's YES, or another step's completion. Reviews before it
  verify; a review after it leaves the accepted figures as they are.

"The chain" is the flow of the run's period: the steps that run for the
reports the period closes (a semester review is not in a TW I run), in flow
order, following every exit except a review's TIDAK (a return goes back, not
on). Engine, status, board, timeliness, reports, monev, reopen and ``sopbot
verify`` all read this plan; nothing else decides what "accepted" means.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.periods import Due
from bot.domain.sop import END, SopDefinition, Step
from bot.domain.workflow import WorkflowError, land, runs_in


class Effect(StrEnum):
    """What finishing a step does to the unit's figures."""

    NONE = "none"
    VERIFIED = "verified"
    ACCEPTED = "accepted"


@dataclass(frozen=True)
class AcceptancePlan:
    """The acceptance rule of one definition for the reports one period closes."""

    inputs: tuple[int, ...]
    """Steps where the figures are entered, in flow order."""
    verifying: tuple[int, ...]
    """Review steps whose YES verifies (before the accepting step)."""
    accepting: int | None
    """The step that accepts; None when the chain enters no figures."""
    by_review: bool
    """The accepting step is a review: its YES accepts. Else its completion does."""
    explicit: bool
    """Named by ``acceptance: {step: N}`` rather than by the default rule."""

    def on_approve(self, step_no: int) -> Effect:
        """A review's YES at ``step_no``."""
        if self.by_review and step_no == self.accepting:
            return Effect.ACCEPTED
        if step_no in self.verifying:
            return Effect.VERIFIED
        return Effect.NONE

    def on_done(self, step_no: int) -> Effect:
        """A non-review step at ``step_no`` is done (after its own input was submitted)."""
        if not self.by_review and step_no == self.accepting:
            return Effect.ACCEPTED
        return Effect.NONE

    def accepts(self, step_no: int) -> bool:
        return step_no == self.accepting


def chain(defn: SopDefinition, due: Due) -> list[Step]:
    """The steps that run in a period that makes ``due``, in flow order (returns left out).

    A depth-first walk from the first step; its reversed post-order is a
    topological order of the flow without back edges, so two branches of a
    question both come before the step where they meet again.
    """
    order: list[int] = []
    seen: set[int] = set()

    def visit(no: int) -> None:
        seen.add(no)
        for target in _onward(defn.step(no)):
            if target not in seen:
                visit(target)
        order.append(no)

    visit(defn.start_step.no)
    return [defn.step(no) for no in reversed(order) if runs_in(defn.step(no), due)]


def _onward(step: Step) -> Iterator[int]:
    """Targets that carry the work on: every exit but a review's TIDAK (a return)."""
    exits = (step.ya, step.tidak) if step.is_question else (step.ya, step.next)
    for target in exits:
        if target is not None and target != END:
            assert isinstance(target, int)
            yield target


def acceptance_plan(defn: SopDefinition, due: Due) -> AcceptancePlan:
    """Which step accepts a unit's figures in a run whose period makes ``due``, which verify."""
    steps = chain(defn, due)
    position = {step.no: i for i, step in enumerate(steps)}
    inputs = [step for step in steps if step.takes_figures]
    explicit = defn.acceptance is not None and defn.acceptance.step in position
    if not inputs and not explicit:
        return AcceptancePlan((), (), None, False, False)
    first = position[inputs[0].no] if inputs else 0
    reviews = [step for step in steps[first:] if step.is_review]
    if explicit:
        assert defn.acceptance is not None
        accepting = defn.step(defn.acceptance.step)
    elif reviews:
        accepting = reviews[-1]
    else:
        accepting = _receiving(defn, steps, inputs[-1], due)
    verifying = tuple(step.no for step in reviews if position[step.no] < position[accepting.no])
    return AcceptancePlan(
        inputs=tuple(step.no for step in inputs),
        verifying=verifying,
        accepting=accepting.no,
        by_review=accepting.is_review,
        explicit=explicit,
    )


def _receiving(defn: SopDefinition, steps: list[Step], last_input: Step, due: Due) -> Step:
    """The first step after the last input that every way on passes (a question's branch
    is not: the figures must be accepted whichever way it is answered), and that is not a
    question (a question accepts nothing); for a fan-out gathered later, the join or after.
    None such: the last input step itself."""
    later = steps[steps.index(last_input) + 1 :]
    numbers = [step.no for step in later]
    if last_input.fan_out is not None and last_input.fan_out.join in numbers:
        # Gathered later (fan_out.join): the run's own steps before the join have no figures.
        later = later[numbers.index(last_input.fan_out.join) :]
    for candidate in later:
        if candidate.is_question:
            continue
        if not can_bypass(defn, last_input, candidate, due):
            return candidate
    return last_input


def can_bypass(defn: SopDefinition, start: Step, avoid: Step, due: Due) -> bool:
    """SELESAI can be reached from ``start`` without passing ``avoid``."""
    seen = {start.no}
    queue = [start]
    while queue:
        step = queue.pop()
        for target in _exits_landed(defn, step, due):
            if target is None:
                return True
            if target.no == avoid.no or target.no in seen:
                continue
            seen.add(target.no)
            queue.append(target)
    return False


def _exits_landed(defn: SopDefinition, step: Step, due: Due) -> Iterator[Step | None]:
    """The running steps each onward exit lands on (None: SELESAI)."""
    exits = (step.ya, step.tidak) if step.is_question else (step.ya, step.next)
    for target in exits:
        if target is None:
            continue
        try:
            yield land(defn, target, due).step
        except WorkflowError:
            continue


Loc = tuple[str | int, ...]


def acceptance_issues(defn: SopDefinition, dues: Iterable[Due]) -> Iterator[tuple[Loc, str]]:
    """What is wrong with ``acceptance: {step: N}`` for the kinds of run ``due_sets`` lists:
    the step must exist, not be a question, run in every period, come after the first
    input and lie on every way from the last input to SELESAI."""
    if defn.acceptance is None:
        return
    loc: Loc = ("acceptance", "step")
    no = defn.acceptance.step
    if not defn.has_step(no):
        yield loc, f"acceptance: langkah {no} tidak ada"
        return
    step = defn.step(no)
    if step.is_question:
        yield loc, f"acceptance: langkah {no} adalah pertanyaan; pertanyaan tidak menyetujui"
        return
    for due in dues:
        steps = chain(defn, due)
        numbers = [s.no for s in steps]
        if no not in numbers:
            yield (
                loc,
                (
                    f"acceptance: langkah {no} tidak berjalan untuk {due_text(due)}; "
                    "data tidak akan pernah disetujui"
                ),
            )
            return
        inputs = [s.no for s in steps if s.takes_figures]
        if inputs and numbers.index(no) < numbers.index(inputs[0]):
            yield (
                loc,
                f"acceptance: langkah {no} berada sebelum pengisian data (langkah {inputs[0]})",
            )
            return
        gathered = [
            numbers.index(j)
            for s in steps
            if s.takes_figures and s.fan_out is not None and (j := s.fan_out.join) in numbers
        ]
        if gathered and numbers.index(no) < max(gathered):
            yield (
                loc,
                f"acceptance: langkah {no} berada sebelum jawaban unit dihimpun (fan_out.join "
                f"langkah {numbers[max(gathered)]})",
            )
            return
        if inputs and can_bypass(defn, defn.step(inputs[-1]), step, due):
            yield (
                loc,
                (
                    f"acceptance: ada jalan ke '{END}' yang tidak melewati langkah {no} "
                    "(mis. satu cabang pertanyaan); data tidak selalu disetujui"
                ),
            )
            return


def due_text(due: Due) -> str:
    """``laporan bulanan (bulan 2-5)``: the kind of run ``due`` stands for, in words."""
    names = ", ".join(sorted(r.value for r in due.reports))
    if len(due.months) == 12:
        return f"laporan {names}"
    months = sorted(due.months)
    span = str(months[0]) if len(months) == 1 else f"{months[0]}-{months[-1]}"
    return f"laporan {names} (bulan {span})"


def describe(defn: SopDefinition, plan: AcceptancePlan) -> str:
    """The plan in words, for ``sopbot sop show``."""
    if plan.accepting is None:
        return "tidak ada langkah pengisian data indikator: tidak ada data yang disetujui"
    step = defn.step(plan.accepting)
    who = " / ".join(defn.role(key).name for key in step.roles if defn.has_role(key))
    if plan.by_review:
        text = f"disetujui oleh YA langkah {step.no} ({who})"
    else:
        text = f"diterima (disetujui) ketika langkah {step.no} ({who}) selesai"
    if plan.verifying:
        checks = ", ".join(f"{no} ({defn.role(defn.step(no).role).name})" for no in plan.verifying)
        text += f"; YA langkah {checks} hanya memverifikasi"
    if plan.explicit:
        text += " (acceptance: step)"
    return text


def verified_label(role_name: str | None) -> str:
    """How a verified figure's status is shown: "diverifikasi Kasubid"."""
    return f"diverifikasi {role_name}" if role_name else "diverifikasi"
