"""The workflow engine: turns an SOP definition into live work for real people.

It speaks in ids and plain values (no Telegram) and keeps every bit of state
on database rows, so the bot can restart at any moment. Every call takes the
current time as an argument.
"""

from bot.engine.access import TaskView
from bot.engine.errors import (
    AlreadyProcessed,
    EngineError,
    IncompleteInput,
    InvalidInput,
    Locked,
    NotAuthorized,
    NotFound,
    OverlappingRun,
    ReasonRequired,
    RunConflict,
    TaskEnded,
)
from bot.engine.events import EventKind
from bot.engine.inputs import InputLine
from bot.engine.plausibility import KendalaRequired, NeedsConfirmation
from bot.engine.service import Engine

__all__ = [
    "AlreadyProcessed",
    "Engine",
    "EngineError",
    "EventKind",
    "IncompleteInput",
    "InputLine",
    "InvalidInput",
    "KendalaRequired",
    "Locked",
    "NeedsConfirmation",
    "NotAuthorized",
    "NotFound",
    "OverlappingRun",
    "ReasonRequired",
    "RunConflict",
    "TaskEnded",
    "TaskView",
]
