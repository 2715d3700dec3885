"""What the engine refuses, in words a user can be shown (Bahasa Indonesia)."""

from __future__ import annotations


class EngineError(Exception):
    """Base: the message is safe to show to the person who asked."""


class NotFound(EngineError):
    """The task, run, organisation or unit does not exist (or is not theirs to see)."""


class NotAuthorized(EngineError):
    """The person does not hold the step's role for that unit on that date."""


class AlreadyProcessed(EngineError):
    """The task was already done or decided: a double tap, a stale button, a retry."""

    def __init__(self, message: str = "Tugas ini sudah diproses.") -> None:
        super().__init__(message)


class TaskEnded(AlreadyProcessed):
    """The task is no longer open (done, decided, cancelled): its buttons are stale."""


class ReasonRequired(EngineError):
    """A return (TIDAK) or a cancellation needs a reason."""


class IncompleteInput(EngineError):
    """An input step cannot finish while indicators have neither a value nor a reason."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        names = "; ".join(missing)
        super().__init__(
            f"Belum lengkap: {len(missing)} indikator belum diisi "
            f"(isi nilainya atau tandai 'belum ada data' dengan alasan): {names}"
        )


class InvalidInput(EngineError):
    """A value the engine cannot store as given."""


class Locked(EngineError):
    """An approved figure: it cannot change until someone above the approver re-opens it."""


class RunConflict(EngineError):
    """A run for this SOP, organisation and period is already open."""


class OverlappingRun(RunConflict):
    """A run of another SOP collects the same indicators for the same organisation and period.

    Refused unless the admin says so explicitly (``allow_overlap``)."""

    def __init__(self, message: str, run_ids: list[int]) -> None:
        self.run_ids = run_ids
        super().__init__(message)
