"""The acceptance rule (bot.domain.acceptance): pure, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.definitions import load_catalog, load_text
from bot.domain.acceptance import Effect, acceptance_plan, chain, describe, verified_label
from bot.domain.periods import Period
from bot.domain.sop import SopDefinition

ROOT = Path(__file__).resolve().parents[2]
SEEDS = load_catalog([ROOT / "sop_definitions"])
FEATURES = ROOT / "tests" / "fixtures" / "features" / "monitoring_uji.yaml"
SEED_004 = (ROOT / "sop_definitions" / "004_kesbangpol_jeneponto.yaml").read_text("utf-8")
TW3 = Period.parse("2026-TW3").due()
STEP_4 = """    kind: indicator_input
    scope: unit  # INFERRED: per bidang, as step 1
    next: 5
"""


def _load(text: str) -> SopDefinition:
    definition, problems = load_text(text, "uji.yaml")
    assert definition is not None and not problems, problems
    return definition


def _seed(prefix: str) -> SopDefinition:
    [found] = [d.definition for k, d in SEEDS.definitions.items() if k.startswith(prefix)]
    return found


def two_levels() -> SopDefinition:
    text = SEED_004.replace(STEP_4, "    kind: review\n    scope: unit\n    ya: 5\n    tidak: 3\n")
    return _load(text.replace("    tidak: 4  #", "    tidak: 3  #"))


def test_one_review_accepts() -> None:
    plan = acceptance_plan(_seed("kesbangpol"), TW3)
    assert (plan.inputs, plan.verifying, plan.accepting, plan.by_review) == ((3, 4), (), 5, True)
    assert plan.on_approve(5) is Effect.ACCEPTED
    assert plan.on_done(6) is Effect.NONE


def test_two_reviews_the_first_verifies_the_last_accepts() -> None:
    plan = acceptance_plan(two_levels(), TW3)
    assert plan.verifying == (4,)
    assert plan.on_approve(4) is Effect.VERIFIED
    assert plan.on_approve(5) is Effect.ACCEPTED


def test_sekretaris_verifies_and_camat_accepts_in_seed_003() -> None:
    plan = acceptance_plan(_seed("kec-batumandi"), TW3)
    assert (plan.verifying, plan.accepting) == ((6,), 7)


@pytest.mark.parametrize(
    ("period", "accepting", "by_review", "verifying"),
    [
        ("2026-TW1", 2, False, ()),  # no review runs in TW I: the recap (step 2) receives
        ("2026-TW2", 7, True, ()),  # the semester review
        ("2026-TW4", 9, True, (7,)),  # the Kabid verifies, the Sekretaris decides
    ],
)
def test_the_chain_is_the_periods(period: str, accepting: int, by_review: bool, verifying) -> None:  # type: ignore[no-untyped-def]
    plan = acceptance_plan(_seed("dkp3"), Period.parse(period).due())
    assert (plan.accepting, plan.by_review, plan.verifying) == (accepting, by_review, verifying)


def test_without_a_review_the_receiving_step_accepts_when_done() -> None:
    start = SEED_004.index('  - "no": 5')
    end = SEED_004.index('  - "no": 6')
    text = SEED_004[:start] + SEED_004[end:]
    plan = acceptance_plan(_load(text.replace(STEP_4, STEP_4.replace("5", "6"))), TW3)
    assert (plan.accepting, plan.by_review) == (6, False)
    assert plan.on_done(6) is Effect.ACCEPTED
    assert plan.on_done(4) is Effect.NONE


def test_a_question_branch_is_passed_over_for_the_step_every_way_reaches() -> None:
    definition = _load(FEATURES.read_text("utf-8"))
    assert [s.no for s in chain(definition, TW3)] == [1, 2, 3, 4, 5]
    plan = acceptance_plan(definition, TW3)
    assert (plan.accepting, plan.by_review) == (5, False)
    assert "langkah 5" in describe(definition, plan)


def test_acceptance_step_overrides_the_default() -> None:
    text = SEED_004.replace("frequency: triwulan", "frequency: triwulan\nacceptance: {step: 6}")
    plan = acceptance_plan(_load(text), TW3)
    assert (plan.accepting, plan.by_review, plan.explicit) == (6, False, True)
    assert plan.verifying == (5,)
    assert plan.on_approve(5) is Effect.VERIFIED
    assert "(acceptance: step)" in describe(_load(text), plan)


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (9, "acceptance: langkah 9 tidak ada"),
        (1, "berada sebelum pengisian data"),
    ],
)
def test_a_wrong_acceptance_step_is_refused(step: int, message: str) -> None:
    text = SEED_004.replace(
        "frequency: triwulan", f"frequency: triwulan\nacceptance: {{step: {step}}}"
    )
    definition, problems = load_text(text, "uji.yaml")
    assert definition is None
    assert any(message in str(p) for p in problems), problems


def test_an_acceptance_step_on_one_branch_only_is_refused() -> None:
    text = FEATURES.read_text("utf-8").replace(
        "waktu_satuan: menit", "waktu_satuan: menit\nacceptance: {step: 4}"
    )
    definition, problems = load_text(text, "uji.yaml")
    assert definition is None
    assert any("tidak melewati langkah 4" in str(p) for p in problems), problems


def test_verified_label() -> None:
    assert verified_label("Kasubid") == "diverifikasi Kasubid"
    assert verified_label(None) == "diverifikasi"
