"""Geometry of the flowchart: the shapes and lines of each row's drawing.

Each table row gets its own drawing spanning all Pelaksana columns, so the
flowchart stays aligned with the text whatever height a row takes. A line
that must reach the row's lower edge has ``y = None`` (:data:`BOTTOM`): the
HTML sheet writes ``100%`` (the SVG stretches with the row), the PDF sheet
writes the row height it computed. Only plain lines, polygons, rectangles and
text are used, because the PDF path goes through svglib, which ignores
markers and ``<use>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.render.flow_layout import Edge, FlowLayout, FlowRow, Symbol

BOTTOM = None
"""A ``y`` that means "the row's lower edge", whatever its height turns out to be."""

Y = float | None


@dataclass(frozen=True)
class Metrics:
    """Sizes in drawing units (px in HTML, pt in PDF); see :meth:`for_column`."""

    col: float
    box_w: float
    box_h: float
    dia_h: float
    term_h: float
    pad: float
    gap: float
    lane_margin: float
    lane_gap: float
    arrow: float
    font: float

    @classmethod
    def for_column(cls, col: float, scale: float = 1.0) -> Metrics:
        """Symbols sized for a Pelaksana column ``col`` wide, leaving room for lanes."""
        box_w = min(46 * scale, col - 22 * scale)
        return cls(
            col=col,
            box_w=box_w,
            box_h=22 * scale,
            dia_h=30 * scale,
            term_h=16 * scale,
            pad=9 * scale,
            gap=9 * scale,
            lane_margin=5 * scale,
            lane_gap=4 * scale,
            arrow=4 * scale,
            font=6.5 * scale,
        )


@dataclass(frozen=True)
class Line:
    x1: float
    y1: Y
    x2: float
    y2: Y
    kind: str = "flow"
    """``flow`` (an arrow's body) or ``grid`` (a column separator)."""


@dataclass(frozen=True)
class Label:
    """A YA/TIDAK label; ``y`` is the baseline. It gets a white backing box so a
    lane passing behind it does not strike it through."""

    x: float
    y: float
    text: str
    anchor: str = "middle"
    size: float = 6.5

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x, y, w, h) of the backing box, from Helvetica Bold's average width."""
        w = len(self.text) * self.size * 0.68 + 2
        x = {"start": self.x - 1, "end": self.x - w + 1}.get(self.anchor, self.x - w / 2)
        return x, self.y - self.size * 0.85, w, self.size * 1.05


@dataclass(frozen=True)
class Shape:
    """One flowchart symbol, with the attributes the HTML carries for tests and tools."""

    symbol: str
    """``start``, ``process``, ``decision`` or ``end``."""
    x: float
    y: float
    w: float
    h: float
    text: str = ""
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def points(self) -> str:
        """The diamond's corners (top, right, bottom, left)."""
        cx, cy = self.x + self.w / 2, self.y + self.h / 2
        return " ".join(
            f"{px:.1f},{py:.1f}"
            for px, py in ((cx, self.y), (self.x + self.w, cy), (cx, self.y + self.h), (self.x, cy))
        )


@dataclass(frozen=True)
class RowDrawing:
    width: float
    min_height: float
    grid: tuple[Line, ...]
    lines: tuple[Line, ...]
    shapes: tuple[Shape, ...]
    arrows: tuple[str, ...]
    """Arrowheads as polygon point lists, drawn last."""
    labels: tuple[Label, ...]


@dataclass
class _Geom:
    """Where the symbol of one row stands."""

    cx: float
    top: float
    h: float
    w: float

    @property
    def cy(self) -> float:
        return self.top + self.h / 2

    @property
    def bottom(self) -> float:
        return self.top + self.h


def draw_rows(layout: FlowLayout, m: Metrics) -> list[RowDrawing]:
    """Every row's drawing, in table order."""
    geoms = [_geom(row, m) for row in layout.rows]
    width = m.col * len(layout.columns)
    out: list[RowDrawing] = []
    for i, row in enumerate(layout.rows):
        pen = _Pen()
        g = geoms[i]
        if row.start:
            _draw_start(pen, row, g, layout, m)
        for edge in layout.edges:
            _draw_edge_part(pen, i, edge, layout, geoms, m)
        pen.shapes.append(_shape(row, g, layout))
        for col in row.also:  # several roles: the same symbol in each role's column
            twin = _Geom(m.col * (col + 0.5), g.top, g.h, g.w)
            pen.line(min(g.cx, twin.cx) + g.w / 2, g.cy, max(g.cx, twin.cx) - g.w / 2, g.cy)
            shape = _shape(row, twin, layout)
            shape.attrs.update({"data-col": str(col), "data-role": layout.columns[col].key})
            pen.shapes.append(shape)
        grid = tuple(
            Line(m.col * k, 0, m.col * k, BOTTOM, "grid") for k in range(1, len(layout.columns))
        )
        out.append(
            RowDrawing(
                width=width,
                min_height=g.bottom + m.pad + (m.gap if row.symbol is Symbol.DECISION else 0),
                grid=grid,
                lines=tuple(pen.lines),
                shapes=tuple(pen.shapes),
                arrows=tuple(pen.arrows),
                labels=tuple(pen.labels),
            )
        )
    return out


