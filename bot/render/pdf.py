"""HTML to PDF through xhtml2pdf, and the text measuring the PDF layout needs.

xhtml2pdf sizes a table row to its tallest cell. The flowchart of a row is an
image, so its height must be known before rendering: :func:`text_height`
wraps a cell's text with the same font metrics reportlab will use, so the
image can be made as tall as the text and the arrows meet from row to row.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.pdfbase.pdfmetrics import stringWidth
from xhtml2pdf import pisa

FONT = "Helvetica"


class PdfError(RuntimeError):
    """xhtml2pdf reported errors while drawing the document."""


def html_to_pdf(html: str) -> bytes:
    """The PDF bytes of ``html``; blocking, so call it off the event loop in the bot."""
    out = BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise PdfError(f"xhtml2pdf gagal membuat PDF ({result.err} kesalahan)")
    return out.getvalue()


def wrapped_lines(text: str, width: float, font_size: float) -> int:
    """How many lines ``text`` takes in a box ``width`` points wide (greedy, like reportlab)."""
    count = 0
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split()
        count += 1
        line = 0.0
        space = stringWidth(" ", FONT, font_size)
        for word in words:
            w = stringWidth(word, FONT, font_size)
            if line and line + space + w > width:
                count += 1
                line = w
            else:
                line = line + space + w if line else w
            while line > width:  # a word longer than the box breaks mid-word
                count += 1
                line -= width
    return count


def text_height(text: str, width: float, font_size: float, leading: float) -> float:
    """Height in points that ``text`` needs inside a cell of inner ``width``.

    ``leading`` is the CSS line-height the sheet sets (a multiple of the font size).
    """
    if not text.strip():
        return 0.0
    return wrapped_lines(text, width, font_size) * font_size * leading
