"""`sopbot run`: the bot itself, by long polling or as a webhook server.

Before PTB takes over, everything an operator can get wrong is checked once and,
when wrong, said in one line of Bahasa Indonesia with exit status 1 (issue 18):
the database (its scheme, whether it answers), the token (Telegram's getMe) and,
in webhook mode, whether Telegram accepts the webhook.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import click
from telegram import Bot
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    TelegramError,
)

from bot.app import NoToken, build_application
from bot.cli.db import no_database_message, shown_url
from bot.logging_setup import configure_logging
from bot.services.context import DefinitionsBroken
from bot.settings import Settings, get_settings
from bot.telegram.http_client import bot_request
from bot.telegram.webhook_server import load_webhook_server
from bot.webhook_secret import BadSecret, webhook_secret

log = logging.getLogger("sopbot")

SUPPORTED_SCHEMES = ("sqlite", "postgresql")


@click.command("run")
@click.option("--webhook", "webhook_url", metavar="URL", help="URL HTTPS publik tujuan Telegram.")
@click.option(
    "--listen",
    metavar="HOST:PORT",
    default="127.0.0.1:8443",
    show_default=True,
    help="Alamat server webhook mendengarkan (di belakang reverse proxy).",
)
def run(webhook_url: str | None, listen: str) -> None:
    """Jalankan bot (long polling; atau webhook dengan --webhook URL --listen HOST:PORT)."""
    settings = get_settings()
    configure_logging(settings.timezone)
    host, port = _listen_address(listen) if webhook_url else ("", 0)
    check_database(settings.database_url)
    try:
        secret = webhook_secret(settings) if webhook_url else None
        if not settings.telegram_bot_token:
            build_application(settings)  # says what is missing
    except (NoToken, BadSecret) as exc:
        raise click.ClickException(str(exc)) from exc
    # Checked before the Application exists: its jobs' first runs count from its creation.
    # PTB then runs on the loop that is current; the checks use the same one.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(check_telegram(settings))
    application = build_application(settings)
    mode = f"webhook {webhook_url}, mendengarkan {host}:{port}" if webhook_url else "long polling"

    async def started(_: object) -> None:  # the first job runs once everything has started
        log.info("sopbot berjalan: %s", mode)

    assert application.job_queue is not None
    application.job_queue.run_once(
        started, 0, name="started", job_kwargs={"misfire_grace_time": None}
    )
    try:
        if webhook_url:
            load_webhook_server()  # tornado: not loaded for long polling
            application.run_webhook(
                listen=host,
                port=port,
                url_path=urlsplit(webhook_url).path.lstrip("/"),
                webhook_url=webhook_url,
                secret_token=secret,
            )
        else:
            application.run_polling()
    except DefinitionsBroken as exc:
        raise click.ClickException(str(exc)) from exc
    except TelegramError as exc:  # setWebhook refused (PTB sets it once it listens)
        raise click.ClickException(telegram_refusal(exc, settings, webhook_url)) from exc
    log.info("sopbot berhenti")


def _listen_address(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter("gunakan HOST:PORT, mis. 0.0.0.0:8443", param_hint="--listen")
    return host, int(port)


def check_database(url: str) -> None:
    """The database answers (``SELECT 1``); otherwise one line and exit 1."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from bot.persistence.db import make_engine, missing_sqlite_file

    try:
        scheme = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise click.ClickException(f"DATABASE_URL tidak sah: {exc}") from exc
    if scheme not in SUPPORTED_SCHEMES:
        raise click.ClickException(
            f"DATABASE_URL memakai basis data '{scheme}', yang tidak didukung; gunakan "
            "sqlite:///sopbot.sqlite3 atau postgresql+psycopg://pengguna@host/nama"
        )
    missing = missing_sqlite_file(url)
    if missing is not None:  # connecting would create an empty file and run on nothing
        raise click.ClickException(no_database_message(missing))
    try:
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except (SQLAlchemyError, ImportError) as exc:
        orig = getattr(exc, "orig", None) or exc
        reason = " ".join(str(orig).split()) or type(orig).__name__
        raise click.ClickException(
            f"Basis data {shown_url(url)} tidak dapat dihubungi: {reason[:300]}"
        ) from exc


async def check_telegram(settings: Settings) -> None:
    """getMe: the token works and the Bot API answers."""
    api = settings.telegram_api_base_url.rstrip("/")
    bot = Bot(
        token=settings.telegram_bot_token or "",
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=bot_request(api),  # the way the bot itself will call
    )
    try:
        await bot.initialize()  # getMe
    except TelegramError as exc:
        raise click.ClickException(telegram_refusal(exc, settings, None)) from exc
    finally:
        await bot.shutdown()


def telegram_refusal(exc: TelegramError, settings: Settings, webhook_url: str | None) -> str:
    """What Telegram's refusal means for the operator, in one line."""
    api = settings.telegram_api_base_url.rstrip("/")
    reason = " ".join(str(exc).split())[:300] or type(exc).__name__
    if isinstance(exc, InvalidToken):
        return f"TELEGRAM_BOT_TOKEN ditolak oleh Telegram ({api}): periksa token dari @BotFather"
    if isinstance(exc, BadRequest | Forbidden | Conflict):  # BadRequest is a NetworkError
        if webhook_url:
            return f"Webhook {webhook_url} ditolak oleh Telegram: {reason}"
        return f"Telegram menolak: {reason}"
    if isinstance(exc, NetworkError):
        return (
            f"Telegram ({api}) tidak dapat dihubungi: {reason}; periksa jaringan "
            "dan TELEGRAM_API_BASE_URL"
        )
    return f"Telegram menolak: {reason}"
