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
    # issue 16: many figures at once (typed in one message, or an Excel sheet sent back)
    BATCH = "input_batch"
    BATCH_CONFIRM = "input_batch_confirm"
    # issue 19: the admin's menu in a private chat (``ADMIN_SLOT``, not a task)
    ADMIN_INVITE_ROLE = "admin_invite_role"
    ADMIN_INVITE_PERSON = "admin_invite_person"
    ADMIN_AWAIT_FILE = "admin_await_file"
    ADMIN_UPLOAD_REVIEW = "admin_upload_review"
    ADMIN_RUN_PERIOD = "admin_run_period"
    ADMIN_REOPEN_UNIT = "admin_reopen_unit"
    ADMIN_REOPEN_REASON = "admin_reopen_reason"


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


# issue 16: many figures at once ----------------------------------------------------------
class PendingFigure(_Frozen):
    """One figure of a batch, read and checked, waiting for the batch's one confirmation."""

    indicator_id: int
    code: str
    value: Decimal
    shown: str
    concerns: tuple[str, ...] = ()
    """Plausibility concern kinds the batch's confirmation confirms."""
    kendala: str | None = None
    tindak_lanjut: str | None = None


class AskingBatch(_Frozen):
    """ "Isi sekaligus": waiting for one message with several figures."""

    mode: Literal[Mode.BATCH] = Mode.BATCH
    task_id: int


class ConfirmingBatch(_Frozen):
    """The figures read from messages or a returned sheet, waiting for "Simpan semua"."""

    mode: Literal[Mode.BATCH_CONFIRM] = Mode.BATCH_CONFIRM
    task_id: int
    figures: tuple[PendingFigure, ...] = ()
    from_sheet: bool = False


BatchPosition = AskingBatch | ConfirmingBatch
BATCH_MODES: tuple[Mode, ...] = (Mode.BATCH, Mode.BATCH_CONFIRM)
# --- end issue 16


# issue 19: the admin's menu. Its position sits in the slot of a task id no task has (0),
# so it is kept, made active, left and cancelled (/batal) like any task's.
ADMIN_SLOT = 0


class _AdminPosition(_Frozen):
    task_id: Literal[0] = ADMIN_SLOT


class InvitingRole(_AdminPosition):
    """A unit chosen for an invite: the role is asked."""

    mode: Literal[Mode.ADMIN_INVITE_ROLE] = Mode.ADMIN_INVITE_ROLE
    unit_id: int


class InvitingPerson(_AdminPosition):
    """Unit and role chosen: the person (without a Telegram account yet) is asked."""

    mode: Literal[Mode.ADMIN_INVITE_PERSON] = Mode.ADMIN_INVITE_PERSON
    unit_id: int
    role_key: str


class AwaitingFile(_AdminPosition):
    """The targets workbook (``targets``) or the organisation file (``org``) is awaited."""

    mode: Literal[Mode.ADMIN_AWAIT_FILE] = Mode.ADMIN_AWAIT_FILE
    kind: Literal["targets", "org"]


class ReviewingUpload(_AdminPosition):
    """A checked file kept (``admin_uploads``) until "Simpan" or "Batal"."""

    mode: Literal[Mode.ADMIN_UPLOAD_REVIEW] = Mode.ADMIN_UPLOAD_REVIEW
    kind: Literal["targets", "org"]
    upload_id: int


class ChoosingPeriod(_AdminPosition):
    """An SOP chosen for a new run: the period is asked."""

    mode: Literal[Mode.ADMIN_RUN_PERIOD] = Mode.ADMIN_RUN_PERIOD
    sop_id: str


class ChoosingReopenUnit(_AdminPosition):
    """A run chosen: the unit whose approved figures open again is asked."""

    mode: Literal[Mode.ADMIN_REOPEN_UNIT] = Mode.ADMIN_REOPEN_UNIT
    run_id: int


class ReopenReason(_AdminPosition):
    """Run and unit chosen: the reason is typed."""

    mode: Literal[Mode.ADMIN_REOPEN_REASON] = Mode.ADMIN_REOPEN_REASON
    run_id: int
    unit_id: int


AdminPosition = (
    InvitingRole
    | InvitingPerson
    | AwaitingFile
    | ReviewingUpload
    | ChoosingPeriod
    | ChoosingReopenUnit
    | ReopenReason
)
ADMIN_MODES: tuple[Mode, ...] = (
    Mode.ADMIN_INVITE_ROLE,
    Mode.ADMIN_INVITE_PERSON,
    Mode.ADMIN_AWAIT_FILE,
    Mode.ADMIN_UPLOAD_REVIEW,
    Mode.ADMIN_RUN_PERIOD,
    Mode.ADMIN_REOPEN_UNIT,
    Mode.ADMIN_REOPEN_REASON,
)

InputPosition = (
    AskingValue | Confirming | AskingNoData | AskingKendala | AskingTindakLanjut | AskingEvidence
)
Position = Annotated[
    InputPosition | ReviewReason | BatchPosition | AdminPosition, Field(discriminator="mode")
]
POSITION: TypeAdapter[Position] = TypeAdapter(Position)

_BY_MODE: dict[Mode, type[_Frozen]] = {
    Mode.VALUE: AskingValue,
    Mode.CONFIRM: Confirming,
    Mode.NO_DATA: AskingNoData,
    Mode.KENDALA: AskingKendala,
    Mode.TINDAK_LANJUT: AskingTindakLanjut,
    Mode.EVIDENCE: AskingEvidence,
    Mode.REVIEW_REASON: ReviewReason,
    Mode.BATCH: AskingBatch,
    Mode.BATCH_CONFIRM: ConfirmingBatch,
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
