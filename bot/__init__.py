"""sopbot: Standard Operating Procedures run as Telegram conversations."""

from bot import optional_imports

__version__ = "0.1.0"

# Before anything imports python-telegram-bot or httpx (see the module).
optional_imports.install()
