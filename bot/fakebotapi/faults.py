"""Injected faults for fault drills: what a flaky network and a slow Telegram do to a bot.

Two kinds for the Bot API methods, and the difference is the point:

* ``fail_next`` fails **before commit**: nothing is recorded, so a retry
  cannot duplicate the message.
* ``delay_next`` delays **after commit**: the message is recorded, then the
  answer is held back. A client that times out meanwhile sees an error for a
  message that was in fact delivered; if it retries, the user gets it twice.
  That is the real world's duplicate window, reproduced on purpose.

And one for webhook delivery: ``deliver_twice`` posts a matching update a
second time right after the first delivery was answered, as Telegram does
when the bot's answer came after its timeout. Behind a load balancer the two
copies reach two different workers, nearly at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

UpdateMatch = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Failure:
    """One planned error answer."""

    status: int
    description: str
    retry_after: int | None = None


class FaultPlan:
    """Per-method queues of planned failures and delays (method names are case-insensitive)."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[Failure]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._repeats: list[UpdateMatch] = []

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        times: int = 1,
        description: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``status``, before commit."""
        text = description or _default_description(status, retry_after)
        queue = self._failures.setdefault(method.lower(), deque())
        queue.extend([Failure(status, text, retry_after)] * times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Perform the next ``times`` calls of ``method``, then wait ``seconds`` to answer."""
        self._delays.setdefault(method.lower(), deque()).extend([seconds] * times)

    def deliver_twice(self, match: UpdateMatch | None = None, *, times: int = 1) -> None:
        """Webhook: deliver the next ``times`` updates that ``match`` (any update if None)
        twice each, the second time right after the first was answered."""
        self._repeats.extend([match or _any_update] * times)

    fail_before_commit = fail_next  # the same, named for what it guarantees
    delay_after_commit = delay_next  # the same, named for what it causes

    def clear(self) -> None:
        """Forget every planned fault."""
        self._failures.clear()
        self._delays.clear()
        self._repeats.clear()

    def take_failure(self, method: str) -> Failure | None:
        """The failure planned for this call of ``method`` (lower case), if any."""
        queue = self._failures.get(method)
        return queue.popleft() if queue else None

    def take_delay(self, method: str) -> float:
        """The delay planned for this call of ``method`` (lower case), or 0."""
        queue = self._delays.get(method)
        return queue.popleft() if queue else 0.0

    def take_repeat(self, update: dict[str, Any]) -> bool:
        """Whether ``update`` (just delivered) is to be delivered once more."""
        for index, match in enumerate(self._repeats):
            if match(update):
                del self._repeats[index]
                return True
        return False


def _any_update(update: dict[str, Any]) -> bool:
    return True


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    if status == 502:
        return "Bad Gateway"
    if status >= 500:
        return "Internal Server Error"
    if status == 403:
        return "Forbidden: bot was blocked by the user"
    return "Bad Request: injected fault"
