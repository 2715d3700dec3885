"""How the bot's Bot API calls travel: httpcore's connection pool, without httpx's client.

python-telegram-bot's default networking (``HTTPXRequest``) sends each call
through httpx's ``AsyncClient`` (URL merging, cookies, auth flow, event hooks,
its response model), which runs on httpcore. A Bot API call needs none of that:
a form POST (multipart when a file goes with it) and the body back.
``PoolRequest`` hands the request to httpcore's pool directly, with the same
timeouts, pool sizes and errors as ``HTTPXRequest``. It costs about a third
less CPU per call, and the bot makes two to three calls per update (issue 15,
measured with the fake Bot API: README, Performance).

httpx honours proxy settings in the environment (``HTTPS_PROXY``, ``ALL_PROXY``;
``NO_PROXY``), which an office network may need; httpcore's pool alone would
ignore them. Where the environment names a proxy for the Bot API's address,
``bot_request`` gives PTB's own ``HTTPXRequest``, exactly as before.
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput, UploadFileDict
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

if TYPE_CHECKING:
    import httpcore

POOL_TIMEOUT = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* "
    "sent to Telegram. Consider adjusting the connection pool size or the pool timeout."
)
"""PTB's own words for a full pool (``HTTPXRequest``), so logs read the same."""

_FORM = (b"Content-Type", b"application/x-www-form-urlencoded")


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait (None: no limit); ``HTTPXRequest``'s defaults."""

    connect: float | None = 5.0
    read: float | None = 5.0
    write: float | None = 5.0
    pool: float | None = 1.0
    media_write: float | None = 20.0
    """Writing a request that uploads a file (a report): slower than a message."""


class PoolRequest(BaseRequest):
    """A ``BaseRequest`` on one httpcore connection pool (HTTP/1.1)."""

    __slots__ = ("_closed", "_pool", "_size", "timeouts")

    def __init__(self, connection_pool_size: int = 1, timeouts: Timeouts | None = None) -> None:
        self._size = connection_pool_size
        self.timeouts = timeouts or Timeouts()
        """The defaults of every call that names none (a drill may shorten them)."""
        self._pool = self._open()
        self._closed = False

    def _open(self) -> httpcore.AsyncConnectionPool:
        import httpcore  # as httpx does: loaded with the first client, not at import

        return httpcore.AsyncConnectionPool(
            # httpx's own context: certifi's authorities, or SSL_CERT_FILE / SSL_CERT_DIR
            # where set (an office whose proxy inspects TLS names its own authority there).
            ssl_context=httpx.create_ssl_context(),
            max_connections=self._size,
            max_keepalive_connections=self._size,
            keepalive_expiry=5.0,  # httpx's default
            http1=True,
            http2=False,
        )

    @property
    def read_timeout(self) -> float | None:
        return self.timeouts.read

    async def initialize(self) -> None:
        if self._closed:  # an application started again after a shutdown
            self._pool, self._closed = self._open(), False

    async def shutdown(self) -> None:
        if not self._closed:
            self._closed = True
            await self._pool.aclose()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._closed:
            raise RuntimeError("This PoolRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else None
        defaults = self.timeouts
        timeout = {
            "connect": _given(connect_timeout, defaults.connect),
            "read": _given(read_timeout, defaults.read),
            "write": _given(write_timeout, defaults.media_write if files else defaults.write),
            "pool": _given(pool_timeout, defaults.pool),
        }
        headers, body = _encoded(request_data, files, self.USER_AGENT)
        import httpcore  # loaded by ``_open`` already: a lookup in sys.modules

        try:
            response = await self._pool.request(
                method, url, headers=headers, content=body, extensions={"timeout": timeout}
            )
        except httpcore.PoolTimeout as error:
            raise TimedOut(POOL_TIMEOUT) from error
        except httpcore.TimeoutException as error:
            raise TimedOut from error
        except (
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.UnsupportedProtocol,
            httpcore.ProxyError,
            httpcore.ConnectionNotAvailable,
        ) as error:
            raise NetworkError(f"httpcore.{type(error).__name__}: {error}") from error
        return response.status, response.content


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _encoded(
    request_data: RequestData | None, files: UploadFileDict | None, agent: str
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body of a call: a urlencoded form, or multipart with files."""
    user_agent = (b"User-Agent", agent.encode())
    if request_data is None:
        return [user_agent], b""
    fields: dict[str, Any] = request_data.json_parameters
    if not files:
        return [user_agent, _FORM], urlencode(fields).encode()
    # Multipart as httpx writes it for HTTPXRequest (boundary, file names, content types):
    # a file upload is rare (a report), so its encoder is worth more than its cost here.
    built = httpx.Request("POST", "http://bot.api/", data=fields, files=files)
    return [user_agent, (b"Content-Type", built.headers["Content-Type"].encode())], built.read()


def proxied(url: str) -> bool:
    """Whether the environment sends requests for ``url`` through a proxy (as httpx would)."""
    proxies = urllib.request.getproxies()
    parts = urlsplit(url)
    if not (proxies.get(parts.scheme or "https") or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(parts.hostname or "")


def bot_request(api_url: str, connection_pool_size: int = 1) -> BaseRequest:
    """The networking for Bot API calls to ``api_url``: ``PoolRequest``, or PTB's
    ``HTTPXRequest`` where the environment names a proxy for that address."""
    if proxied(api_url):
        return HTTPXRequest(connection_pool_size=connection_pool_size)
    return PoolRequest(connection_pool_size)
