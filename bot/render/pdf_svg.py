"""An SVG data URI (the SOP sheet's flowchart rows) as a ReportLab drawing, through svglib."""

from __future__ import annotations

from io import BytesIO

from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Flowable


def svg_flowable(data: bytes, width: float | None, height: float | None) -> Flowable:
    from svglib.svglib import svg2rlg

    drawing = svg2rlg(BytesIO(data))
    if drawing is None:
        return Drawing(width or 1, height or 1)
    if width and height and drawing.width and drawing.height:
        drawing.scale(width / drawing.width, height / drawing.height)
        drawing.width, drawing.height = width, height
    return drawing
