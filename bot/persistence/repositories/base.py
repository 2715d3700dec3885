"""What every repository shares: the session it works in."""

from __future__ import annotations

from sqlalchemy.orm import Session


class SqlRepository:
    """Holds the unit of work's session; repositories never commit themselves."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, obj: object) -> None:
        self.session.add(obj)

    def flush(self) -> None:
        """Send pending changes so generated ids exist (still inside the transaction)."""
        self.session.flush()
