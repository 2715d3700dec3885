"""The conversation as data: typed positions, the transition table and its diagrams.

No Telegram and no database: plain values in, plain values out.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.conversation import diagram
from bot.conversation.state import (
    INPUT_MODES,
    LEGACY_KEYS,
    AskingEvidence,
    AskingKendala,
    AskingValue,
    Confirming,
    Conversation,
    Mode,
    ReviewReason,
    UnreadableState,
    moved,
    read,
)
from bot.conversation.table import (
    TABLE,
    Effect,
    Event,
    Facts,
    ambiguous,
    step,
    traps,
    unreachable,
)

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"


# --- the table ------------------------------------------------------------------------------
def test_every_mode_is_reachable_and_none_is_a_trap() -> None:
    assert unreachable() == set()
    assert traps() == set()


def test_no_transition_hides_behind_an_unguarded_one() -> None:
    assert ambiguous() == []


def test_every_guard_has_a_name() -> None:
    for t in TABLE:
        if t.guard is not None:
            assert t.guard.__name__ not in ("", "<lambda>")


def test_understood_value_is_echoed_then_confirmed_to_kendala_only_when_required() -> None:
    """Issue 16: kendala only below the threshold; otherwise the next indicator, the task's
    evidence once, or the summary."""
    echoed = step(Mode.VALUE, Event.VALUE_TYPED, Facts(understood=True))
    assert echoed is not None
    assert (echoed.effects, echoed.target) == ((Effect.ECHO,), Mode.CONFIRM)
    below = Facts(saved=True, required=frozenset({"kendala", "tindak_lanjut"}))
    saved = step(Mode.CONFIRM, Event.CONFIRM, below)
    assert saved is not None
    assert saved.target is Mode.KENDALA
    assert saved.effects == (Effect.SAVE_VALUE, Effect.ASK_KENDALA)
    onwards = {
        Facts(saved=True, more_to_fill=True): (Mode.VALUE, Effect.ASK_VALUE),
        Facts(saved=True, evidence_due=True): (Mode.EVIDENCE, Effect.ASK_EVIDENCE),
        Facts(saved=True): (Mode.IDLE, Effect.SHOW_SUMMARY),
    }
    for facts, (target, effect) in onwards.items():
        found = step(Mode.CONFIRM, Event.CONFIRM, facts)
        assert found is not None and found.target is target
        assert found.effects == (Effect.SAVE_VALUE, effect)


def test_tambah_catatan_asks_the_optional_kendala() -> None:
    for mode in (Mode.IDLE, Mode.VALUE, Mode.EVIDENCE):
        found = step(mode, Event.NOTE, Facts(editable=True))
        assert found is not None and found.target is Mode.KENDALA
    assert step(Mode.VALUE, Event.NOTE, Facts(editable=False)) is None


def test_a_new_concern_at_confirmation_echoes_again() -> None:
    again = step(Mode.CONFIRM, Event.CONFIRM, Facts(saved=False))
    assert again is not None
    assert (again.effects, again.target) == ((Effect.ECHO,), Mode.CONFIRM)


def test_bad_number_asks_again() -> None:
    found = step(Mode.VALUE, Event.VALUE_TYPED, Facts(understood=False))
    assert found is not None
    assert found.target is Mode.VALUE and Effect.ASK_VALUE_AGAIN in found.effects


@pytest.mark.parametrize(
    ("mode", "question", "target"),
    [
        (Mode.KENDALA, "kendala", Mode.TINDAK_LANJUT),
        (Mode.TINDAK_LANJUT, "tindak_lanjut", Mode.IDLE),  # issue 16: no evidence per indicator
    ],
)
def test_skip_only_when_the_question_is_optional(mode: Mode, question: str, target: Mode) -> None:
    skipped = step(mode, Event.SKIP, Facts())
    assert skipped is not None and skipped.target is target
    assert step(mode, Event.SKIP, Facts(required=frozenset({question}))) is None


def test_evidence_then_next_indicator_or_summary() -> None:
    more = step(Mode.EVIDENCE, Event.SKIP, Facts(more_to_fill=True))
    done = step(Mode.EVIDENCE, Event.SKIP, Facts(more_to_fill=False))
    assert more is not None and more.target is Mode.VALUE
    assert done is not None and done.target is Mode.IDLE
    assert done.effects == (Effect.SHOW_SUMMARY,)


def test_old_buttons_belong_to_no_position() -> None:
    assert step(Mode.IDLE, Event.CONFIRM, Facts(saved=True)) is None
    assert step(Mode.KENDALA, Event.CONFIRM, Facts(saved=True)) is None
    assert step(Mode.IDLE, Event.TICK) is None
    assert step(Mode.IDLE, Event.SKIP) is None


def test_a_file_is_refused_before_the_evidence_question() -> None:
    for mode in INPUT_MODES:
        found = step(mode, Event.FILE_SENT)
        assert found is not None and found.target is mode
        expected = Effect.SAVE_EVIDENCE if mode is Mode.EVIDENCE else Effect.FILE_NOT_NOW
        assert expected in found.effects


def test_submit_from_anywhere_in_the_input() -> None:
    for mode in (Mode.IDLE, *INPUT_MODES):
        sent = step(mode, Event.SUBMIT, Facts(complete=True))
        kept = step(mode, Event.SUBMIT, Facts(complete=False))
        assert sent is not None and sent.target is Mode.IDLE
        assert Effect.NOTIFY in sent.effects
        assert kept is not None and kept.target is mode


def test_review_reason_outcomes() -> None:
    start = step(Mode.IDLE, Event.RETURN, Facts(is_review=True))
    assert start is not None and start.target is Mode.REVIEW_REASON
    assert step(Mode.IDLE, Event.RETURN, Facts(is_review=False)) is None
    decided = step(Mode.REVIEW_REASON, Event.REASON_TYPED, Facts(saved=True))
    gone = step(Mode.REVIEW_REASON, Event.REASON_TYPED, Facts(already_processed=True))
    retry = step(Mode.REVIEW_REASON, Event.REASON_TYPED, Facts())
    assert decided is not None and decided.target is Mode.IDLE
    assert gone is not None and gone.target is Mode.IDLE
    assert retry is not None and retry.target is Mode.REVIEW_REASON


def test_a_question_is_answered_not_decided() -> None:
    answered = step(Mode.IDLE, Event.ANSWER, Facts(is_question=True))
    assert answered is not None and answered.target is Mode.IDLE
    assert answered.effects == (Effect.ANSWER_QUESTION, Effect.NOTIFY)
    assert Effect.DECIDE_APPROVE not in answered.effects
    assert step(Mode.IDLE, Event.ANSWER, Facts(is_review=True)) is None  # a review is not asked
    assert step(Mode.REVIEW_REASON, Event.ANSWER, Facts(is_question=True)) is None
    assert "answer_question" in diagram.mermaid("question.mmd")


def test_cancel_and_refusal_end_every_position() -> None:
    for mode in (*INPUT_MODES, Mode.REVIEW_REASON):
        cancelled = step(mode, Event.CANCEL)
        assert cancelled is not None and cancelled.target is Mode.IDLE
    for mode in INPUT_MODES:
        refused = step(mode, Event.REFUSED)
        assert refused is not None and refused.target is Mode.IDLE


# --- the diagrams ---------------------------------------------------------------------------
def test_committed_diagrams_are_drawn_from_the_table() -> None:
    assert diagram.stale(HANDLERS) == [], "run: python -m bot.conversation"


def test_a_changed_diagram_is_noticed(tmp_path: Path) -> None:
    diagram.write(tmp_path)
    assert diagram.stale(tmp_path) == []
    (tmp_path / "input.mmd").write_text("stateDiagram-v2\n", encoding="utf-8")
    assert diagram.stale(tmp_path) == ["input.mmd"]


def test_every_mode_appears_in_a_diagram() -> None:
    drawn = "".join(diagram.mermaid(name) for name in diagram.FLOWS)
    for mode in Mode:
        assert f" {mode.value} " in drawn or f"--> {mode.value}:" in drawn


# --- positions ------------------------------------------------------------------------------
def _value(task: int = 7, indicator: int = 3) -> AskingValue:
    return AskingValue(task_id=task, indicator_id=indicator, code="IWK-01")


def test_positions_are_kept_per_task_so_an_input_survives_a_review() -> None:
    chat = Conversation().with_position(_value(task=7))
    review = ReviewReason(task_id=9, card_chat_id=1, card_message_id=2)
    chat = chat.with_position(review)
    assert chat.current == review
    assert chat.at(7) == _value(task=7)
    after = chat.without(9)
    assert after.current == _value(task=7)
    assert after.without(7).empty and after.without(7).current is None


def test_a_stored_conversation_round_trips_through_json() -> None:
    confirming = Confirming(
        task_id=7, indicator_id=3, code="IWK-01", pending=Decimal("82.5"), shown="82,5"
    )
    chat = Conversation().with_position(confirming)
    again = read(chat.to_json())
    assert again == chat
    assert isinstance(again.current, Confirming) and again.current.pending == Decimal("82.5")


def test_moved_keeps_the_task_and_indicator() -> None:
    kendala = moved(_value(), Mode.KENDALA, required=("kendala",))
    assert isinstance(kendala, AskingKendala)
    assert (kendala.task_id, kendala.indicator_id, kendala.requires("kendala")) == (7, 3, True)
    assert isinstance(moved(kendala, Mode.EVIDENCE), AskingEvidence)


def test_a_position_of_unknown_shape_is_refused() -> None:
    with pytest.raises(UnreadableState):
        read({"version": 2, "active": 1, "positions": {"1": {"mode": "input_value"}}})
    with pytest.raises(UnreadableState):
        read({"version": 2, "active": 1, "positions": {"1": {"mode": "dancing", "task_id": 1}}})


# --- the old shape (version 1) --------------------------------------------------------------
def test_the_old_shape_has_thirteen_keys() -> None:
    assert len(LEGACY_KEYS) == 13


def test_an_old_confirmation_is_read_as_a_position() -> None:
    old = {
        "mode": "input_confirm",
        "task_id": 7,
        "indicator_id": 3,
        "single": False,
        "code": "IWK-01",
        "pending": "82.5",
        "shown": "82,5",
        "concerns": ["jump"],
        "required": [],
        "below": None,
    }
    chat = read(old)
    assert chat.active == 7
    position = chat.current
    assert isinstance(position, Confirming)
    assert position.pending == Decimal("82.5") and position.concerns == ("jump",)


def test_an_old_review_reason_is_read_as_a_position() -> None:
    old = {
        "mode": "review_reason",
        "task_id": 9,
        "card_chat_id": 5,
        "card_message_id": 6,
        "ticked": [4],
    }
    assert read(old).current == ReviewReason(
        task_id=9, card_chat_id=5, card_message_id=6, ticked=(4,)
    )


def test_an_old_kendala_after_an_echo_drops_the_cleared_keys() -> None:
    old = {
        "mode": "input_kendala",
        "task_id": 7,
        "indicator_id": 3,
        "pending": None,
        "shown": None,
        "concerns": None,
        "required": ["kendala"],
        "below": {"capaian": "50%", "threshold": "90%"},
    }
    position = read(old).current
    assert isinstance(position, AskingKendala) and position.requires("kendala")
    assert position.below is not None and position.below.threshold == "90%"


def test_an_empty_old_state_is_an_empty_conversation() -> None:
    assert read({}).empty and read(None).empty and read({"mode": None}).empty
