"""The HTTP layer: aiohttp routes for ``/bot{token}/{method}`` and file downloads.

Loopback only, on purpose: the fake accepts any token and lets anyone inject
messages, so it must never be reachable from another machine.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import json
import re
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from . import admin, errors, messaging
from .control import BotControl
from .errors import ApiError
from .faults import FaultPlan
from .httpcontrol import add_control_routes
from .limits import RateLimits
from .params import Params, read_params
from .records import CallbackRecord, Entry, StoredMessage
from .state import BotState
from .users import FakeGroup, FakeUser
from .webhook import deliver_forever, stop_delivery

DEFAULT_TOKEN = "123456:ABC-fake-token"
TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
METHODS: dict[str, Callable[[BotState, Params], Any]] = {**admin.METHODS, **messaging.METHODS}


def require_loopback(host: str) -> None:
    """Refuse any address another machine could reach."""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the fake Bot API binds to loopback only, not {host!r}")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


class FakeBotApi:
    """An in-process fake Telegram Bot API; ``async with FakeBotApi() as api: ...``.

    ``api.url`` is ``http://127.0.0.1:PORT``; point PTB at ``api.base_url`` and
    ``api.base_file_url``. The control methods (``user``, ``group``, ``sent``,
    ``transcript``, ``stats``, ``faults``...) act on the default token's bot;
    ``api.control(token)`` gives the same for any other bot.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token: str = DEFAULT_TOKEN,
        rate_limits: RateLimits | None = None,
        clock: Callable[[], float] = time.time,
        webhook_retries: int = 3,
    ) -> None:
        require_loopback(host)
        if not TOKEN.fullmatch(token):
            raise ValueError(f"not a bot token: {token!r}")
        self.host, self.port, self.token = host, port, token
        self.rate_limits = rate_limits
        self.webhook_retries = webhook_retries
        self._clock = clock
        self._bots: dict[str, BotState] = {}
        self._controls: dict[str, BotControl] = {}
        self._deliveries: dict[str, asyncio.Task[None]] = {}
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    # -- addresses ------------------------------------------------------------
    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder.base_file_url``."""
        return f"{self.url}/file/bot"

    # -- lifecycle ------------------------------------------------------------
    async def start(self) -> FakeBotApi:
        """Bind and serve; with ``port=0`` the chosen port is in ``self.port``."""
        self.loop = asyncio.get_running_loop()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(app, self.control)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Wake long polls, stop webhook delivery, close the listener."""
        for bot in self._bots.values():
            bot.closing = True
            bot.update_pulse.fire()
        for task in list(self._deliveries.values()):
            await stop_delivery(task)
        self._deliveries.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- state and control ----------------------------------------------------
    def bot_state(self, token: str | None = None) -> BotState:
        """The state of one bot, created on first use (every well-formed token works)."""
        token = token or self.token
        state = self._bots.get(token)
        if state is None:
            state = BotState(token, rate_limits=self.rate_limits, clock=self._clock)
            self._bots[token] = state
        return state

    def control(self, token: str | None = None) -> BotControl:
        """The control API of one bot (users, groups, transcripts, faults, stats)."""
        token = token or self.token
        control = self._controls.get(token)
        if control is None:
            control = BotControl(self.bot_state(token), self._on_server_loop)
            self._controls[token] = control
        return control

    async def _on_server_loop(self, coro: Any) -> Any:
        """Run control coroutines where the state lives, whichever loop awaits them."""
        if self.loop is None or asyncio.get_running_loop() is self.loop:
            return await coro
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    # Shortcuts for the default bot: the common case in tests.
    def user(self, user_id: int, first_name: str = "User", **kwargs: Any) -> FakeUser:
        return self.control().user(user_id, first_name, **kwargs)

    def group(self, chat_id: int, title: str = "Group", **kwargs: Any) -> FakeGroup:
        return self.control().group(chat_id, title, **kwargs)

    @property
    def faults(self) -> FaultPlan:
        return self.control().faults

    def sent(self, chat_id: int) -> list[StoredMessage]:
        return self.control().sent(chat_id)

    def messages(self, chat_id: int) -> list[StoredMessage]:
        return self.control().messages(chat_id)

    def transcript(self, chat_id: int) -> list[Entry]:
        return self.control().transcript(chat_id)

    def callbacks(self) -> list[CallbackRecord]:
        return self.control().callbacks()

    def stats(self) -> dict[str, Any]:
        return self.control().stats()

    def duplicates(self, window: float = 2.0) -> list[tuple[StoredMessage, StoredMessage]]:
        return self.control().duplicates(window)

    def inject_raw_update(self, update: dict[str, Any]) -> int:
        """Queue arbitrary JSON as an update. Call it on the server's loop (or via a thread's
        ``call``)."""
        return self.control().inject_raw_update(update)

    # -- HTTP handlers --------------------------------------------------------
    async def _handle_method(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        if not TOKEN.fullmatch(token):
            return _json(errors.not_found().payload(), 404)
        bot = self.bot_state(token)
        name = method.lower()
        bot.stats.requests[method] += 1
        implementation = METHODS.get(name)
        try:
            if implementation is None:
                raise errors.not_found()
            params = await read_params(request)
            result = await self._call(bot, name, implementation, params)
        except ApiError as exc:
            bot.stats.errors[(method, exc.status)] += 1
            if exc.status == 429:
                bot.stats.rate_limited += 1
            return _json(exc.payload(), exc.status)
        delay = bot.faults.take_delay(name)
        if delay:
            await asyncio.sleep(delay)  # committed already: the duplicate window
        return _json({"ok": True, "result": result})

    async def _call(
        self,
        bot: BotState,
        name: str,
        implementation: Callable[[BotState, Params], Any],
        params: Params,
    ) -> Any:
        """Faults and rate limits first (nothing recorded), then the method."""
        failure = bot.faults.take_failure(name)
        if failure is not None:
            extra = {"retry_after": failure.retry_after} if failure.retry_after else None
            raise ApiError(failure.status, failure.description, extra)
        limited = bot.limiter is not None and bot.limiter.applies_to(name)
        chat_key: int | str | None = None
        if limited:
            raw = params.raw("chat_id")
            chat_key = int(raw) if str(raw).lstrip("-").isdigit() else raw
            wait = bot.limiter.retry_after(chat_key)  # type: ignore[union-attr]
            if wait:
                raise errors.too_many_requests(wait)
        result = implementation(bot, params)
        if inspect.isawaitable(result):
            result = await result
        if limited:
            bot.limiter.record(chat_key)  # type: ignore[union-attr]
        if name in ("setwebhook", "deletewebhook"):
            self._sync_delivery(bot)
        return result

    def _sync_delivery(self, bot: BotState) -> None:
        task = self._deliveries.get(bot.token)
        if bot.webhook is not None and (task is None or task.done()):
            if self._session is None:
                self._session = aiohttp.ClientSession()
            self._deliveries[bot.token] = asyncio.get_running_loop().create_task(
                deliver_forever(bot, self._session, self.webhook_retries)
            )

    async def _handle_file(self, request: web.Request) -> web.Response:
        bot = self._bots.get(request.match_info["token"])
        stored = bot.files_by_path.get(request.match_info["path"]) if bot else None
        if stored is None:
            return _json(errors.not_found().payload(), 404)
        ctype = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.content, content_type=ctype)

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        return _json(errors.not_found().payload(), 404)
