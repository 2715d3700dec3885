"""The SOP as its official sheet (PermenPANRB 35/2012), in HTML or PDF.

The sheet is what a unit signs and files: the bot must be able to print the
very procedure it runs, so nobody keeps a second, drifting copy in Word.
Layout (which symbol, which column, which arrow) comes from
:mod:`bot.render.flow_layout` and :mod:`bot.render.flow_svg`; the words all
come from the definition, verbatim.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from markupsafe import Markup

from bot.domain.locale_id import MONTH_NAMES
from bot.domain.periods import ReportType
from bot.domain.sop import ALL_REPORT_TYPES, END, Scope, SopDefinition, Step, StepTarget
from bot.render.flow_layout import FlowRow, SheetLayoutError, layout_flow
from bot.render.flow_svg import Metrics, RowDrawing, draw_rows
from bot.render.jinja import template_env
from bot.render.profile import BROWSER_WIDTH, PDF_WIDTH, Profile

__all__ = ["SheetLayoutError", "render_sop_html", "render_sop_pdf", "sheet_context"]

LEADING = 1.2
"""Line height as a multiple of the font size; the PDF row heights are computed with it."""


_HTML = Profile(unit="px", total=BROWSER_WIDTH, font_size=10.5, pad=3.0)
_PDF = Profile(unit="pt", total=PDF_WIDTH, font_size=7.5, pad=2.5)


@dataclass(frozen=True)
class SheetWidths:
    """Column widths of the sheet, in the profile's unit."""

    total: float
    no: float
    uraian: float
    role: float
    roles: int
    kelengkapan: float
    waktu: float
    output: float
    keterangan: float

    @property
    def flow(self) -> float:
        return self.role * self.roles

    @property
    def half(self) -> float:
        return self.total / 2

    @property
    def label(self) -> float:
        return self.total * 0.16

    @property
    def logo(self) -> float:
        return self.total * 0.06


def sheet_widths(total: float, roles: int) -> SheetWidths:
    """Share ``total`` between the columns: roles get what the text columns leave.

    A Pelaksana column is kept between 5.5 % and 11 % of the width, so five or
    six roles still fit on A4 landscape with room for a symbol and its lanes.
    """
    fixed = {"no": 0.03, "kelengkapan": 0.12, "waktu": 0.07, "output": 0.10, "keterangan": 0.11}
    left = 1.0 - sum(fixed.values())
    role = min(max((left - 0.18) / roles, 0.055), 0.11)
    uraian = left - role * roles
    return SheetWidths(
        total=total,
        roles=roles,
        uraian=round(uraian * total, 1),
        role=round(role * total, 1),
        **{k: round(v * total, 1) for k, v in fixed.items()},
    )


@dataclass(frozen=True)
class KeteranganLine:
    teks: str
    catatan: bool = False
    """A note the sheet adds (report types, fan-out), set in italics."""


@dataclass(frozen=True)
class SheetRow:
    no: int | None
    uraian: str
    kelengkapan: str
    waktu: str
    output: str
    keterangan: tuple[KeteranganLine, ...]
    height: float
    svg: Markup
    svg_uri: str


def keterangan(step: Step, defn: SopDefinition) -> tuple[KeteranganLine, ...]:
    """The Keterangan cell: the document's words, then what the YAML adds."""
    lines: list[KeteranganLine] = []
    if step.keterangan:
        lines.append(KeteranganLine(step.keterangan))
    if step.report_types != ALL_REPORT_TYPES:
        kinds = "/".join(r.value for r in ReportType if r in step.report_types)
        lines.append(KeteranganLine(f"(laporan {kinds})", catatan=True))
    if step.months is not None:
        lines.append(KeteranganLine(f"({months_text(step.months)})", catatan=True))
    if step.fan_out is not None:
        key = step.fan_out.pelaksana
        name = defn.role(key).name if defn.has_role(key) else key
        lines.append(KeteranganLine(f"Diteruskan ke setiap unit: {name}", catatan=True))
        if step.fan_out.join is not None and step.fan_out.join != step.next:
            lines.append(
                KeteranganLine(f"Jawaban unit dihimpun di langkah {step.fan_out.join}", True)
            )
    if step.is_question:
        lines.append(KeteranganLine(f"Pertanyaan: {step.question} (YA/TIDAK)", catatan=True))
    if step.needs_all:
        lines.append(KeteranganLine("(dikerjakan oleh semua peran)", catatan=True))
    if step.waktu is None:
        lines.append(KeteranganLine("(Waktu: durasi bawaan organisasi)", catatan=True))
    return tuple(lines)


