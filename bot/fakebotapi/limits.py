"""Telegram's flood limits as sliding windows, answering 429 with a true ``retry_after``.

Off by default. When on, a message over a limit is answered 429 and *not*
recorded, exactly like Telegram: a bot that ignores ``RetryAfter`` loses the
message, which is what the fan-out tests must detect.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

SENDING_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendsticker",
        "sendlocation",
        "sendcontact",
        "sendpoll",
        "senddice",
        "sendmediagroup",
        "copymessage",
        "forwardmessage",
    }
)


@dataclass(frozen=True)
class RateLimits:
    """Telegram's published limits; set any of them to ``None`` to lift it.

    ``methods`` are the (lower-case) Bot API methods that count as sending a
    message; edits and callback answers are not limited by default.
    """

    global_per_second: int | None = 30
    per_chat_per_second: int | None = 1
    per_group_per_minute: int | None = 20
    methods: frozenset[str] = field(default=SENDING_METHODS)


class _Window:
    """Timestamps of the last ``limit`` events inside ``span`` seconds; O(1) amortised."""

    __slots__ = ("limit", "span", "stamps")

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.stamps: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        while self.stamps and self.stamps[0] <= now - self.span:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[0] + self.span - now

    def add(self, now: float) -> None:
        self.stamps.append(now)


class RateLimiter:
    """Checks a send before it happens and records it only after it succeeded."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._global = _Window(limits.global_per_second, 1.0) if limits.global_per_second else None
        self._chats: dict[int | str, _Window] = {}

    def applies_to(self, method: str) -> bool:
        """Whether ``method`` (lower case) is counted."""
        return method in self.limits.methods

    def _chat_window(self, chat_id: int | str) -> _Window | None:
        window = self._chats.get(chat_id)
        if window is None:
            is_group = isinstance(chat_id, int) and chat_id < 0
            if is_group and self.limits.per_group_per_minute:
                window = _Window(self.limits.per_group_per_minute, 60.0)
            elif not is_group and self.limits.per_chat_per_second:
                window = _Window(self.limits.per_chat_per_second, 1.0)
            else:
                return None
            self._chats[chat_id] = window
        return window

    def retry_after(self, chat_id: int | str | None) -> int | None:
        """Seconds to wait (an integer ≥ 1, as Telegram sends) or ``None`` if allowed now."""
        now = self._clock()
        waits = [self._global.wait_needed(now)] if self._global else []
        window = self._chat_window(chat_id) if chat_id is not None else None
        if window:
            waits.append(window.wait_needed(now))
        wait = max(waits, default=0.0)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def record(self, chat_id: int | str | None) -> None:
        """Count one delivered message."""
        now = self._clock()
        if self._global:
            self._global.add(now)
        window = self._chat_window(chat_id) if chat_id is not None else None
        if window:
            window.add(now)
