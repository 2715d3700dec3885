"""An SVG data URI (the SOP sheet's flowchart rows) as a ReportLab drawing, through svglib.

svglib picks a font for each label from the SVG's font-family (Helvetica for a
browser); here every label is set in the embedded DejaVu Sans instead, so the
PDF has one font family and every glyph is embedded.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.platypus import Flowable

from bot.render.pdf import FONT, FONT_BOLD


def svg_flowable(data: bytes, width: float | None, height: float | None) -> Flowable:
    from svglib.svglib import svg2rlg

    drawing = svg2rlg(BytesIO(data))
    if drawing is None:
        return Drawing(width or 1, height or 1)
    _embedded_fonts(drawing)
    if width and height and drawing.width and drawing.height:
        drawing.scale(width / drawing.width, height / drawing.height)
        drawing.width, drawing.height = width, height
    return drawing


def _embedded_fonts(node: Any) -> None:
    for child in getattr(node, "contents", ()):
        if isinstance(child, String):
            child.fontName = FONT_BOLD if "Bold" in child.fontName else FONT
        elif isinstance(child, Group):
            _embedded_fonts(child)
