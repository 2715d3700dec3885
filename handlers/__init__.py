"""The Telegram handlers. ``bot`` first: its import policy (bot.optional_imports) must
be in place before a handler module imports python-telegram-bot."""

import bot  # noqa: F401
