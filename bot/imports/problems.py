"""Row-level import problems, worded for the person who fixes the file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a value sits: a sheet and row of an XLSX, or a section and item of YAML."""

    sheet: str | None = None
    row: int | None = None
    yaml: bool = False

    def cell(self, column: str | None) -> str:
        parts: list[str] = []
        if self.sheet:
            parts.append(f"{'Bagian' if self.yaml else 'Sheet'} {self.sheet}")
        if self.row is not None:
            parts.append(f"{'butir' if self.yaml else 'baris'} {self.row}")
        if column:
            parts.append(f"kolom {column}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    location: Location
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.location.cell(self.column)
        return f"{where}: {self.message}" if where else self.message


class ImportFailed(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self, limit: int = 50) -> str:
        lines = [f"Impor dibatalkan, tidak ada data yang diubah ({len(self.problems)} masalah):"]
        lines += [f"- {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"- ... dan {len(self.problems) - limit} masalah lain")
        return "\n".join(lines)


class Problems:
    """Collects problems while a file is read, so the user sees all of them at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, location: Location, column: str | None, message: str) -> None:
        self.items.append(Problem(location, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportFailed(self.items)
