"""Drawing things for people: the SOP sheet now, reports and messages later.

Every renderer goes through :func:`bot.render.jinja.template_env`, so all of
them share one autoescaping, strict Jinja2 configuration.
"""

from __future__ import annotations

from bot.render.sop_sheet import SheetLayoutError, render_sop_html, render_sop_pdf

__all__ = ["SheetLayoutError", "render_sop_html", "render_sop_pdf"]
