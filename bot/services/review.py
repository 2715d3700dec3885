"""A review card's decisions as use cases: approve, start a return, tick, the typed reason;
and a question step's YA / TIDAK, which is not a decision (it approves nothing).

One unit of work per update: the decision, the conversation's position and the
card shown afterwards are committed together (``bot.services.turn``). A return
waits for its reason in a position of its own (``ReviewReason``), kept beside an
input in progress on another task, which typed text reaches again afterwards.
"""

from __future__ import annotations

from bot.conversation.state import ReviewReason
from bot.conversation.table import Effect, Event, Facts
from bot.domain.sop import StepKind
from bot.engine import AlreadyProcessed, EngineError, InvalidInput, Locked, actions
from bot.services.context import Services
from bot.services.turn import Answered, Decided, Outcome, Turn, run_turn, transition

ENDED = (AlreadyProcessed, Locked)
"""Refusals after which the return cannot go on: decided elsewhere, or locked."""


def open_card(services: Services, user_id: int, task_id: int) -> Outcome:
    """The card as it is now (from /tugas, a notice or a reminder)."""
    return run_turn(services, user_id, lambda turn: turn.outcome(card=turn.card(task_id)))


def finish(services: Services, user_id: int, task_id: int) -> Outcome:
    """A plain step done with one press."""

    def body(turn: Turn) -> Outcome:
        card = turn.card(task_id)
        actions.complete_task(turn.uow, task_id, turn.member.person_id, now=turn.now)
        return turn.outcome(effects=(Effect.COMPLETE_TASK, Effect.NOTIFY), card=card, notify=True)

    return run_turn(services, user_id, body)


def approve(services: Services, user_id: int, task_id: int) -> Outcome:
    """YA: the figures approved; the card turns into its record."""

    def body(turn: Turn) -> Outcome:
        card = turn.card(task_id)
        found = transition(turn.at(task_id), Event.APPROVE)
        actions.decide(
            turn.uow,
            task_id,
            turn.member.person_id,
            approve=True,
            now=turn.now,
            reason=None,
            correct=(),
        )
        if turn.at(task_id) is not None:
            turn.move(task_id, None)  # a return was begun on this card: it is over
        return turn.outcome(
            effects=found.effects if found else (Effect.DECIDE_APPROVE, Effect.NOTIFY),
            card=card,
            decided=Decided(card, approved=True, reason=None),
            notify=True,
        )

    return run_turn(services, user_id, body)


def answer(services: Services, user_id: int, task_id: int, *, yes: bool) -> Outcome:
    """YA or TIDAK on a question step: the run takes that branch; the card shows the answer."""

    def body(turn: Turn) -> Outcome:
        card = turn.card(task_id)
        is_question = card.view.kind is StepKind.QUESTION
        found = transition(turn.at(task_id), Event.ANSWER, Facts(is_question=is_question))
        actions.answer(turn.uow, task_id, turn.member.person_id, yes=yes, now=turn.now)
        return turn.outcome(
            effects=found.effects if found else (Effect.ANSWER_QUESTION, Effect.NOTIFY),
            card=card,
            answered=Answered(card, yes=yes),
            notify=True,
        )

    return run_turn(services, user_id, body)


def start_return(
    services: Services, user_id: int, task_id: int, card_chat_id: int, card_message_id: int
) -> Outcome:
    """ "Kembalikan": tick the indicators to correct, then type the reason."""

    def body(turn: Turn) -> Outcome:
        turn.require_open(task_id)  # an approved card's "Kembalikan" asks for nothing
        card = turn.card(task_id)
        is_review = card.view.kind is StepKind.REVIEW
        found = transition(turn.at(task_id), Event.RETURN, Facts(is_review=is_review))
        if found is None:
            raise InvalidInput("Langkah ini bukan keputusan.")
        position = ReviewReason(
            task_id=task_id, card_chat_id=card_chat_id, card_message_id=card_message_id
        )
        turn.move(task_id, position)
        return turn.outcome(effects=found.effects, position=position, card=card, ticked=())

    return run_turn(services, user_id, body)


def tick(services: Services, user_id: int, task_id: int, indicator_id: int) -> Outcome:
    """Tick or untick an indicator to correct on a return in progress."""

    def body(turn: Turn) -> Outcome:
        turn.require_open(task_id)
        position = turn.at(task_id)
        if not isinstance(position, ReviewReason) or transition(position, Event.TICK) is None:
            return turn.outcome(said="Tekan Kembalikan lagi pada kartu tugasnya.")
        ticked = tuple(sorted(set(position.ticked) ^ {indicator_id}))
        turn.move(task_id, position.model_copy(update={"ticked": ticked}))
        card = turn.card(task_id)
        return turn.outcome(effects=(Effect.TOGGLE_TICK,), card=card, ticked=ticked)

    return run_turn(services, user_id, body)


def reason_typed(turn: Turn, position: ReviewReason, reason: str) -> Outcome:
    """The typed reason of a return: decided, and the card turns into its record."""
    task_id = position.task_id
    try:
        card = turn.card(task_id)
        actions.decide(
            turn.uow,
            task_id,
            turn.member.person_id,
            approve=False,
            now=turn.now,
            reason=reason,
            correct=position.ticked,
        )
    except EngineError as error:
        turn.rollback()
        found = transition(
            position, Event.REASON_TYPED, Facts(already_processed=isinstance(error, ENDED))
        )
        if found is not None and found.target is not position.mode:
            turn.move(task_id, None)
        return turn.outcome(effects=(Effect.TELL_REFUSAL,), refusal=error)
    found = transition(position, Event.REASON_TYPED, Facts(saved=True))
    assert found is not None
    turn.move(task_id, None)
    decided = Decided(
        card,
        approved=False,
        reason=reason,
        chat_id=position.card_chat_id,
        message_id=position.card_message_id,
    )
    return turn.outcome(
        effects=found.effects,
        decided=decided,
        said="Laporan dikembalikan beserta alasannya.",
        notify=True,
    )
