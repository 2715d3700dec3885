"""`sopbot run`: the bot itself, by long polling or as a webhook server."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import click

from bot.app import NoToken, build_application
from bot.services.context import DefinitionsBroken
from bot.settings import get_settings
from bot.webhook_secret import webhook_secret


@click.command("run")
@click.option("--webhook", "webhook_url", metavar="URL", help="Public HTTPS URL Telegram posts to.")
@click.option(
    "--listen",
    metavar="HOST:PORT",
    default="127.0.0.1:8443",
    show_default=True,
    help="Where the webhook server listens (behind the reverse proxy).",
)
def run(webhook_url: str | None, listen: str) -> None:
    """Jalankan bot (long polling; atau webhook dengan --webhook URL --listen HOST:PORT)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and Telegram URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = get_settings()
        application = build_application(settings)
    except NoToken as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        if webhook_url:
            host, _, port = listen.rpartition(":")
            if not host or not port.isdigit():
                raise click.BadParameter(
                    "gunakan HOST:PORT, mis. 0.0.0.0:8443", param_hint="--listen"
                )
            application.run_webhook(
                listen=host,
                port=int(port),
                url_path=urlsplit(webhook_url).path.lstrip("/"),
                webhook_url=webhook_url,
                secret_token=webhook_secret(settings),
            )
        else:
            application.run_polling()
    except DefinitionsBroken as exc:
        raise click.ClickException(str(exc)) from exc
