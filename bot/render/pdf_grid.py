"""A table of plain text cells, laid out once and drawn directly: the long report tables.

ReportLab's ``Table`` measures every remaining row again each time a long
table is split over a page, builds two new tables (styles re-applied, spans
re-computed) at every split and draws each string with its own text object;
for the 2,000-row report that was most of the PDF's time. The tables of our
reports are mostly cells of plain text with column spans, a grid, filled
heading rows and a repeated ``thead``: :class:`GridTable` draws exactly that.
Every row's height is known when the table is made (its lines were wrapped
with ``stringWidth``), a split is a slice of the row list, and the text of a
page's part is one PDF text object.

:mod:`bot.render.pdf` uses it for a table whose cells are all plain text and
that spans no rows; any other table (images, paragraphs, row spans) is still
a ReportLab ``Table``. The drawing follows ``Table``'s own rules (paddings,
baselines for top and middle alignment, one leading for every cell), so both
look the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable

_FUZZ = 1e-6


@dataclass(slots=True)
class GridCell:
    x: int
    span: int
    lines: list[str]
    font: str
    size: float
    align: str = "LEFT"  # LEFT, RIGHT or CENTER
    color: Any = None  # None: black
    fill: Any = None  # a background of its own over the row's
    middle: bool = False  # vertically centred (else at the top)


@dataclass(slots=True)
class GridRow:
    cells: list[GridCell]
    top: float
    bottom: float
    leading: float
    fill: Any = None
    height: float = field(init=False)

    def __post_init__(self) -> None:
        lines = 1
        for cell in self.cells:
            if len(cell.lines) > lines:
                lines = len(cell.lines)
        self.height = lines * self.leading + self.top + self.bottom


class GridTable(Flowable):  # type: ignore[misc]
    """Rows of :class:`GridCell`; the first ``repeat`` rows are printed again after a split;
    the grid (``line_width``, black) covers the rows from ``grid_from`` down."""

    def __init__(
        self,
        rows: list[GridRow],
        widths: list[float],
        *,
        repeat: int = 0,
        grid_from: int = 0,
        grid: bool = True,
        pad: float = 2.0,
        line_width: float = 0.5,
    ) -> None:
        super().__init__()
        self.rows = rows
        self.widths = widths
        self.repeat = repeat if repeat < len(rows) else 0
        self.grid_from = grid_from
        self.grid = grid
        self.pad = pad
        self.line_width = line_width
        self.hAlign = "LEFT"
        self.spaceBefore = self.spaceAfter = 0.0
        self.width = sum(widths)
        self.height = sum(r.height for r in rows)
        self.positions = [0.0]
        for w in widths:
            self.positions.append(self.positions[-1] + w)

    def _copy(self, rows: list[GridRow], grid_from: int) -> GridTable:
        return GridTable(
            rows,
            self.widths,
            repeat=self.repeat,
            grid_from=grid_from,
            grid=self.grid,
            pad=self.pad,
            line_width=self.line_width,
        )

    # layout --------------------------------------------------------------------------------
    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        rows, repeat = self.rows, self.repeat
        used = sum(r.height for r in rows[:repeat])
        n = repeat
        while n < len(rows) and used + rows[n].height <= availHeight + _FUZZ:
            used += rows[n].height
            n += 1
        if n <= repeat:
            return []  # not even one row under the heading: the whole table moves on
        if n == len(rows):
            return [self]
        # the grid starts under the caption; a caption among the rows that moved on
        # is no longer there
        later = (
            self.grid_from if self.grid_from <= repeat else max(repeat, self.grid_from - n + repeat)
        )
        first, rest = (
            self._copy(rows[:n], self.grid_from),
            self._copy(rows[:repeat] + rows[n:], later),
        )
        first.spaceBefore, first.spaceAfter = self.spaceBefore, 0
        rest.spaceBefore, rest.spaceAfter = 0, self.spaceAfter
        return [first, rest]

    # drawing -------------------------------------------------------------------------------
    def draw(self) -> None:
        canv = self.canv
        pos, width = self.positions, self.width
        tops: list[float] = []
        y = self.height
        for row in self.rows:
            tops.append(y)
            y -= row.height
        canv.saveState()
        # backgrounds: the row's, then a cell's own
        for row, top in zip(self.rows, tops, strict=True):
            if row.fill is not None:
                canv.setFillColor(row.fill)
                canv.rect(0, top - row.height, width, row.height, stroke=0, fill=1)
            for cell in row.cells:
                if cell.fill is not None:
                    x0, x1 = pos[cell.x], pos[cell.x + cell.span]
                    canv.setFillColor(cell.fill)
                    canv.rect(x0, top - row.height, x1 - x0, row.height, stroke=0, fill=1)
        # text: one text object for the whole part
        text = _Text(canv)
        font: tuple[str, float] | None = None
        colour: Any = colors.black
        text.setFillColor(colour)
        pad = self.pad
        for row, top in zip(self.rows, tops, strict=True):
            leading = row.leading
            for cell in row.cells:
                lines = cell.lines
                if not any(lines):
                    continue
                if font != (cell.font, cell.size):
                    font = (cell.font, cell.size)
                    text.setFont(cell.font, cell.size, leading)
                wanted = cell.color if cell.color is not None else colors.black
                if wanted is not colour:
                    colour = wanted
                    text.setFillColor(colour)
                if cell.middle:
                    base = (
                        top
                        - row.height
                        + (row.bottom + row.height - row.top + len(lines) * leading) / 2
                        - cell.size
                    )
                else:
                    base = top - row.top - cell.size
                x0, x1 = pos[cell.x], pos[cell.x + cell.span]
                for line in lines:
                    if line:
                        if cell.align == "LEFT":
                            x = x0 + pad
                        else:
                            w = stringWidth(line, cell.font, cell.size)
                            x = x1 - pad - w if cell.align == "RIGHT" else (x0 + x1 - w) / 2
                        text.setTextOrigin(x, base)
                        text.put(line)
                    base -= leading
        canv.drawText(text)
        if self.grid and len(self.rows) > self.grid_from:
            canv.setStrokeColor(colors.black)
            canv.setLineWidth(self.line_width)
            canv.lines(self._grid_lines(tops))
        canv.restoreState()

    def _grid_lines(self, tops: list[float]) -> list[tuple[float, float, float, float]]:
        pos, width = self.positions, self.width
        rows = self.rows[self.grid_from :]
        tops = tops[self.grid_from :]
        lines = [(0.0, t, width, t) for t in tops]
        lines.append((0.0, 0.0, width, 0.0))
        columns = len(self.widths)
        runs: dict[int, float] = {}  # boundary -> top of the vertical line still being drawn
        for row, top in zip(rows, tops, strict=True):
            inside = {b for c in row.cells for b in range(c.x + 1, c.x + c.span)}
            for b in range(columns + 1):
                if b in inside:
                    if b in runs:
                        lines.append((pos[b], runs.pop(b), pos[b], top))
                elif b not in runs:
                    runs[b] = top
        for b, start in runs.items():
            lines.append((pos[b], start, pos[b], 0.0))
        return lines


class _Text(PDFTextObject):  # type: ignore[misc]
    """A text object that encodes each distinct line once per document.

    ReportLab turns every string into the codes of the font subsets it uses
    (``_formatText``), character by character; a report repeats the same
    figures, units, categories and wrapped lines thousands of times. The
    encoding of a line depends only on the font, size, leading, the subset in
    use before it and the document (a character keeps its code once given),
    so it is kept in ``canvas.text_cache`` (one per document) and used again.
    """

    def __init__(self, canvas: Any) -> None:
        super().__init__(canvas)
        cache = getattr(canvas, "text_cache", None)
        if cache is None:
            cache = canvas.text_cache = {}
        self._cache: dict[tuple[Any, ...], tuple[str, int]] = cache

    def put(self, line: str) -> None:
        """Write ``line`` at the current origin (``textOut`` without moving the cursor)."""
        key = (self._fontname, self._fontsize, self._leading, self._curSubset, line)
        known = self._cache.get(key)
        if known is None:
            code = self._formatText(line)
            known = self._cache[key] = (code, self._curSubset)
        else:
            self._curSubset = known[1]
        self._code.append(known[0])
