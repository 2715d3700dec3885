"""The one Jinja2 environment factory every renderer uses.

Autoescape is on for every template (HTML sheets and Telegram HTML messages
alike) because SOP text comes from YAML typed by people ("Kasi &
Kasubbag", "<10 hari"); ``StrictUndefined`` because a misspelt variable must
fail a test, not print an empty cell on a signed document.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined


@lru_cache(maxsize=1)
def template_env() -> Environment:
    """The shared environment over ``bot/templates`` (cached: loading is not free)."""
    return Environment(
        loader=PackageLoader("bot", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
