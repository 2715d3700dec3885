"""Telegram's 4,096-character limit: a long text becomes several messages, cut between rows.

Telegram refuses a message whose text, after its HTML is parsed, is longer than
4,096 characters ("message is too long"). A summary or a review card of 120
indicators is longer. ``split_text`` cuts such a text where a reader expects a
break: between rows (blank lines) first, then between lines, and only a single
line longer than a whole message at a space. A tag open across a cut (``<i>``
around a long kendala) is closed at the end of one part and opened again at the
start of the next, so every part is valid HTML on its own.

``bot.telegram.tolerant_bot.TolerantBot`` applies it to every text the bot sends
or edits, so no send path (handlers, notices, reminders, the outbox) can forget.
"""

from __future__ import annotations

import html
import re

TEXT_LIMIT = 4096
"""Telegram's limit on a message's text, counted after the HTML is parsed."""
_ROOM = 64
"""Kept free under the limit: Telegram counts UTF-16 units, so an emoji counts twice."""
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")


def visible_length(text: str) -> int:
    """The length Telegram counts: tags removed, entities as one character each, and
    characters outside the Basic Multilingual Plane (emoji) as two."""
    plain = html.unescape(_TAG.sub("", text))
    return len(plain) + sum(1 for ch in plain if ord(ch) > 0xFFFF)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """``text`` as parts of at most ``limit`` visible characters, cut between rows."""
    budget = limit - _ROOM
    if visible_length(text) <= budget:
        return [text]
    pieces = _pieces(text, budget)
    parts: list[str] = []
    current = ""
    for piece, joint in pieces:
        candidate = f"{current}{joint}{piece}" if current else piece
        if current and visible_length(candidate) > budget:
            parts.append(current)
            current = piece
        else:
            current = candidate
    if current:
        parts.append(current)
    return _balanced([part.strip("\n") for part in parts if part.strip()])


def _pieces(text: str, budget: int) -> list[tuple[str, str]]:
    """(piece, the separator before it): rows, then lines of an over-long row, then words."""
    found: list[tuple[str, str]] = []
    for r, row in enumerate(text.split("\n\n")):
        row_joint = "\n\n" if r else ""
        if visible_length(row) <= budget:
            found.append((row, row_joint))
            continue
        for n, line in enumerate(row.split("\n")):
            joint = row_joint if n == 0 else "\n"
            if visible_length(line) <= budget:
                found.append((line, joint))
                continue
            for w, word in enumerate(line.split(" ")):
                found.append((word, joint if w == 0 else " "))
    return found


def _balanced(parts: list[str]) -> list[str]:
    """Close the tags a part leaves open, and open them again at the next part's start."""
    result = []
    carried: list[tuple[str, str]] = []  # (name, the opening tag as written)
    for part in parts:
        opening = "".join(tag for _, tag in carried)
        stack = list(carried)
        for match in _TAG.finditer(part):
            closing, name = match.group(1), match.group(2).lower()
            if not closing:
                stack.append((name, match.group(0)))
            elif stack and stack[-1][0] == name:
                stack.pop()
        closing_tags = "".join(f"</{name}>" for name, _ in reversed(stack))
        result.append(f"{opening}{part}{closing_tags}")
        carried = stack
    return result
