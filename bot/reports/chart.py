"""The capaian chart: one bar per indicator, coloured by its category, as PNG.

Drawn with matplotlib's object API (``Figure`` + ``FigureCanvasAgg``), never
``pyplot``: pyplot keeps global figure state, which is neither thread-safe
nor freed, and a report worker process may render several reports over its life.

The figure keeps one size whatever the number of indicators, so it always
fits an A4 landscape page: with many indicators the bars get thin and only
every n-th code is written under them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap, to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bot.domain.numbers import format_number
from bot.reports.model import IndicatorRow, PerformanceReport

__all__ = ["category_colours", "render_chart", "report_chart", "row_colour"]

RAMP = LinearSegmentedColormap.from_list(
    "capaian", ["#1a9641", "#8cc63f", "#f0c419", "#f28e2b", "#d7191c"]
)
"""Best category to worst: green to red, through a yellow dark enough to see on white."""

NO_VALUE_COLOUR = "#9e9e9e"
OTHER_COLOUR = "#4a6fa5"
"""A category the scale does not list: blue, so it is not read as a rating."""

AXIS_CAP = 200.0
"""The axis stops a little above 200 %; taller bars are cut and their value written."""

MANY_BARS = 100
"""More bars than this are drawn as one collection (the same picture, much faster)."""

MAX_LABELS = 60
"""More codes than this under the axis would overlap: every n-th is written instead."""

FIGSIZE = (10.0, 4.6)
"""Inches: A4 landscape less margins is 10.9 in wide."""

DPI = 110

NO_DATA_LABEL = "Tidak dapat dihitung / belum ada data"
TARGET_LABEL = "Target (100%)"
EMPTY_TEXT = "Belum ada indikator untuk ditampilkan"
OTHER_LABEL = "Lainnya"


def category_colours(categories: Sequence[str]) -> dict[str, str]:
    """Hex colour of each category, given highest first: green for the first, red for the last."""
    last = max(len(categories) - 1, 1)
    return {label: to_hex(RAMP(i / last)) for i, label in enumerate(categories)}


def row_colour(row: IndicatorRow, colours: dict[str, str]) -> str:
    """The bar colour of ``row``: its category's, grey when it has no capaian."""
    if row.capaian is None:
        return NO_VALUE_COLOUR
    return colours.get(row.kategori or "", OTHER_COLOUR)


def render_chart(rows: Sequence[IndicatorRow], categories: Sequence[str], *, title: str) -> bytes:
    """A PNG bar chart of the rows' capaian, labelled by indicator code."""
    figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # attaches itself to the figure: savefig needs a canvas
    ax = figure.add_subplot()
    ax.set_title(title, fontsize=11, parse_math=False)
    ax.set_ylabel("Capaian (%)", fontsize=9)
    colours = category_colours(categories)
    if rows:
        handles = _draw_bars(ax, rows, colours)
    else:
        handles = []
        ax.set_xticks([])
        ax.set_ylim(0, 120)
        ax.text(0.5, 0.5, EMPTY_TEXT, transform=ax.transAxes, ha="center", color="#555555")
    ax.axhline(100, color="#333333", linestyle="--", linewidth=1, zorder=4)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    legend: list[Artist] = [Patch(color=colours[label], label=label) for label in categories]
    legend.append(Line2D([], [], color="#333333", linestyle="--", label=TARGET_LABEL))
    ax.legend(
        handles=legend + handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        frameon=False,
    )
    out = BytesIO()
    # No "Software" entry: the bytes then depend on the drawing only, not on the version.
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def report_chart(report: PerformanceReport) -> bytes:
    """The chart of every row of ``report``, with the report's rating categories."""
    categories = [c.label for c in report.summary.categories]
    return render_chart(report.rows, categories, title=f"Capaian Kinerja {report.period_label}")


