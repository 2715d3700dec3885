"""Transition rules: sequence, decisions, and steps that run only in some periods."""

import pytest

from bot.domain.periods import Period
from bot.domain.sop import END, SopDefinition
from bot.domain.workflow import Outcome, WorkflowError, after, first_step, land


def _step(no: int, **extra: object) -> dict:
    return {"no": no, "uraian": f"Langkah {no}", "pelaksana": "staf", "waktu": "15 Menit", **extra}


# Shaped like the 9-step Balangan procedure: 6-8 run after TW II/IV, 9 only after TW IV.
BALANGAN_LIKE = SopDefinition.model_validate(
    {
        "id": "contoh",
        "identity": {"instansi": "Dinas", "nomor": "1", "disahkan_oleh": "Kepala", "nama": "SOP"},
        "roles": [{"key": "staf", "name": "Staf"}],
        "steps": [
            _step(1, next=2),
            _step(2, next=3),
            _step(3, next=4),
            _step(4, next=5),
            _step(5, next=6),
            _step(6, next=7, report_types=["semester", "tahunan"]),
            _step(7, kind="review", ya=8, tidak=4, report_types=["semester", "tahunan"]),
            _step(8, next=9, report_types=["semester", "tahunan"]),
            _step(9, kind="review", ya=END, tidak=8, report_types=["tahunan"]),
        ],
    }
)


def _walk(period: str, decisions: dict[int, list[Outcome]]) -> list[int]:
    """Run the definition, answering decisions from ``decisions`` (default: approve)."""
    types = Period.parse(period).due()
    visited: list[int] = []
    transition = first_step(BALANGAN_LIKE, types)
    while transition.step is not None:
        step = transition.step
        visited.append(step.no)
        if step.is_decision:
            queue = decisions.get(step.no, [])
            outcome = queue.pop(0) if queue else Outcome.APPROVED
        else:
            outcome = Outcome.DONE
        transition = after(BALANGAN_LIKE, step, outcome, types)
        assert len(visited) < 100
    return visited


def test_tw1_and_tw3_end_after_the_quarterly_steps() -> None:
    assert _walk("2026-TW1", {}) == [1, 2, 3, 4, 5]
    assert _walk("2026-TW3", {}) == [1, 2, 3, 4, 5]


def test_tw2_runs_the_semester_branch_but_not_the_annual_step() -> None:
    assert _walk("2026-TW2", {}) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_tw4_runs_semester_and_annual_steps() -> None:
    assert _walk("2026-TW4", {}) == [1, 2, 3, 4, 5, 6, 7, 8, 9]


def test_returns_loop_back_any_number_of_times() -> None:
    returned = [Outcome.RETURNED, Outcome.RETURNED, Outcome.APPROVED]
    assert _walk("2026-TW2", {7: returned}) == [1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 8]
    assert _walk("2026-TW4", {9: [Outcome.RETURNED]}) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 9]


def test_skip_reports_the_steps_passed_over() -> None:
    types = Period.parse("2026-TW1").due()
    transition = after(BALANGAN_LIKE, BALANGAN_LIKE.step(5), Outcome.DONE, types)
    assert transition.ends_run
    assert transition.skipped == (6, 7, 8, 9)
    assert land(BALANGAN_LIKE, 6, Period.parse("2026-TW2").due()).step.no == 6


def test_wrong_outcomes_are_refused() -> None:
    types = Period.parse("2026-TW4").due()
    with pytest.raises(WorkflowError, match="keputusan"):
        after(BALANGAN_LIKE, BALANGAN_LIKE.step(7), Outcome.DONE, types)
    with pytest.raises(WorkflowError, match="bukan keputusan"):
        after(BALANGAN_LIKE, BALANGAN_LIKE.step(1), Outcome.APPROVED, types)


# --- months: steps that run only in some periods of the year ----------------------------------

MONTHLY_WITH_SETUP = SopDefinition.model_validate(
    {
        "id": "bulanan-uji",
        "frequency": "bulanan",
        "identity": {"instansi": "Dinas", "nomor": "1", "disahkan_oleh": "Kepala", "nama": "SOP"},
        "roles": [{"key": "staf", "name": "Staf"}],
        "steps": [
            _step(1, next=2, months=[1]),
            _step(2, next=3, months=[1]),
            _step(3, next=4),
            _step(4, next=END, report_types=["semester"]),
        ],
    }
)


def test_a_step_for_january_only_runs_in_januarys_run_and_is_skipped_after() -> None:
    january = first_step(MONTHLY_WITH_SETUP, Period.parse("2026-01").due())
    assert january.step is not None and january.step.no == 1 and january.skipped == ()
    february = first_step(MONTHLY_WITH_SETUP, Period.parse("2026-02").due())
    assert february.step is not None and february.step.no == 3
    assert february.skipped == (1, 2)


def test_a_month_that_closes_a_semester_runs_the_semester_steps() -> None:
    step3 = MONTHLY_WITH_SETUP.step(3)
    may = after(MONTHLY_WITH_SETUP, step3, Outcome.DONE, Period.parse("2026-05").due())
    assert may.ends_run and may.skipped == (4,)
    june = after(MONTHLY_WITH_SETUP, step3, Outcome.DONE, Period.parse("2026-06").due())
    assert june.step is not None and june.step.no == 4


def test_months_in_a_quarterly_sop_name_the_quarter_that_covers_them() -> None:
    quarterly = MONTHLY_WITH_SETUP.model_copy(update={"frequency": "triwulan"})
    assert first_step(quarterly, Period.parse("2026-TW1").due()).step.no == 1  # type: ignore[union-attr]
    assert first_step(quarterly, Period.parse("2026-TW2").due()).step.no == 3  # type: ignore[union-attr]