def months_text(months: frozenset[int]) -> str:
    """``hanya periode bulan Januari``: when a ``months:`` step runs, in words."""
    names = [MONTH_NAMES[m - 1] for m in sorted(months)]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dan " + names[-1]
    return f"hanya periode bulan {listed}"


def sheet_context(defn: SopDefinition, *, pdf: bool = False) -> dict[str, object]:
    """Everything the template needs; separate from rendering so tests can look at it."""
    profile = _PDF if pdf else _HTML
    base = {
        "pdf": pdf,
        "unit": profile.unit,
        "font_size": profile.font_size,
        "pad": profile.pad,
        "leading": LEADING,
        "identity": defn.identity,
        "pengesah": defn.pengesah,
        "lists": _identity_lists(defn),
    }
    if defn.layout == "list":
        return base | _list_context(defn, profile)
    layout = layout_flow(defn)
    widths = sheet_widths(profile.total, len(layout.columns))
    metrics = Metrics.for_column(widths.role, profile.scale)
    drawings = draw_rows(layout, metrics)
    rows = [
        _sheet_row(defn, row, drawing, widths, profile, metrics, pdf)
        for row, drawing in zip(layout.rows, drawings, strict=True)
    ]
    return base | {"list_layout": False, "roles": layout.columns, "widths": widths, "rows": rows}


def _identity_lists(defn: SopDefinition) -> list[tuple[dict[str, object], dict[str, object]]]:
    i = defn.identity
    return [
        (
            _list("Dasar Hukum", i.dasar_hukum),
            _list("Kualifikasi Pelaksana", i.kualifikasi_pelaksana),
        ),
        (_list("Keterkaitan", i.keterkaitan), _list("Peralatan/Perlengkapan", i.peralatan)),
        (_list("Peringatan", i.peringatan), _list("Pencatatan dan Pendataan", i.pencatatan)),
    ]


# --- layout: list (documents without Pelaksana columns) -------------------------------------------


@dataclass(frozen=True)
class ListColumn:
    key: str
    judul: str
    width: float


@dataclass(frozen=True)
class ListRow:
    no: int
    cells: dict[str, str]
    keterangan: tuple[KeteranganLine, ...]


_LIST_SHARES = {
    "no": 0.04,
    "uraian": 0.34,
    "pelaksana": 0.16,
    "kelengkapan": 0.11,
    "waktu": 0.07,
    "output": 0.11,
    "keterangan": 0.17,
}
_LIST_TITLES = {
    "no": "No",
    "uraian": "Kegiatan",
    "pelaksana": "Pelaksana",
    "kelengkapan": "Kelengkapan",
    "waktu": "Waktu",
    "output": "Output",
    "keterangan": "Keterangan",
}


def _list_context(defn: SopDefinition, profile: Profile) -> dict[str, object]:
    """``layout: list``: the flow as the numbered list the document is, one row per step
    (No, Kegiatan, Pelaksana, Waktu, ...; Kelengkapan and Output only when a step has one),
    the exits that are not "the next row" written in Keterangan."""
    keys = [
        key
        for key in _LIST_SHARES
        if key not in ("kelengkapan", "output") or any(getattr(s, key) for s in defn.steps)
    ]
    total = sum(_LIST_SHARES[key] for key in keys)
    columns = [
        ListColumn(key, _LIST_TITLES[key], round(_LIST_SHARES[key] / total * profile.total, 1))
        for key in keys
    ]
    rows = []
    for i, step in enumerate(defn.steps):
        following = defn.steps[i + 1].no if i + 1 < len(defn.steps) else None
        cells = {
            "uraian": step.uraian,
            "pelaksana": pelaksana_text(defn, step),
            "kelengkapan": step.kelengkapan,
            "waktu": step.waktu.teks if step.waktu is not None else "-",
            "output": step.output,
        }
        flow = tuple(KeteranganLine(line, catatan=True) for line in _exit_lines(step, following))
        rows.append(ListRow(step.no, cells, keterangan(step, defn) + flow))
    return {
        "list_layout": True,
        "list_columns": columns,
        "list_rows": rows,
        # The identity block's widths (the flow table's role share is not used).
        "widths": sheet_widths(profile.total, 1),
    }


def pelaksana_text(defn: SopDefinition, step: Step) -> str:
    """The step's roles by name: "A dan B" when all must do it, "A / B" when any one may."""
    names = [defn.role(key).name if defn.has_role(key) else key for key in step.roles]
    return (" dan " if step.needs_all else " / ").join(names)


def _target_text(target: StepTarget) -> str:
    return "selesai" if target == END else f"langkah {target}"


