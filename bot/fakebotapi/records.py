"""The records the fake keeps: messages (with their edit history), files, button presses.

Tests read these objects directly (``msg.text``, ``msg.buttons``,
``msg.history``), so they are plain dataclasses with a few read-only helpers.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

JSON = dict[str, Any]


class Button(NamedTuple):
    """One inline keyboard button as the user sees it."""

    text: str
    callback_data: str | None
    url: str | None


@dataclass(eq=False)
class StoredMessage:
    """A message in a chat, from either side; ``json`` is its current Telegram form.

    ``history`` holds the earlier forms, one per edit, oldest first.
    """

    chat_id: int
    message_id: int
    from_bot: bool
    kind: str
    json: JSON
    time: float
    raw_text: str | None = None
    reply_keyboard: JSON | None = None
    history: list[JSON] = field(default_factory=list)
    deleted: bool = False

    @property
    def text(self) -> str | None:
        """The text (or caption) the user sees, with HTML tags already interpreted."""
        return self.json.get("text", self.json.get("caption"))

    @property
    def reply_markup(self) -> JSON | None:
        return self.json.get("reply_markup")

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def buttons(self) -> list[list[Button]]:
        """Rows of inline buttons currently attached to the message."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            [Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in row]
            for row in rows
        ]

    def find_button(self, text_or_data: str) -> Button | None:
        """The button whose text or callback data equals ``text_or_data``."""
        for row in self.buttons:
            for button in row:
                if text_or_data in (button.text, button.callback_data):
                    return button
        return None


@dataclass(eq=False)
class StoredFile:
    """Bytes uploaded by the bot or a user, reachable by ``file_id`` and ``file_path``."""

    file_id: str
    unique_id: str
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None


@dataclass(eq=False)
class CallbackRecord:
    """A button press and the bot's answer to it."""

    query_id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str
    button_text: str = ""
    time: float = field(default_factory=time.time)
    date: int | None = None
    """When it was pressed by the server's clock (which a simulation may move)."""
    answered: bool = False
    answer: JSON = field(default_factory=dict)

    @property
    def text(self) -> str | None:
        return self.answer.get("text")

    @property
    def show_alert(self) -> bool:
        return bool(self.answer.get("show_alert"))


class Pulse:
    """A broadcast wake-up: every waiter holding the current event is released at once."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def current(self) -> asyncio.Event:
        return self._event

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()


@dataclass(frozen=True)
class Entry:
    """One line of a readable transcript; both sides of the conversation."""

    sender: str
    text: str
    buttons: list[list[str]]
    time: float
    edited: bool = False
    deleted: bool = False
    kind: str = "text"
    message_id: int | None = None
    date: int | None = None
    """Unix seconds by the server's clock (``time`` is the wall clock, for ordering)."""
