"""The control API of one bot: its users and groups, and everything it sent.

Tests and the demo read the bot's side through this (``sent``, ``transcript``,
``stats``, ``duplicates``) and shape the world through it (``user``, ``group``,
``faults``, ``inject_raw_update``).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from . import shapes
from .faults import FaultPlan
from .records import CallbackRecord, Entry, StoredMessage
from .state import BotState, ChatState
from .users import FakeGroup, FakeUser

JSON = dict[str, Any]
Runner = Callable[[Coroutine[Any, Any, Any]], Awaitable[Any]]


class BotControl:
    """Control of one bot: its users, groups, and everything it sent."""

    def __init__(self, state: BotState, runner: Runner) -> None:
        self.state = state
        self.run = runner
        self._users: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}

    @property
    def faults(self) -> FaultPlan:
        return self.state.faults

    def configure_bot(self, first_name: str | None = None, username: str | None = None) -> None:
        """Rename the bot ``getMe`` reports (before the Application initialises)."""
        if first_name:
            self.state.me["first_name"] = first_name
        if username:
            self.state.me["username"] = username

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "id",
        started: bool = True,
    ) -> FakeUser:
        """A user and their private chat (``started=False``: never wrote to the bot)."""
        if user_id in self._users:
            return self._users[user_id]
        user = shapes.user(
            user_id,
            first_name,
            username=username,
            last_name=last_name,
            language_code=language_code,
        )
        chat = ChatState(shapes.private_chat(user), user=user, started=started)
        self.state.users[user_id] = user
        self.state.chats[user_id] = chat
        handle = self._users[user_id] = FakeUser(self, chat, user)
        return handle

    def group(self, chat_id: int, title: str = "Group", *, supergroup: bool = False) -> FakeGroup:
        """A group the bot is a member of (negative ``chat_id``, as on Telegram)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if chat_id not in self._groups:
            kind = "supergroup" if supergroup else "group"
            chat = ChatState(shapes.group_chat(chat_id, title, kind))
            self.state.chats[chat_id] = chat
            self._groups[chat_id] = FakeGroup(self, chat)
        return self._groups[chat_id]

    def set_status(self, user: FakeUser, status: str) -> None:
        """Change a private chat's status; blocking tells the bot via ``my_chat_member``."""
        chat = user.chat
        old, chat.status = chat.status, status
        if "blocked" in (old, status) and old != status:
            bot = {k: self.state.me[k] for k in ("id", "is_bot", "first_name", "username")}
            states = ("member", "kicked") if status == "blocked" else ("kicked", "member")
            change = shapes.chat_member_updated(
                chat.chat, user.user, bot, states[0], states[1], self.state.now()
            )
            self.state.push_update("my_chat_member", change)

    def chat(self, chat_id: int) -> ChatState:
        return self.state.chat(chat_id)

    def sent(self, chat_id: int) -> list[StoredMessage]:
        """Every message the bot sent to the chat; each keeps its edit ``history``."""
        return list(self.state.chat(chat_id).bot_messages)

    def messages(self, chat_id: int) -> list[StoredMessage]:
        """Both sides of the chat, in order."""
        return list(self.state.chat(chat_id).order)

    def callbacks(self) -> list[CallbackRecord]:
        return list(self.state.callbacks.values())

    def inject_raw_update(self, update: JSON) -> int:
        """Queue any JSON as an update (an ``update_id`` is added if missing)."""
        return self.state.push_raw(dict(update))

    def stats(self) -> JSON:
        data = self.state.stats.as_dict()
        data["pending_updates"] = len(self.state.updates)
        return data

    def duplicates(self, window: float = 2.0) -> list[tuple[StoredMessage, StoredMessage]]:
        """Pairs of identical bot messages (chat, text, markup) less than ``window`` s apart."""
        pairs = []
        for chat in self.state.chats.values():
            last_seen: dict[tuple[str | None, str], StoredMessage] = {}
            for msg in chat.bot_messages:
                key = (msg.text, json.dumps(msg.reply_markup, sort_keys=True))
                prior = last_seen.get(key)
                if prior is not None and msg.time - prior.time < window:
                    pairs.append((prior, msg))
                last_seen[key] = msg
        return pairs

    def transcript(self, chat_id: int) -> list[Entry]:
        """Readable history of a chat: messages from both sides and button presses."""
        chat = self.state.chat(chat_id)
        entries = [_entry(msg) for msg in chat.order]
        for record in self.state.callbacks.values():
            if record.chat_id == chat_id:
                name = self.state.users.get(record.user_id, {}).get("first_name", "?")
                text = f"[pressed: {record.button_text}]"
                entries.append(Entry(name, text, [], record.time, kind="press", date=record.date))
        entries.sort(key=lambda e: e.time)
        return entries


def _entry(msg: StoredMessage) -> Entry:
    sender = "bot" if msg.from_bot else msg.json["from"]["first_name"]
    label = {"photo": "[photo]", "document": "[document]"}.get(msg.kind)
    name = (msg.json.get("document") or {}).get("file_name")
    if label and name:  # a document shows its file name, as a phone does
        label = f"[document: {name}]"
    text = " ".join(filter(None, [label, msg.text])) or f"[{msg.kind}]"
    if msg.buttons:
        buttons = [[b.text for b in row] for row in msg.buttons]
    else:  # a reply keyboard: plain text buttons under the input field
        rows = (msg.reply_keyboard or {}).get("keyboard", [])
        buttons = [[b["text"] if isinstance(b, dict) else str(b) for b in row] for row in rows]
    date = msg.json.get("edit_date") or msg.json.get("date")
    return Entry(
        sender, text, buttons, msg.time, msg.edited, msg.deleted, msg.kind, msg.message_id, date
    )
