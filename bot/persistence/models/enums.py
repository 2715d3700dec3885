"""The domain's finite values as stored in state and kind columns.

The enums themselves live in ``bot.domain.enums`` (persistence imports them from
there). They are stored as short strings (``VARCHAR`` + no native enum type), so
adding a value needs no migration of a PostgreSQL ``ENUM`` type; the stored
strings must stay.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum

from bot.domain.enums import (
    Acting,
    DecisionOutcome,
    MeasurementState,
    ReminderState,
    RunState,
    TaskState,
    UnitKind,
)

__all__ = [
    "Acting",
    "DecisionOutcome",
    "MeasurementState",
    "ReminderState",
    "RunState",
    "TaskState",
    "UnitKind",
    "enum_column",
]


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