@dataclass
class _Pen:
    lines: list[Line] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    arrows: list[str] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)

    def line(self, x1: float, y1: Y, x2: float, y2: Y) -> None:
        if (x1, y1) != (x2, y2):
            self.lines.append(Line(x1, y1, x2, y2))

    def arrow(self, x: float, y: float, dx: int, dy: int, size: float) -> None:
        """An arrowhead with its tip at (x, y), pointing along (dx, dy)."""
        bx, by = x - dx * size * 1.6, y - dy * size * 1.6
        px, py = -dy * size, dx * size
        pts = ((x, y), (bx + px, by + py), (bx - px, by - py))
        self.arrows.append(" ".join(f"{a:.1f},{b:.1f}" for a, b in pts))


def _geom(row: FlowRow, m: Metrics) -> _Geom:
    top = m.pad + (m.term_h + m.pad * 1.3 if row.start else 0)
    cx = m.col * (row.column + 0.5)
    if row.symbol is Symbol.DECISION:
        return _Geom(cx, top, m.dia_h, m.box_w)
    if row.symbol is Symbol.END:
        return _Geom(cx, top, m.term_h, m.box_w)
    return _Geom(cx, top, m.box_h, m.box_w)


def _role_attrs(row: FlowRow, layout: FlowLayout, symbol: str) -> dict[str, str]:
    attrs = {"data-symbol": symbol, "data-role": layout.columns[row.column].key}
    attrs["data-col"] = str(row.column)
    if row.step is not None:
        attrs["data-step"] = str(row.step.no)
    return attrs


def _shape(row: FlowRow, g: _Geom, layout: FlowLayout) -> Shape:
    text = "SELESAI" if row.symbol is Symbol.END else ""
    return Shape(
        symbol=row.symbol.value,
        x=g.cx - g.w / 2,
        y=g.top,
        w=g.w,
        h=g.h,
        text=text,
        attrs=_role_attrs(row, layout, row.symbol.value),
    )


def _draw_start(pen: _Pen, row: FlowRow, g: _Geom, layout: FlowLayout, m: Metrics) -> None:
    top = m.pad
    pen.shapes.append(
        Shape(
            symbol="start",
            x=g.cx - g.w / 2,
            y=top,
            w=g.w,
            h=m.term_h,
            text="MULAI",
            attrs=_role_attrs(row, layout, "start"),
        )
    )
    pen.line(g.cx, top + m.term_h, g.cx, g.top)
    pen.arrow(g.cx, g.top, 0, 1, m.arrow)


def _draw_edge_part(
    pen: _Pen, i: int, edge: Edge, layout: FlowLayout, geoms: list[_Geom], m: Metrics
) -> None:
    """The piece of ``edge`` that falls inside row ``i`` (if any)."""
    src, dst = geoms[edge.source], geoms[edge.target]
    if edge.short:
        if i == edge.source:
            y = src.cy
            if edge.label:  # a decision's YA leaves from the lower corner
                y = src.bottom + m.gap * 0.6
                pen.line(src.cx, src.bottom, src.cx, y)
                pen.labels.append(_ya_label(src, dst.cx, edge.label, m))
            pen.line(src.cx, y, dst.cx, y)
            pen.line(dst.cx, y, dst.cx, BOTTOM)
        elif i == edge.target:
            pen.line(dst.cx, 0, dst.cx, dst.top)
            pen.arrow(dst.cx, dst.top, 0, 1, m.arrow)
        return

    assert edge.lane is not None
    col = layout.rows[edge.target].column
    # Lanes stack leftwards from the column's right edge, but never into the symbol.
    lane_x = max(
        m.col * (col + 1) - m.lane_margin - m.lane_gap * edge.lane,
        dst.cx + dst.w / 2 + m.lane_gap,
    )
    upward = edge.target < edge.source
    lo, hi = sorted((edge.source, edge.target))
    if i == edge.source:
        if edge.label == "TIDAK":
            side = 1 if lane_x > src.cx else -1
            x0, y = src.cx + side * src.w / 2, src.cy
            anchor = "start" if side > 0 else "end"
            pen.labels.append(Label(x0 + side * 2, y - m.font * 0.5, edge.label, anchor, m.font))
        elif edge.label:
            x0, y = src.cx, src.bottom + m.gap * 0.6
            pen.line(src.cx, src.bottom, x0, y)
            pen.labels.append(_ya_label(src, lane_x, edge.label, m))
        else:
            x0, y = src.cx, src.cy
        pen.line(x0, y, lane_x, y)
        pen.line(lane_x, y, lane_x, 0 if upward else BOTTOM)
    elif i == edge.target:
        pen.line(lane_x, BOTTOM if upward else 0, lane_x, dst.cy)
        pen.line(lane_x, dst.cy, dst.cx + dst.w / 2, dst.cy)
        pen.arrow(dst.cx + dst.w / 2, dst.cy, -1, 0, m.arrow)
    elif lo < i < hi:
        pen.line(lane_x, 0, lane_x, BOTTOM)


def _ya_label(src: _Geom, towards: float, text: str, m: Metrics) -> Label:
    """YA beside the lower corner, on the side its line does not turn to."""
    if towards > src.cx:
        return Label(src.cx - m.arrow * 0.6, src.bottom + m.font, text, "end", m.font)
    return Label(src.cx + m.arrow * 0.6, src.bottom + m.font, text, "start", m.font)
