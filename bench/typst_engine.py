"""The 2,000-row report through Typst (the ``typst`` wheel), for the engine comparison only.

``python -m bench --only reports`` draws the same report with both candidate
engines: ReportLab's platypus (what sopbot ships: :mod:`bot.render.pdf`) and
Typst. This module gives Typst the same content: the heading, one table per
unit with its header repeated on every page, the capaian chart, the "Asal
Data" appendix in the same compact form, "Halaman X dari Y" and the data
digest in every footer, in the same embedded font (DejaVu Sans from
``bot/fonts``), the sasaran group lines and each unit's average. Its words
are the bench's own; the project does not use it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.reports.chart import report_chart
from bot.reports.html import provenance_units
from bot.reports.model import PerformanceReport
from bot.reports.provenance import provenance_lines, stamp_of

FONTS = Path(__file__).resolve().parent.parent / "bot" / "fonts"
_SPECIAL = set("\\/[]{}#*_+=~`$<>@-\"':.")


def esc(text: object) -> str:
    """``text`` as Typst markup: every markup character escaped."""
    return "".join("\\" + c if c in _SPECIAL else c for c in str(text)).replace("\n", " \\ ")


def typst_source(report: PerformanceReport) -> str:
    stamp = stamp_of(report)
    columns = report.columns
    widths = ", ".join(f"{c.width}fr" for c in columns)
    head = ", ".join(f"[*{esc(c.title)}*]" for c in columns)
    out = [
        '#set page(paper: "a4", flipped: true, margin: (x: 1cm, top: 1cm, bottom: 1.5cm),',
        "  footer: context [#set text(6.3pt); "
        f"{esc(report.heading)} #h(1fr) Halaman #counter(page).display() dari "
        f"#counter(page).final().first() #h(1fr) Sidik data {stamp.sha256}])",
        '#set text(font: "DejaVu Sans", size: 7pt, lang: "id")',
        "#set table(stroke: 0.5pt, inset: 2pt)",
        f"#align(center)[*{esc(report.instansi)}* \\ *{esc(report.title.upper())}* \\ "
        f"{esc(report.period_label)}]",
        '#align(center, image("chart.png", width: 90%))',
    ]
    for unit in report.units:
        cells = []
        previous = None
        for row in unit.rows:
            if row.sasaran and row.sasaran != previous:  # the group line, as in the HTML
                cells.append(
                    f"table.cell(colspan: {len(columns)}, fill: luma(242))"
                    f"[*Sasaran: {esc(row.sasaran)}*]"
                )
            previous = row.sasaran
            for column in columns:
                text = row.text(column)
                if column.key == "indikator":
                    text = f"{row.code} {text}"
                cells.append(f"[{esc(text)}]")
        cells.append(
            f"table.cell(colspan: {len(columns)})[*Rata-rata capaian: "
            f"{esc(unit.summary.average_text)}*]"
        )
        out.append(
            f"#table(columns: ({widths}), table.header("
            f"table.cell(colspan: {len(columns)}, stroke: none)[*{esc(unit.name)}*], {head}), "
            + ", ".join(cells)
            + ")"
        )
    out.append("#pagebreak()\n= Lampiran: Asal Data")
    for group_unit in provenance_units(provenance_lines(report)):
        cells = []
        for number, group in enumerate(group_unit.groups, start=1):
            items = "; ".join(f"{line.code} {line.digest[:8]}" for line in group.lines)
            cells += [
                f"[{number}]",
                f"[{esc(group.period_label)}]",
                f"[{esc(items)}]",
                f"[{esc(group.entered_by or '-')}]",
                f"[{esc(group.approved_by or '-')}]",
            ]
        out.append(
            "#table(columns: (4fr, 10fr, 44fr, 21fr, 21fr), table.header("
            f"table.cell(colspan: 5, stroke: none)[*{esc(group_unit.name)}*], "
            "[*No*], [*Periode*], [*Indikator*], [*Diisi oleh*], [*Disetujui oleh*]), "
            + ", ".join(cells)
            + ")"
        )
    return "\n".join(out) + "\n"


def render_typst_pdf(report: PerformanceReport) -> bytes:
    """The report as PDF through Typst (blocking)."""
    import typst

    with tempfile.TemporaryDirectory(prefix="sopbot-typst-") as root:
        Path(root, "chart.png").write_bytes(report_chart(report))
        main = Path(root, "main.typ")
        main.write_text(typst_source(report), encoding="utf-8")
        return typst.compile(  # type: ignore[no-any-return]
            str(main), root=root, font_paths=[str(FONTS)], ignore_system_fonts=True, pdf_tags=False
        )
