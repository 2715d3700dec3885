"""Where a handler's service call runs: on the event loop's thread, or in a worker thread.

A service call is one transaction, blocking work. On PostgreSQL, when the
application runs several updates at once (its default, ``bot.app.CONCURRENT_UPDATES``),
it runs in a worker thread, so that the other updates go on while it waits for
the server. On SQLite the transaction is the process's own CPU work, which a thread
would not overlap with anything: the loop's thread runs the call itself, the other
updates go on while one waits for the Bot API, and no two transactions of the bot
interleave for the write lock (``bot.app.runs_calls_inline``; ``bench/throughput.py``
measured both, README, Performance). ``bot.app`` tells the services which
(``Services.inline_calls``); the outbox asks the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from telegram.ext import ContextTypes

from bot.telegram.services import services_of

T = TypeVar("T")


async def service_call(
    context: ContextTypes.DEFAULT_TYPE, function: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T:
    """``function(services, *args, **kwargs)`` with the process's ``Services``, off the event
    loop only when other updates could use it."""
    services = services_of(context)
    return await services.blocking(function, services, *args, **kwargs)
