"""The finite values of the domain: unit kinds, acting capacities, run, task, measurement,
decision and reminder states.

Persistence stores them as short strings (``bot.persistence.models.enums``), so
the values here are stored data: adding one needs no migration, changing one does.
"""

from __future__ import annotations

from enum import StrEnum


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
