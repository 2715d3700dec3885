"""python-telegram-bot's webhook server, loaded only for ``sopbot run --webhook``.

``telegram.ext`` imports its webhook server (``telegram.ext._utils.webhookhandler``,
which is tornado) when it is imported, if it can: ``try: import`` in
``telegram/ext/_updater.py``, which sets ``WEBHOOKS_AVAILABLE``. The bot declines that
import (:mod:`bot.optional_imports`), so a long-polling bot does not carry tornado;
:func:`load_webhook_server` makes the import PTB would have made and hands PTB the two
classes its ``start_webhook`` uses. The names are PTB's own (``_updater``'s module
globals since v20; pinned <23); ``tests/unit/test_lazy_imports.py`` checks them.
"""

from __future__ import annotations


def load_webhook_server() -> None:
    """Make ``Application.run_webhook`` available (idempotent)."""
    from telegram.ext import _updater

    if _updater.WEBHOOKS_AVAILABLE:
        return
    import tornado.web  # noqa: F401  (loaded by the bot: the finder then lets PTB have it)
    from telegram.ext._utils.webhookhandler import WebhookAppClass, WebhookServer

    _updater.WebhookAppClass = WebhookAppClass  # type: ignore[attr-defined]
    _updater.WebhookServer = WebhookServer  # type: ignore[attr-defined]
    _updater.WEBHOOKS_AVAILABLE = True
