"""Reading one cell: text, number, yes/no, date, or one of a few choices.

XLSX cells arrive as numbers, dates or text; YAML values as scalars. Numbers
typed as Indonesian text ("12,5", "1.234") go through the bot's own parser, so
an import accepts exactly what a chat message would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.domain.text_clean import clean_text
from bot.imports.problems import Location, Problems

_TRUE = {"ya", "y", "yes", "true", "benar", "1", "aktif"}
_FALSE = {"tidak", "t", "no", "false", "salah", "0", "nonaktif", "tidak aktif"}


def norm_key(text: str) -> str:
    """Header / choice comparison key: lower case, letters and digits only."""
    return "".join(ch for ch in str(text).lower() if ch.isalnum())


class CellError(ValueError):
    """A value that cannot be read; ``str()`` is the message for the user."""


def to_number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(f"'{value}' bukan angka")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip()
    from bot.domain.numbers import NumberError, parse_number

    try:
        return parse_number(text).value
    except NumberError as exc:
        if exc.reason in ("unknown_word", "no_digits"):
            raise CellError(f"'{text}' bukan angka") from exc
        raise CellError(f"'{text}' bukan angka yang sah ({exc.message})") from exc


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    key = str(value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"'{value}' harus 'ya' atau 'tidak'")


def to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise CellError(f"'{text}' bukan tanggal; contoh: 2026-01-31 atau 31/01/2026")


def to_int(value: Any) -> int:
    number = to_number(value)
    if number != number.to_integral_value():
        raise CellError(f"'{value}' harus bilangan bulat")
    return int(number)


@dataclass
class Record:
    """One row (or YAML item) with the problems list it reports into."""

    location: Location
    values: Mapping[str, Any]
    """Values keyed by canonical column name; blank cells are absent."""
    labels: Mapping[str, str]
    """Canonical column name -> the header the user sees in the file."""
    problems: Problems

    def fail(self, column: str, message: str) -> None:
        self.problems.add(self.location, self.labels.get(column, column), message)

    def has(self, column: str) -> bool:
        return column in self.values

    def text(self, column: str, *, required: bool = False) -> str | None:
        value = self.values.get(column)
        if value is None:
            if required:
                self.fail(column, "wajib diisi")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return clean_text(str(value)).strip()

    def _convert(self, column: str, convert: Any, required: bool) -> Any:
        value = self.values.get(column)
        if value is None:
            if required:
                self.fail(column, "wajib diisi")
            return None
        try:
            return convert(value)
        except (CellError, InvalidOperation) as exc:
            self.fail(column, str(exc))
            return None

    def number(self, column: str, *, required: bool = False) -> Decimal | None:
        return self._convert(column, to_number, required)

    def integer(self, column: str, *, required: bool = False) -> int | None:
        return self._convert(column, to_int, required)

    def boolean(self, column: str, *, default: bool) -> bool:
        result = self._convert(column, to_bool, False)
        return default if result is None else result

    def date(self, column: str) -> date | None:
        return self._convert(column, to_date, False)

    def choice(self, column: str, choices: Choices, *, default: str | None) -> str | None:
        """One of ``choices`` -> the stored value; the default when blank."""
        raw = self.text(column)
        if raw is None:
            return default
        result = choices.read(raw)
        if result is None:
            self.fail(column, f"'{raw}' tidak dikenal; pilih salah satu: {choices.shown()}")
        return result


@dataclass(frozen=True)
class Choices:
    """Words a user may write for each stored value; the first word is the one shown."""

    words: Mapping[str, tuple[str, ...]]
    """stored value -> accepted words (the stored value itself is always accepted)."""

    def read(self, raw: str) -> str | None:
        key = norm_key(raw)
        for value, words in self.words.items():
            if key == norm_key(value) or any(key == norm_key(w) for w in words):
                return value
        return None

    def shown(self) -> str:
        return ", ".join(words[0] if words else value for value, words in self.words.items())

    def options(self) -> list[str]:
        """The words a dropdown offers."""
        return [words[0] if words else value for value, words in self.words.items()]
