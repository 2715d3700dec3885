"""One update, one unit of work: who is writing, where their conversation stands, what to show.

A service handling one Telegram update opens a ``Turn``: one transaction in
which it finds the member, reads the chat's ``Conversation``, asks the
transition table (``bot.conversation.table``) where an event leads, lets the
engine change rows, stores the task's next position and reads what the reply
needs. ``commit`` writes all of it at once; a failure leaves none of it. The
handler is handed an ``Outcome`` and talks to Telegram only after the commit
(notices go through the outbox, written in the same transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.conversation.state import Conversation, Mode, Position
from bot.conversation.table import NO_FACTS, Effect, Event, Facts, Step, step
from bot.engine import EngineError
from bot.engine.access import authorised
from bot.engine.card import Card, read_card
from bot.engine.inputs import InputLine
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services.bulk_view import BulkShown
from bot.services.context import Services
from bot.services.input_flow import Understood
from bot.services.members import Member, member_in

if TYPE_CHECKING:
    from bot.services.admin import AdminView


@dataclass(frozen=True)
class Gaps:
    """A refused submit: what is missing, with a button to fill each."""

    kind: str
    """"incomplete" (no value nor reason) or "kendala" (below threshold without kendala)."""
    task_id: int
    lines: tuple[InputLine, ...]
    names: tuple[str, ...]
    threshold: str | None = None


@dataclass(frozen=True)
class Decided:
    """A decision taken: the card as it was before, to show above who decided what."""

    card: Card
    approved: bool
    reason: str | None
    chat_id: int | None = None
    message_id: int | None = None
    """Where the card is when the decision came from a typed reason (not a press on it)."""


@dataclass(frozen=True)
class Answered:
    """A question step answered: the card as it was before, to show above the answer."""

    card: Card
    yes: bool


@dataclass(frozen=True)
class Saved:
    """An indicator just saved: what the next message repeats (issue 16)."""

    indicator_id: int
    code: str
    shown: str


@dataclass(frozen=True)
class Submitted:
    """An input sent on: the step it went to and who holds it, said in the one reply."""

    role: str | None
    uraian: str | None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What one update did, for the handler to show after the commit."""

    member: Member | None = None
    effects: tuple[Effect, ...] = ()
    position: Position | None = None
    """The task's position after the update (None: it waits on nothing)."""
    ask: bool = False
    """Send the question of ``position``."""
    card: Card | None = None
    line: InputLine | None = None
    understood: Understood | None = None
    error: str | None = None
    """Why the typed answer was not taken (shown with the question again)."""
    shown: str = ""
    """The value as the kendala question repeats it."""
    count: int = 0
    """Evidence files kept for the task (issue 16: once per task)."""
    noting: bool = False
    """Issue 16: the kendala question was asked by "Tambah catatan" (not by a low capaian)."""
    saved: Saved | None = None
    """Issue 16: the indicator just saved, said before the next question ("Tersimpan: ...")
    with its "Tambah catatan" button."""
    refusal: EngineError | None = None
    """The engine's refusal, shown as it says."""
    notice: str | None = None
    """A short "not now" message (file too early, indicator not editable)."""
    clear_buttons: bool = False
    """Remove the buttons of the message that was pressed."""
    summary: bool = False
    gaps: Gaps | None = None
    submitted: Submitted | None = None
    """Where the work went after a submit."""
    decided: Decided | None = None
    answered: Answered | None = None
    """A question step's YA / TIDAK (not a decision: nothing is approved)."""
    ticked: tuple[int, ...] | None = None
    """The ticks to show on the review card."""
    said: str | None = None
    """A one-line answer through the "stale" template ("Laporan dikembalikan ...")."""
    idle_text: bool = False
    """Typed text no conversation waits for: the greeting."""
    notify: bool = False
    """The engine wrote outbox events: dispatch them."""
    bulk: BulkShown | None = None
    """Issue 16: many figures at once (the list, the echo, the sheet, a refused sheet)."""
    admin: AdminView | None = None
    """issue 19: what the admin's menu shows (``bot.services.admin``)."""

    @property
    def stranger(self) -> bool:
        return self.member is None


STRANGER = Outcome()


@dataclass
class Turn:
    """The one unit of work of an update (see the module's docstring)."""

    services: Services
    uow: SqlAlchemyUnitOfWork
    telegram_user_id: int
    member: Member
    chat: Conversation
    now: datetime
    changed: bool = field(default=False)
    _cards: dict[int, tuple[int, Card]] = field(default_factory=dict, repr=False)
    """Cards read in this turn, with the write mark they were read at."""

    def card(self, task_id: int) -> Card:
        """The task's card; read again only when the turn has written since (a typed figure
        is looked at for a batch, then as one value: one read)."""
        kept = self._cards.get(task_id)
        if kept is not None and kept[0] == self.uow.write_mark():
            return kept[1]
        card = read_card(self.uow, task_id, self.member.person_id, self.now)
        mark = self.uow.write_mark()
        if mark is not None:
            self._cards[task_id] = (mark, card)
        return card

    def require_open(self, task_id: int) -> None:
        """Refuse (``TaskEnded``) unless the task is still open and this member's: every
        button checks it before it asks for anything, so a stale one asks nothing."""
        authorised(self.uow, task_id, self.member.person_id, self.now, reading=True)

    def at(self, task_id: int) -> Position | None:
        return self.chat.at(task_id)

    @property
    def current(self) -> Position | None:
        return self.chat.current

    def move(self, task_id: int, position: Position | None) -> None:
        """The task's conversation now waits on ``position`` (None: on nothing)."""
        self.chat = self.chat.with_position(position) if position else self.chat.without(task_id)
        self.changed = True

    def forget_all(self) -> None:
        self.chat = Conversation()
        self.changed = True

    def save(self) -> None:
        if self.changed:
            self.uow.chats.save(self.telegram_user_id, self.chat, self.now)
            self.changed = False

    def rollback(self) -> None:
        """Undo the engine's change (a refusal) but keep the turn for the position's sake."""
        self.uow.rollback()
        self._cards.clear()

    def outcome(self, **fields: Any) -> Outcome:
        return Outcome(member=self.member, **fields)


def mode_of(position: Position | None) -> Mode:
    return Mode.IDLE if position is None else position.mode


def transition(position: Position | None, event: Event, facts: Facts = NO_FACTS) -> Step | None:
    return step(mode_of(position), event, facts)


@contextmanager
def _turn(services: Services, telegram_user_id: int) -> Iterator[Turn | None]:
    with services.engine.writing() as uow:
        member = member_in(uow, telegram_user_id)
        if member is None:
            yield None
            return
        chat = uow.chats.conversation(telegram_user_id)
        turn = Turn(services, uow, telegram_user_id, member, chat, services.now())
        yield turn
        turn.save()
        uow.commit()


def run_turn(services: Services, telegram_user_id: int, body: Callable[[Turn], Outcome]) -> Outcome:
    """``body`` in one unit of work, committed with the chat's new position.

    An ``EngineError`` that escapes ``body`` (or the commit: another writer was
    first) changes nothing; the member is told, and the position they were at,
    if any, is left as it was.
    """
    for attempt in (1, 2):
        member: Member | None = None
        try:
            with _turn(services, telegram_user_id) as turn:
                if turn is None:
                    return STRANGER
                member = turn.member
                return body(turn)
        except EngineError as error:
            if member is not None:
                return Outcome(member=member, refusal=error)
            # Lost the database before the writer was known (SQLite's write lock held
            # past its timeout): ``body`` never ran, so one more try is safe; after that
            # the error handler apologises. Never answer "not registered" here.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
