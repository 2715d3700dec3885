"""What the many-figures-at-once use cases hand the handler to show (``Outcome.bulk``).

Plain data, already formatted the Indonesian way, so the templates print and
never compute.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BulkKind(StrEnum):
    ASK = "ask"
    """ "Isi sekaligus": the numbered list and how to type it."""
    ECHO = "echo"
    """What was read, what was not and why, what is still empty; "Simpan semua"."""
    SHEET = "sheet"
    """The input sheet as a document."""
    REFUSED = "refused"
    """A returned sheet not taken: stale (the reason) or with problems (each one)."""
    SAVED = "saved"
    """The batch saved; the summary follows."""


@dataclass(frozen=True)
class ListedIndicator:
    """One row of the numbered list "Isi sekaligus" shows."""

    number: int
    code: str
    name: str
    satuan: str
    target: str | None
    current: str | None
    editable: bool


@dataclass(frozen=True)
class ReadFigure:
    """One figure read, as the echo shows it."""

    code: str
    name: str
    satuan: str
    shown: str
    target: str | None
    capaian: str | None
    capaian_reason: str | None
    category: str | None
    concerns: tuple[str, ...] = ()
    """The plausibility warnings, worded."""
    kendala: str | None = None
    tindak_lanjut: str | None = None
    kendala_required: bool = False
    threshold: str = ""


@dataclass(frozen=True)
class UnreadPiece:
    """A piece of the message not taken: its text and why (``reason`` names the template's case)."""

    number: int
    text: str
    reason: str
    detail: str = ""
    message: str = ""
    """The value rules' own words, for ``reason == "value"``."""


@dataclass(frozen=True)
class BulkShown:
    task_id: int
    kind: BulkKind
    listed: tuple[ListedIndicator, ...] = ()
    figures: tuple[ReadFigure, ...] = ()
    unread: tuple[UnreadPiece, ...] = ()
    missing: tuple[str, ...] = ()
    """Codes of editable indicators still without a value, in neither the drafts nor the batch."""
    from_sheet: bool = False
    period: str = ""
    unit_name: str = ""
    content: bytes = b""
    file_name: str = ""
    stale: str | None = None
    problems: tuple[str, ...] = ()
    saved: int = 0
    changed: bool = False
    """The figures were read again because something changed since the echo."""

    @property
    def concerned(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.figures if f.concerns)