def _exit_lines(step: Step, following: int | None) -> list[str]:
    """Where a list row leaves to, when not simply to the next row; where it is done."""
    lines = []
    if step.scope is Scope.UNIT:
        lines.append("(dikerjakan setiap unit)")
    elif step.scope is Scope.JOIN:
        lines.append("(setelah semua unit)")
    if step.is_decision and step.ya is not None and step.tidak is not None:
        lines.append(f"Ya: {_target_text(step.ya)}; Tidak: {_target_text(step.tidak)}")
    elif (
        step.next is not None
        and step.next != following
        and not (step.next == END and following is None)
    ):
        lines.append(f"Lanjut ke {_target_text(step.next)}")
    return lines


def render_sop_html(defn: SopDefinition, *, pdf: bool = False) -> str:
    """The sheet as one self-contained HTML page (inline SVG flowchart, print CSS).

    ``pdf=True`` gives the variant :mod:`bot.render.pdf` draws; see :func:`render_sop_pdf`.
    Raises :class:`SheetLayoutError` when a step's pelaksana has no column.
    """
    return template_env().get_template("sop_sheet.html.j2").render(sheet_context(defn, pdf=pdf))


def render_sop_pdf(defn: SopDefinition) -> bytes:
    """The sheet as A4 landscape PDF. Blocking (CPU-bound): keep it off the event loop."""
    from bot.render.pdf import Page, html_to_pdf  # ReportLab: the HTML does not need it

    page = Page(font_size=_PDF.font_size, leading=LEADING, pad=_PDF.pad)
    return html_to_pdf(render_sop_html(defn, pdf=True), page)


def _list(judul: str, isi: tuple[str, ...]) -> dict[str, object]:
    return {"judul": judul, "isi": isi}


def _sheet_row(
    defn: SopDefinition,
    row: FlowRow,
    drawing: RowDrawing,
    widths: SheetWidths,
    profile: Profile,
    metrics: Metrics,
    pdf: bool,
) -> SheetRow:
    step = row.step
    ket = keterangan(step, defn) if step else ()
    cells = {
        "uraian": step.uraian if step else "",
        "kelengkapan": step.kelengkapan if step else "",
        # The cell as the document writes it ("5" under "Waktu (menit)"); none: "-".
        "waktu": (step.waktu.teks if step.waktu is not None else "-") if step else "",
        "output": step.output if step else "",
    }
    height = drawing.min_height
    if pdf:
        height = max(height, _text_height(cells, ket, widths, profile))
    height = round(height, 1)
    svg = _svg(drawing, height, pdf, metrics, _aria(defn, row))
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() if pdf else ""
    return SheetRow(
        no=step.no if step else None,
        keterangan=ket,
        height=height,
        svg=Markup(svg),  # safe: built by our own autoescaping template
        svg_uri=uri,
        **cells,
    )


def _text_height(
    cells: dict[str, str],
    ket: tuple[KeteranganLine, ...],
    widths: SheetWidths,
    profile: Profile,
) -> float:
    """The tallest text cell of a PDF row, padding included."""
    from bot.render.pdf import text_height

    size = profile.font_size
    inner = {name: getattr(widths, name) - 2 * profile.pad - 1 for name in cells}
    tallest = max(text_height(text, inner[name], size, LEADING) for name, text in cells.items())
    ket_width = widths.keterangan - 2 * profile.pad - 1
    ket_h = sum(text_height(line.teks, ket_width, size, LEADING) + profile.pad for line in ket)
    return max(tallest, ket_h) + 2 * profile.pad + 2


def _svg(drawing: RowDrawing, height: float, pdf: bool, m: Metrics, aria: str) -> str:
    bottom = f"{height:.1f}" if pdf else "100%"
    return (
        template_env()
        .get_template("sop/_flow_row.svg.j2")
        .render(
            d=drawing,
            bottom=bottom,
            height_attr=f"{bottom}pt" if pdf else bottom,
            size_unit="pt" if pdf else "",
            viewbox=pdf,
            stroke=0.8 * m.arrow / 4,
            font=m.font,
            aria=aria,
        )
    )


def _aria(defn: SopDefinition, row: FlowRow) -> str:
    if row.step is None:
        return "Selesai"
    role = " dan ".join(defn.role(key).name for key in row.step.roles)
    what = "kegiatan"
    if row.step.is_decision:
        what = "pertanyaan" if row.step.is_question else "keputusan"
    start = "Mulai; " if row.start else ""
    return f"{start}Langkah {row.step.no}: {what} oleh {role}"
