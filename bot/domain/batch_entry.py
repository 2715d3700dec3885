"""Several figures in one message: "IWK-01 82,5; IWK-02 142", or one per line "1. 82,5".

Pure: the text and the task's indicator codes (in the order of the input
sheet, so "3." is the sheet's third indicator) in, what each piece names out.
The value texts are not read here: the service reads each one with the same
rules as a single typed figure, so a batch accepts exactly what the one-by-one
input does.

A message is cut into pieces at line breaks and semicolons (the comma is the
decimal separator, so it never separates), and a piece holding two known codes
("IWK-01 82,5 IWK-02 142") is cut before the second. Each piece names its
indicator by code ("IWK-01 82,5", "iwk-01 = 82,5", "IWK-01: 82,5") or by the
sheet's number ("1. 82,5", "1) 82,5", "1 = 82,5", "No 1: 82,5"). "1.234" is a
number (thousands), not "1." followed by 234: a number label needs a space
after its dot or bracket.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

_NUMBERED = re.compile(r"^(?:no\.?\s*)?(\d{1,4})\s*(?:[.)]\s+|[=:]\s*)(?P<rest>.*)$", re.I)
_CODE_LIKE = re.compile(r"^(?P<token>[^\W\d_][\w./-]*\d[\w./-]*|[^\W\d_]+-[\w./-]+)(?P<rest>.*)$")
_SEPARATORS = " \t=:"


class Unreadable(StrEnum):
    """Why a piece was not taken (the template says it in words)."""

    UNKNOWN_CODE = "unknown_code"
    """A code-like word that is not one of the task's indicators."""
    UNKNOWN_NUMBER = "unknown_number"
    """A number beyond the sheet's rows."""
    NO_LABEL = "no_label"
    """A figure without a code or number: which indicator is it for?"""
    NO_VALUE = "no_value"
    """A code or number with nothing after it."""
    TWICE = "twice"
    """The indicator named again later in the same message: the first one is kept."""


@dataclass(frozen=True)
class Piece:
    """A piece that names an indicator and carries a value text (not yet read)."""

    number: int
    """The piece's place in the message, from 1."""
    text: str
    code: str
    """The indicator's code as the task spells it."""
    value_text: str


@dataclass(frozen=True)
class Unread:
    number: int
    text: str
    reason: Unreadable
    detail: str = ""
    """The unknown code or number; for ``TWICE`` the code named twice."""


@dataclass(frozen=True)
class Batch:
    pieces: tuple[Piece, ...]
    unread: tuple[Unread, ...]

    @property
    def empty(self) -> bool:
        return not self.pieces and not self.unread


def split_pieces(text: str, codes: Sequence[str]) -> list[str]:
    """The message's pieces, in order, blanks dropped."""
    found: list[str] = []
    cutter = _code_finder(codes)
    for part in re.split(r"[\n;\r]+", text):
        part = part.strip()
        if not part:
            continue
        starts = [m.start() for m in cutter.finditer(part)] if cutter else []
        cuts = [0, *(s for s in starts if s > 0), len(part)]
        found += [part[a:b].strip() for a, b in pairwise(cuts)]
    return [piece for piece in found if piece]


def _code_finder(codes: Sequence[str]) -> re.Pattern[str] | None:
    if not codes:
        return None
    alternatives = "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w])", re.I)


def names_indicators(text: str, codes: Sequence[str]) -> bool:
    """Whether ``text`` is meant as a batch: several pieces, or one naming its indicator.

    A bare "82,5" is the answer to the question asked, not a batch.
    """
    pieces = split_pieces(text, codes)
    if len(pieces) > 1:
        return True
    return bool(pieces) and _label(pieces[0], codes) is not None


def _label(piece: str, codes: Sequence[str]) -> tuple[str, str, str] | None:
    """(kind "code" / "number" / "unknown", what it names, the rest) or None: no label."""
    upper = piece.upper()
    for code in sorted(codes, key=len, reverse=True):
        if upper.startswith(code.upper()):
            rest = piece[len(code) :]
            if not rest or not (rest[0].isalnum() or rest[0] == "_"):
                return "code", code, rest.strip(_SEPARATORS)
    numbered = _NUMBERED.match(piece)
    if numbered:
        return "number", numbered[1], numbered["rest"].strip(_SEPARATORS)
    code_like = _CODE_LIKE.match(piece)
    if code_like and any(ch.isdigit() for ch in code_like["token"]):
        return "unknown", code_like["token"].rstrip(".:="), code_like["rest"]
    return None


def read_batch(text: str, codes: Sequence[str]) -> Batch:
    """Each piece of ``text`` as the indicator it names and its value text, or why not."""
    pieces: list[Piece] = []
    unread: list[Unread] = []
    seen: set[str] = set()
    for number, piece in enumerate(split_pieces(text, codes), start=1):
        label = _label(piece, codes)
        if label is None:
            unread.append(Unread(number, piece, Unreadable.NO_LABEL))
            continue
        kind, named, rest = label
        if kind == "unknown":
            unread.append(Unread(number, piece, Unreadable.UNKNOWN_CODE, named))
            continue
        if kind == "number":
            place = int(named)
            if not 1 <= place <= len(codes):
                unread.append(Unread(number, piece, Unreadable.UNKNOWN_NUMBER, named))
                continue
            named = codes[place - 1]
        if not rest:
            unread.append(Unread(number, piece, Unreadable.NO_VALUE, named))
        elif named in seen:
            unread.append(Unread(number, piece, Unreadable.TWICE, named))
        else:
            seen.add(named)
            pieces.append(Piece(number, piece, named, rest))
    return Batch(tuple(pieces), tuple(unread))
