"""Units and sizes of one output: px for a browser, pt for the PDF (bot.render.pdf).

The SOP sheet and the reports are drawn by the same templates for both; only
the profile changes, so a page looks alike on screen and on paper.
"""

from __future__ import annotations

from dataclasses import dataclass

PDF_WIDTH = 780.0
"""Usable width of A4 landscape with 1 cm margins, in points."""


@dataclass(frozen=True)
class Profile:
    unit: str
    total: float
    font_size: float
    pad: float

    @property
    def scale(self) -> float:
        """How much larger than the PDF's points this output's units are."""
        return self.total / PDF_WIDTH


BROWSER_WIDTH = 1040.0
"""Width of the HTML page in px."""
