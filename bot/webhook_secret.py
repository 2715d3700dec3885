"""The webhook's secret token: Telegram sends it back in ``X-Telegram-Bot-Api-Secret-Token``
with every update, and PTB answers 403 to a request without it (issue 18).

``SOPBOT_WEBHOOK_SECRET`` when set; otherwise derived from the bot token, so every
worker of one deployment registers and expects the same secret without sharing
anything else, and nobody without the token (who could call setWebhook anyway)
can compute it.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from bot.settings import Settings

_ALLOWED = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class BadSecret(ValueError):
    """SOPBOT_WEBHOOK_SECRET has characters Telegram refuses; ``str()`` is for the operator."""


def webhook_secret(settings: Settings) -> str:
    configured = settings.webhook_secret
    if configured is not None and configured.strip():
        if not _ALLOWED.match(configured.strip()):
            raise BadSecret(
                "SOPBOT_WEBHOOK_SECRET hanya boleh berisi huruf, angka, _ dan - (1-256 karakter)"
            )
        return configured.strip()
    token = (settings.telegram_bot_token or "").encode()
    return hmac.new(token, b"sopbot webhook secret", hashlib.sha256).hexdigest()