def _draw_bars(ax: Axes, rows: Sequence[IndicatorRow], colours: dict[str, str]) -> list[Artist]:
    """The bars, the axis limits and the code labels; returns extra legend entries."""
    n = len(rows)
    xs = range(n)
    values = [float(row.capaian) if row.capaian is not None else 0.0 for row in rows]
    top, bottom = _limits(values)
    bar_colours = [row_colour(r, colours) for r in rows]
    if n <= MANY_BARS:
        ax.bar(xs, values, width=0.7, color=bar_colours, zorder=3)
    else:  # one collection instead of a patch per bar: 2,000 bars in a tenth of the time
        half = 0.35
        verts = [
            [(x - half, 0), (x - half, v), (x + half, v), (x + half, 0)]
            for x, v in zip(xs, values, strict=True)
        ]
        ax.add_collection(
            PolyCollection(verts, facecolors=bar_colours, edgecolors="none", zorder=3)
        )
    ax.set_ylim(bottom, top)
    ax.set_xlim(*_x_limits(n))
    _label_codes(ax, [row.code for row in rows])
    _write_values(ax, rows, top)
    extra: list[Artist] = []
    missing = [x for x, row in zip(xs, rows, strict=True) if row.capaian is None]
    if missing:
        ax.scatter(
            missing, [0] * len(missing), marker="x", color=NO_VALUE_COLOUR, zorder=5, clip_on=False
        )
        extra.append(
            Line2D([], [], marker="x", linestyle="", color=NO_VALUE_COLOUR, label=NO_DATA_LABEL)
        )
    if any(r.capaian is not None and (r.kategori or "") not in colours for r in rows):
        extra.append(Patch(color=OTHER_COLOUR, label=OTHER_LABEL))
    return extra


def _limits(values: list[float]) -> tuple[float, float]:
    """(top, bottom) of the y axis: room above 100 % and the bars, capped above 200 %."""
    highest = min(max(values), AXIS_CAP)
    top = max(120.0, highest * 1.12)
    bottom = min(0.0, min(values) * 1.12)
    return top, bottom


def _x_limits(n: int) -> tuple[float, float]:
    """Few bars stay bar-sized in the middle instead of filling the whole width."""
    pad = max(0.75, (6 - n) / 2)
    return -pad, n - 1 + pad


def _label_codes(ax: Axes, codes: list[str]) -> None:
    """The codes under the bars: all of them when they fit, else every n-th, upright when many."""
    step = math.ceil(len(codes) / MAX_LABELS)
    shown = range(0, len(codes), step)
    size = 8 if len(codes) <= 20 else 7 if len(codes) <= 40 else 6
    ax.set_xticks(
        list(shown),
        labels=[codes[i] for i in shown],
        rotation=0 if len(codes) <= 8 else 90,
        fontsize=size,
        parse_math=False,
    )


def _write_values(ax: Axes, rows: Sequence[IndicatorRow], top: float) -> None:
    """The figure above each bar when there is room; always on bars cut by the axis."""
    few = len(rows) <= 15
    for x, row in enumerate(rows):
        if row.capaian is None:
            continue
        value = float(row.capaian)
        if value > top:
            _write_cut_value(ax, x, top, _percent(row.capaian), wide=few)
        elif few:
            y = max(value, 0.0) + top * 0.01
            ax.text(
                x,
                y,
                _percent(row.capaian),
                ha="center",
                va="bottom",
                fontsize=7,
                zorder=6,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )  # on a white ground: the dashed 100 % line must not strike it through


def _write_cut_value(ax: Axes, x: int, top: float, text: str, *, wide: bool) -> None:
    """A bar taller than the axis: its real figure, written down from the top."""
    style: dict[str, object] = {"color": "white", "fontweight": "bold"}
    if not wide:  # a thin bar cannot hold white text: a light box keeps it legible
        style = {"color": "#222222", "bbox": {"facecolor": "white", "alpha": 0.7, "pad": 1}}
    ax.text(x, top * 0.98, text, ha="center", va="top", fontsize=7, rotation=90, zorder=6, **style)


def _percent(value: Decimal) -> str:
    return format_number(value, 2)
