"""Every message the bot writes comes from a template in ``bot/templates/telegram/``.

Messages are Telegram HTML: autoescaped, so names like "Kasi & Kasubbag" or
"<10 hari" typed into YAML or by people cannot break the markup.
"""

from __future__ import annotations

from typing import Any

from bot.render.jinja import template_env


def render(template_name: str, /, **context: Any) -> str:
    """Render ``telegram/<template_name>.html.j2``; blank lines at the ends are dropped."""
    template = template_env().get_template(f"telegram/{template_name}.html.j2")
    return template.render(**context).strip()
