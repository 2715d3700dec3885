"""What the fake Telegram remembers for one bot: chats, messages, files, updates.

Everything here is synchronous and mutated only on the server's event loop,
so each Bot API call is atomic: a request either commits completely or not
at all, which is what makes "a 500 records nothing" true by construction.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import errors, shapes
from .faults import FaultPlan
from .limits import RateLimiter, RateLimits
from .records import CallbackRecord, Pulse, StoredFile, StoredMessage

JSON = dict[str, Any]

DEFAULT_ALLOWED = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "my_chat_member",
        "poll",
        "poll_answer",
        "shipping_query",
        "pre_checkout_query",
        "chat_join_request",
    }
)


@dataclass(eq=False)
class ChatState:
    """One chat: its Telegram ``Chat`` object, its members' status and its messages."""

    chat: JSON
    user: JSON | None = None
    status: str = "active"  # active | blocked | deactivated | kicked (a group)
    started: bool = True
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    order: list[StoredMessage] = field(default_factory=list)
    bot_messages: list[StoredMessage] = field(default_factory=list)
    pinned: list[int] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    settings: JSON = field(default_factory=dict)
    pulse: Pulse = field(default_factory=Pulse)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def id(self) -> int:
        return self.chat["id"]

    @property
    def is_group(self) -> bool:
        return self.chat["type"] != "private"

    def add(
        self, from_bot: bool, kind: str, sender: JSON, date: int, **fields: Any
    ) -> StoredMessage:
        """Store a new message (ids increase per chat, for both sides) and wake waiters."""
        raw_text = fields.pop("raw_text", None)
        message_id = next(self._ids)
        body = shapes.message(message_id, self.chat, sender, date, **fields)
        msg = StoredMessage(self.id, message_id, from_bot, kind, body, time.time(), raw_text)
        self.messages[message_id] = msg
        self.order.append(msg)
        if from_bot:
            self.bot_messages.append(msg)
        self.pulse.fire()
        return msg


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Stats:
    """Counters a benchmark or a fault drill reads after the run."""

    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[tuple[str, int]] = field(default_factory=Counter)
    rate_limited: int = 0
    messages_per_chat: Counter[int] = field(default_factory=Counter)
    webhook_deliveries: int = 0
    webhook_failures: int = 0
    webhook_repeats: int = 0

    def as_dict(self) -> JSON:
        return {
            "requests": dict(self.requests),
            "errors": {f"{m}:{code}": n for (m, code), n in self.errors.items()},
            "rate_limited": self.rate_limited,
            "messages_per_chat": dict(self.messages_per_chat),
            "webhook_deliveries": self.webhook_deliveries,
            "webhook_failures": self.webhook_failures,
            "webhook_repeats": self.webhook_repeats,
        }


class BotState:
    """All state of one bot token; several tokens are fully independent."""

    def __init__(
        self,
        token: str,
        *,
        rate_limits: RateLimits | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.me = shapes.bot_user(self.bot_id, "SOP Bot", f"sop_{self.bot_id}_bot")
        self.clock = clock
        self.chats: dict[int, ChatState] = {}
        self.users: dict[int, JSON] = {}
        self.updates: deque[tuple[int, JSON]] = deque()
        self.update_pulse = Pulse()
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED
        self.webhook: WebhookConfig | None = None
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.settings: dict[tuple[str, str], str] = {}
        self.faults = FaultPlan()
        self.limiter = RateLimiter(rate_limits) if rate_limits else None
        self.stats = Stats()
        self.poll_generation = 0
        self.closing = False
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    def now(self) -> int:
        """Message dates are Unix seconds (milliseconds crash PTB)."""
        return int(self.clock())

    # -- chats --------------------------------------------------------------
    def chat(self, chat_id: Any) -> ChatState:
        """Resolve a ``chat_id`` parameter (int, numeric string or ``@username``) or 400."""
        try:
            if isinstance(chat_id, str) and chat_id.startswith("@"):
                found = next(
                    (c for c in self.chats.values() if c.chat.get("username") == chat_id[1:]),
                    None,
                )
            else:
                found = self.chats.get(int(chat_id))
        except (TypeError, ValueError):
            found = None
        if found is None:
            raise errors.bad_request(errors.CHAT_NOT_FOUND)
        return found

    def check_can_send(self, chat: ChatState) -> None:
        """The 403s Telegram gives for chats the bot may no longer (or not yet) write to."""
        if chat.status == "blocked":
            raise errors.forbidden(errors.BLOCKED)
        if chat.status == "deactivated":
            raise errors.forbidden(errors.DEACTIVATED)
        if chat.status == "kicked":
            raise errors.forbidden(errors.KICKED)
        if not chat.started:
            raise errors.forbidden(errors.CANT_INITIATE)

    def message(self, chat: ChatState, message_id: Any, missing: str) -> StoredMessage:
        """A live message of the chat, or 400 with ``missing`` as the reason."""
        try:
            msg = chat.messages.get(int(message_id))
        except (TypeError, ValueError):
            msg = None
        if msg is None or msg.deleted:
            raise errors.bad_request(missing)
        return msg

    # -- updates ------------------------------------------------------------
    def push_update(self, kind: str, payload: JSON) -> int | None:
        """Queue an update unless ``allowed_updates`` excludes its kind (as Telegram does)."""
        if kind not in self.allowed_updates:
            return None
        return self.push_raw({kind: payload})

    def push_raw(self, update: JSON) -> int:
        """Queue an update as given, adding an ``update_id`` if it has none."""
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        self.updates.append((update["update_id"], update))
        self.update_pulse.fire()
        return update["update_id"]

    def acknowledge(self, offset: int) -> None:
        """``offset`` semantics of getUpdates: forget confirmed updates."""
        if offset > 0:
            while self.updates and self.updates[0][0] < offset:
                self.updates.popleft()
        elif offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()

    # -- files --------------------------------------------------------------
    def store_file(
        self, content: bytes, folder: str, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        """Keep uploaded bytes; the ``file_path`` is what ``getFile`` hands out."""
        n = next(self._file_ids)
        suffix = (file_name or "").rpartition(".")[2] if file_name and "." in file_name else ""
        ext = suffix or ("jpg" if folder == "photos" else "bin")
        stored = StoredFile(
            file_id=f"F{self.bot_id}x{n:06d}",
            unique_id=shapes.unique_id_of(content),
            content=content,
            file_path=f"{folder}/file_{n}.{ext}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def new_query_id(self) -> str:
        return f"{self.bot_id}{next(self._query_ids):08d}"
