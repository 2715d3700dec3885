"""Where a person's conversation stands: one typed, versioned document per chat.

A *position* is what one task's conversation waits on: an input question
(value, confirmation, no-data reason, kendala, tindak lanjut, evidence) or a
review's reason. Positions are a discriminated union on ``mode``, so a stored
position is either one of these shapes or refused when read.

A chat keeps one position per task (``Conversation.positions``) and names the
one typed text goes to (``active``). Starting a review therefore leaves an
input in progress where it was; when the review is decided, typed text goes to
the input again.

Stored as JSON (``chat_states.state``) with ``version``; the old shape (one
flat dict of 13 keys, no version) is converted by migration 0009 with
``from_legacy`` below, which is also used to read any row the migration has
not seen.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

VERSION = 2
"""Version 1 is the unversioned flat dict stored before migration 0009."""


class Mode(StrEnum):
    """Where one task's conversation waits; ``IDLE`` is stored as no position at all."""

    IDLE = "idle"
    VALUE = "input_value"
    CONFIRM = "input_confirm"
    NO_DATA = "input_no_data"
    KENDALA = "input_kendala"
    TINDAK_LANJUT = "input_tindak_lanjut"
    EVIDENCE = "input_evidence"
    REVIEW_REASON = "review_reason"


INPUT_MODES: tuple[Mode, ...] = (
    Mode.VALUE,
    Mode.CONFIRM,
    Mode.NO_DATA,
    Mode.KENDALA,
    Mode.TINDAK_LANJUT,
    Mode.EVIDENCE,
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Below(_Frozen):
    """A value below the kendala threshold: the capaian and threshold the questions show."""

    capaian: str | None = None
    threshold: str | None = None


class _InputPosition(_Frozen):
    """Common to every input question: the task, the indicator and what the value demanded."""

    task_id: int
    indicator_id: int
    code: str = ""
    single: bool = False
    """Editing one indicator from the summary: after it, back to the summary."""
    required: tuple[str, ...] = ()
    """Questions without "Lewati" ("kendala", "tindak_lanjut") after a value below threshold."""
    below: Below | None = None

    def requires(self, question: str) -> bool:
        return question in self.required


class AskingValue(_InputPosition):
    mode: Literal[Mode.VALUE] = Mode.VALUE


class Confirming(_InputPosition):
    """The understood value echoed, waiting for "Benar, simpan"."""

    mode: Literal[Mode.CONFIRM] = Mode.CONFIRM
    pending: Decimal
    shown: str
    concerns: tuple[str, ...] = ()
    """Plausibility concern kinds that confirming confirms."""


class AskingNoData(_InputPosition):
    mode: Literal[Mode.NO_DATA] = Mode.NO_DATA


class AskingKendala(_InputPosition):
    mode: Literal[Mode.KENDALA] = Mode.KENDALA


class AskingTindakLanjut(_InputPosition):
    mode: Literal[Mode.TINDAK_LANJUT] = Mode.TINDAK_LANJUT


class AskingEvidence(_InputPosition):
    """Issue 16: the task's evidence, asked once (files go to the whole task, not to
    ``indicator_id``, which only names where the input stood). A position stored before
    issue 16 (evidence per indicator) reads the same and now collects for the task, so no
    stored position needs migrating."""

    mode: Literal[Mode.EVIDENCE] = Mode.EVIDENCE


class ReviewReason(_Frozen):
    """A return (Kembalikan) waiting for its typed reason; ``ticked`` indicators to correct."""

    mode: Literal[Mode.REVIEW_REASON] = Mode.REVIEW_REASON
    task_id: int
    card_chat_id: int
    card_message_id: int
    ticked: tuple[int, ...] = ()


InputPosition = (
    AskingValue | Confirming | AskingNoData | AskingKendala | AskingTindakLanjut | AskingEvidence
)
Position = Annotated[InputPosition | ReviewReason, Field(discriminator="mode")]
POSITION: TypeAdapter[Position] = TypeAdapter(Position)

_BY_MODE: dict[Mode, type[_Frozen]] = {
    Mode.VALUE: AskingValue,
    Mode.CONFIRM: Confirming,
    Mode.NO_DATA: AskingNoData,
    Mode.KENDALA: AskingKendala,
    Mode.TINDAK_LANJUT: AskingTindakLanjut,
    Mode.EVIDENCE: AskingEvidence,
    Mode.REVIEW_REASON: ReviewReason,
}


def moved(position: InputPosition, mode: Mode, **changes: Any) -> InputPosition:
    """The same task and indicator at another input question (what a transition writes)."""
    kept = position.model_dump(include=set(_InputPosition.model_fields))
    made = _BY_MODE[mode](**{**kept, **changes})
    assert not isinstance(made, ReviewReason)
    return made  # type: ignore[return-value]


class Conversation(_Frozen):
    """Everything one chat waits on: a position per task, and the task typed text goes to."""

    version: Literal[2] = VERSION
    active: int | None = None
    positions: dict[int, Position] = Field(default_factory=dict)
    """Insertion order is recency: the last one set is the newest."""

    @property
    def current(self) -> Position | None:
        """The position typed text and files go to."""
        return self.positions.get(self.active) if self.active is not None else None

    def at(self, task_id: int) -> Position | None:
        return self.positions.get(task_id)

    def with_position(self, position: Position) -> Conversation:
        """``position`` set for its task and made the active one."""
        others = {k: v for k, v in self.positions.items() if k != position.task_id}
        others[position.task_id] = position
        return Conversation(active=position.task_id, positions=others)

    def without(self, task_id: int) -> Conversation:
        """The task's position gone; typed text goes to the newest position left, if any."""
        others = {k: v for k, v in self.positions.items() if k != task_id}
        active = self.active if self.active in others else next(reversed(others), None)
        return Conversation(active=active, positions=others)

    @property
    def empty(self) -> bool:
        return not self.positions

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class UnreadableState(ValueError):
    """A stored conversation that is neither this version nor the old shape."""


def read(raw: dict[str, Any] | None) -> Conversation:
    """A stored document (this version or the old flat shape) as a ``Conversation``."""
    if not raw:
        return Conversation()
    try:
        if raw.get("version") == VERSION:
            return Conversation.model_validate(raw)
        return from_legacy(raw)
    except ValidationError as error:
        raise UnreadableState(str(error)) from error


LEGACY_KEYS = frozenset(
    {
        "mode",
        "task_id",
        "indicator_id",
        "single",
        "code",
        "pending",
        "shown",
        "concerns",
        "required",
        "below",
        "card_chat_id",
        "card_message_id",
        "ticked",
    }
)
"""The 13 keys of version 1: one flat position per person, keyed by the person alone."""


def from_legacy(raw: dict[str, Any]) -> Conversation:
    """A version-1 position (its ``None`` values meaning "not set") as a conversation."""
    fields = {k: v for k, v in raw.items() if k in LEGACY_KEYS and v is not None}
    mode = fields.get("mode")
    if mode not in {m.value for m in _BY_MODE}:
        return Conversation()  # nothing awaited (or a mode no version ever had)
    if mode != Mode.CONFIRM:
        for key in ("pending", "shown", "concerns"):
            fields.pop(key, None)
    if mode == Mode.REVIEW_REASON:
        fields = {
            k: v
            for k, v in fields.items()
            if k in {"mode", "task_id", "card_chat_id", "card_message_id", "ticked"}
        }
    else:
        for key in ("card_chat_id", "card_message_id", "ticked"):
            fields.pop(key, None)
        if mode == Mode.CONFIRM:
            fields.setdefault("shown", str(fields.get("pending", "")))
    position = POSITION.validate_python(fields)
    return Conversation().with_position(position)
