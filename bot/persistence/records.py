"""Plain, read-only copies of rows, for reads that show or check and change nothing.

Loading an ORM object costs several times the query on SQLite: SQLAlchemy builds
the loading functions of each mapped class for every result, and tracks what it
loaded. A ``Record`` holds the same columns under the same attribute names, so
code that only reads (the checks before an update, a card shown on every press)
takes either; code that changes a row asks for the ORM object (issue 15).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, Select, inspect


class Record(SimpleNamespace):
    """One row's columns as attributes; relationships only where the reader set them."""


def labelled(model: type[Any], prefix: str, *keys: str) -> list[ColumnElement[Any]]:
    """``model``'s columns (only ``keys`` when given), labelled ``prefix + attribute`` so
    that several tables' columns share one flat row (``Shape`` splits it again)."""
    return [
        attribute.columns[0].label(prefix + attribute.key)
        for attribute in inspect(model).column_attrs
        if not keys or attribute.key in keys
    ]


class Shape:
    """Where each prefix's columns sit in a statement's flat rows (see ``labelled``), found
    once per statement; ``split`` then costs a few microseconds a row."""

    def __init__(self, statement: Select[Any], *prefixes: str) -> None:
        names = list(statement.selected_columns.keys())
        self._parts = {
            prefix: tuple(
                (index, name[len(prefix) :])
                for index, name in enumerate(names)
                if name.startswith(prefix)
            )
            for prefix in prefixes
        }

    def split(self, row: Sequence[Any]) -> dict[str, Record]:
        """One record per prefix, its attributes named as the model's."""
        return {
            prefix: Record(**{key: row[index] for index, key in columns})
            for prefix, columns in self._parts.items()
        }
