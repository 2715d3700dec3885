"""The finite values stored in state and kind columns.

They are stored as short strings (``VARCHAR`` + no native enum type), so adding
a value needs no migration of a PostgreSQL ``ENUM`` type. The engine issue may
move the state enums into ``bot/domain``; the stored strings must stay.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


class UnitKind(StrEnum):
    BADAN = "badan"
    SEKRETARIAT = "sekretariat"
    BIDANG = "bidang"
    SUB_BAGIAN = "sub_bagian"
    SUB_BIDANG = "sub_bidang"
    SEKSI = "seksi"
    LAINNYA = "lainnya"


class Acting(StrEnum):
    """How a person holds a role: definitively, or as Plt / Plh substitute."""

    DEFINITIVE = "definitive"
    PLT = "plt"
    PLH = "plh"


class RunState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TaskState(StrEnum):
    OPEN = "open"
    WAITING = "waiting"
    """A join step that exists but waits for other units' branches to arrive."""
    DONE = "done"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"


class MeasurementState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VERIFIED = "verified"
    """A YES at an earlier review of the chain: checked, not yet final (see
    ``bot.domain.acceptance``)."""
    APPROVED = "approved"
    """Accepted: final and locked."""


class DecisionOutcome(StrEnum):
    APPROVE = "approve"
    RETURN = "return"


class ReminderState(StrEnum):
    INTENDED = "intended"
    SENT = "sent"
    FAILED = "failed"


def enum_column(enum: type[StrEnum], length: int = 20) -> Enum:
    """A VARCHAR column type holding the enum's *values* (not its member names)."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
