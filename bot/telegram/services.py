"""The process's ``Services`` as PTB hands them to a handler (``bot_data["services"]``)."""

from __future__ import annotations

from telegram.ext import ContextTypes

from bot.services.context import Services


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    services = context.application.bot_data.get("services")
    if not isinstance(services, Services):
        raise RuntimeError("services are opened in post_init; the application was not initialised")
    return services
