"""sopbot: Standard Operating Procedures run as Telegram conversations."""

__version__ = "0.1.0"
