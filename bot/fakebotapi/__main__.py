"""``python -m bot.fakebotapi --port 8081``: serve the fake Bot API for manual runs."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .limits import RateLimits
from .server import DEFAULT_TOKEN, FakeBotApi


async def _serve(args: argparse.Namespace) -> None:
    limits = RateLimits() if args.rate_limits else None
    async with FakeBotApi(args.host, args.port, token=args.token, rate_limits=limits) as api:
        # What the bot's settings take as they are (the bot adds /bot<token> itself).
        print(f"fake Bot API: TELEGRAM_API_BASE_URL={api.url} TELEGRAM_BOT_TOKEN={api.token}")
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.fakebotapi", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address only")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="default bot's token")
    parser.add_argument("--rate-limits", action="store_true", help="enforce Telegram's limits")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
