"""The fake server on its own thread and loop, for synchronous callers (CLI demo, scripts).

``with ThreadedFakeBotApi() as api:`` starts it; ``api.user(...)`` returns a
handle whose methods block until done (coroutines run on the server's loop).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar

from .server import FakeBotApi
from .users import ChatView

T = TypeVar("T")


class SyncHandle:
    """Blocking proxy of a control object: coroutine methods are awaited on the server loop,
    plain methods run there too (the state has one writer), handles come back wrapped."""

    def __init__(self, target: Any, runner: ThreadedFakeBotApi) -> None:
        self._target = target
        self._runner = runner

    @property
    def wrapped(self) -> Any:
        return self._target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            args = tuple(a.wrapped if isinstance(a, SyncHandle) else a for a in args)
            kwargs = {k: v.wrapped if isinstance(v, SyncHandle) else v for k, v in kwargs.items()}
            result = self._runner.call_soon(lambda: attr(*args, **kwargs))
            return SyncHandle(result, self._runner) if isinstance(result, ChatView) else result

        return call


class ThreadedFakeBotApi:
    """A :class:`FakeBotApi` served from a daemon thread with its own event loop."""

    def __init__(self, **kwargs: Any) -> None:
        self.api = FakeBotApi(**kwargs)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="fakebotapi", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return self.api.url

    @property
    def base_url(self) -> str:
        return self.api.base_url

    @property
    def base_file_url(self) -> str:
        return self.api.base_file_url

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.api.start())
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.api.stop())
        self._loop.close()

    def start(self) -> ThreadedFakeBotApi:
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def __enter__(self) -> ThreadedFakeBotApi:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the server's loop and block for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def call_soon(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the server's loop; if it returns an awaitable, wait for that too."""

        async def run() -> Any:
            result = fn()
            return await result if inspect.isawaitable(result) else result

        return self.call(run())

    def control(self, token: str | None = None) -> SyncHandle:
        """The blocking control API of a bot (default: ``api.token``)."""
        return SyncHandle(self.api.control(token), self)

    def user(self, user_id: int, first_name: str = "User", **kwargs: Any) -> SyncHandle:
        return self.control().user(user_id, first_name, **kwargs)

    def group(self, chat_id: int, title: str = "Group", **kwargs: Any) -> SyncHandle:
        return self.control().group(chat_id, title, **kwargs)
