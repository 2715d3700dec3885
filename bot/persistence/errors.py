"""Errors the persistence layer raises in domain terms.

Callers (engine, handlers) catch these, never SQLAlchemy's own exceptions.
"""

from __future__ import annotations


class PersistenceError(Exception):
    """Base for the errors below."""


class ConcurrentUpdateError(PersistenceError):
    """Someone else changed the same task or measurement first; reload and retry."""

    def __init__(
        self, message: str = "Data telah diubah oleh pengguna lain; silakan ulangi."
    ) -> None:
        super().__init__(message)


class RunAlreadyOpenError(PersistenceError):
    """A run for this SOP, organisation, root unit and period is already open."""


class DuplicateKeyError(PersistenceError):
    """A unique key (invite code, reminder key...) is already taken."""
