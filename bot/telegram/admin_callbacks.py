"""issue 19: callback data of the admin's menu buttons: ``A<letter>:<n>[:<arg>]``.

A codec of its own (the task buttons' ``bot.telegram.callbacks`` keeps its
letters): the letter names the transition table's event. The data is not
trusted: every press is checked again by ``bot.services.admin*`` (an admin,
of this organisation, at this point of the menu).
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation.table import Event
from bot.services.admin import Choice, Row

LETTERS: dict[Event, str] = {
    Event.ADMIN_MENU: "m",
    Event.INVITE_UNIT: "u",
    Event.INVITE_ROLE: "r",
    Event.INVITE_PERSON: "p",
    Event.REISSUE: "i",
    Event.UPLOAD: "f",
    Event.SAVE_UPLOAD: "s",
    Event.DISCARD_UPLOAD: "b",
    Event.RUN_SOP: "o",
    Event.RUN_PERIOD: "d",
    Event.REOPEN_RUN: "k",
    Event.REOPEN_UNIT: "n",
}
EVENTS = {letter: event for event, letter in LETTERS.items()}
PATTERN = "^A[a-z]:"
_DATA = re.compile(r"^A([a-z]):(\d{1,12})(?::(\d{1,12}))?$")


def encode(choice: Choice) -> str:
    data = f"A{LETTERS[choice.event]}:{choice.number}"
    return data if choice.argument is None else f"{data}:{choice.argument}"


def decode(data: str | None) -> tuple[Event, int, int | None] | None:
    """(event, number, argument) of an admin button, or None for data this bot never made."""
    match = _DATA.match(data or "")
    if match is None or match[1] not in EVENTS:
        return None
    return EVENTS[match[1]], int(match[2]), int(match[3]) if match[3] is not None else None


def keyboard(rows: tuple[Row, ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.label, callback_data=encode(c)) for c in row] for row in rows]
    )
