"""Where each symbol of the flow table goes, and how the arrows run.

This is the logical half of drawing the PermenPANRB 35/2012 flowchart: one
row per step (plus a closing SELESAI row), the symbol sits in the column of
the step's pelaksana, and every transition becomes an edge. An edge to the
row right below is drawn the short way (sideways, then down); any other edge
(a TIDAK loop back, a skip forward, several steps ending) runs along a
vertical *lane* at the right margin of its target's column, so long arrows
never cross a symbol. Pixel geometry is :mod:`bot.render.flow_svg`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.sop import END, Role, SopDefinition, Step, StepTarget


class Symbol(StrEnum):
    PROCESS = "process"
    DECISION = "decision"
    END = "end"
    """The SELESAI terminator of the closing row."""


class SheetLayoutError(ValueError):
    """A definition the sheet cannot draw (a step without a Pelaksana column)."""


@dataclass(frozen=True)
class FlowRow:
    step: Step | None
    """None for the closing SELESAI row."""
    column: int
    symbol: Symbol
    start: bool = False
    """The MULAI terminator stands above this row's symbol."""
    also: tuple[int, ...] = ()
    """Further columns with the same symbol: a step done by several roles (``pelaksana``
    list) has a symbol in each role's column, joined by a line; arrows use ``column``."""


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    """Row indexes (not step numbers)."""
    label: str = ""
    """"YA" or "TIDAK" on a decision's exits, empty otherwise."""
    lane: int | None = None
    """None: the short way into the row below; else the lane index in the target column."""

    @property
    def short(self) -> bool:
        return self.lane is None


@dataclass(frozen=True)
class FlowLayout:
    columns: tuple[Role, ...]
    rows: tuple[FlowRow, ...]
    edges: tuple[Edge, ...]


def layout_flow(defn: SopDefinition) -> FlowLayout:
    """Place every step of ``defn`` and route its transitions."""
    columns = defn.column_roles
    index = {role.key: i for i, role in enumerate(columns)}
    rows: list[FlowRow] = []
    for i, step in enumerate(defn.steps):
        for key in step.roles:
            if key not in index:
                raise SheetLayoutError(
                    f"langkah {step.no}: pelaksana {key!r} tidak punya kolom "
                    "di tabel alur (column: false)"
                )
        # A review and a question are both decision diamonds with YA / TIDAK exits.
        symbol = Symbol.DECISION if step.is_decision else Symbol.PROCESS
        placed = [index[key] for key in step.roles]
        rows.append(
            FlowRow(
                step=step,
                column=placed[0],
                symbol=symbol,
                start=i == 0,
                also=tuple(placed[1:]),
            )
        )

    raw = _raw_edges(defn)
    ends = [src for src, target, _ in raw if target == END]
    row_of = {step.no: i for i, step in enumerate(defn.steps)}
    if ends:
        rows.append(FlowRow(step=None, column=rows[max(ends)].column, symbol=Symbol.END))
        row_of_end = len(rows) - 1
    else:
        row_of_end = -1

    pending = [
        (src, row_of_end if target == END else row_of[target], label)
        for src, target, label in raw
        if target == END or target in row_of
    ]
    return FlowLayout(columns=columns, rows=tuple(rows), edges=_route(rows, pending))


def _raw_edges(defn: SopDefinition) -> list[tuple[int, StepTarget, str]]:
    """(source row, target, label) for every transition; a missing ``next`` falls through."""
    edges: list[tuple[int, StepTarget, str]] = []
    for i, step in enumerate(defn.steps):
        following: StepTarget = defn.steps[i + 1].no if i + 1 < len(defn.steps) else END
        if step.is_decision:
            edges.append((i, step.ya if step.ya is not None else following, "YA"))
            if step.tidak is not None:
                edges.append((i, step.tidak, "TIDAK"))
        else:
            edges.append((i, step.next if step.next is not None else following, ""))
    return edges


def _route(rows: list[FlowRow], pending: list[tuple[int, int, str]]) -> tuple[Edge, ...]:
    """Short way where possible; otherwise the lowest free lane in the target column.

    Two long edges may share a lane when they share a target (arrows merging
    into one symbol is how the official sheets draw it) or when their row
    spans do not overlap.
    """
    taken: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    edges: list[Edge] = []
    for src, dst, label in pending:
        if dst == src + 1 and label != "TIDAK":
            edges.append(Edge(src, dst, label))
            continue
        column = rows[dst].column
        span = (min(src, dst), max(src, dst))
        lane = 0
        while any(
            other_dst != dst and lo <= span[1] and span[0] <= hi
            for lo, hi, other_dst in taken.get((column, lane), [])
        ):
            lane += 1
        taken.setdefault((column, lane), []).append((*span, dst))
        edges.append(Edge(src, dst, label, lane))
    return tuple(edges)
