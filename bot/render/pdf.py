"""Our HTML pages as PDF, drawn directly with ReportLab's platypus.

Every PDF the project makes (the reports, the monev, the SOP sheet) is first
the HTML page a browser shows, rendered by the same Jinja2 templates with
``pdf=True``; this module turns that page into PDF. So the words exist once,
in the templates, and the PDF cannot say something the HTML does not.

It is not a browser: it knows the small vocabulary our templates use
(:mod:`bot.render.pdf_tree` reads it) and draws each element with the house
style below, ignoring the page's CSS. ``h1``-``h3``, ``p``, ``div``,
``ol``/``ul``, ``img`` (PNG or SVG data URIs), ``hr`` and ``table`` (with
``thead`` rows repeated on every page, ``colspan``, widths from the
``style="width: ..pt"`` or ``width="..%"`` of the widest row) and inline
``b``/``i``/``u``/``br``/``span``. A ``div.page-break`` starts a new page
(never an empty one); headings move to the next page when less than a few
lines of what follows would fit under them; ``div#page-footer`` is drawn on
every page with ``span.page-number`` and ``span.page-count`` filled in
("Halaman 3 dari 12"). ``title`` and ``meta`` subject/keywords become the
PDF's properties (``sopbot verify`` reads the subject).

The font is DejaVu Sans, shipped in ``bot/fonts`` and embedded (subset), so
every viewer shows and extracts the same text ("KINERJA", never "KINERJ A").

It replaced xhtml2pdf (36 s and 453 MB for a 2,000-row report; see
``python -m bench`` for today's figures): cells of plain text are wrapped
here and drawn as strings, without a paragraph to parse; a table made only of
such cells is a :class:`bot.render.pdf_grid.GridTable` (rows measured once, a
page break is a slice, each distinct line encoded once); nothing is laid out
twice ("dari Y" is a form filled in when the file is saved), and Python's
cycle collector rests while the document is made (:func:`collector_paused`).
"""

from __future__ import annotations

import base64
import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import PageBreakIfNotEmpty

from bot.render.pdf_grid import GridCell, GridRow, GridTable
from bot.render.pdf_tree import Element, Node, parse_html

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"

GRID = 0.5
HEAD_FILL = colors.HexColor("#e6e6e6")
ROW_FILL = colors.HexColor("#f2f2f2")
GREY = "#555555"
MARGIN = 1 * cm
BOTTOM = 1.5 * cm
KEEP_HEIGHT = 3.2 * cm
"""A heading with less than this under it on the page starts the next page instead."""


class PdfError(RuntimeError):
    """The page could not be drawn as PDF."""


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register DejaVu Sans (four faces) with ReportLab once; returns the family name."""
    faces = {
        FONT: "DejaVuSans.ttf",
        FONT_BOLD: "DejaVuSans-Bold.ttf",
        FONT_ITALIC: "DejaVuSans-Oblique.ttf",
        FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    }
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    return FONT


@dataclass(frozen=True)
class Page:
    """Paper and the base text size of one kind of document."""

    font_size: float = 7.0
    leading: float = 1.25
    pad: float = 2.0
    landscape: bool = True

    @property
    def size(self) -> tuple[float, float]:
        return landscape(A4) if self.landscape else portrait(A4)

    @property
    def width(self) -> float:
        return self.size[0] - 2 * MARGIN


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a document is made, back on after.

    Making a 2,000-row report allocates millions of small objects (the page's
    tree, cells, flowables, PDF operators) that all live until the file is
    written; the collector kept walking them, and every object the process
    already held, for nothing: a quarter of the PDF's CPU time. Reference
    counting still frees everything as usual; cycles wait until the end.
    Nesting is harmless: only the outermost call turns it back on. See also
    :func:`collect_young`.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def collect_young() -> None:
    """While the collector is paused, free the cycles left by what was made since it
    stopped (the chart's figure, the templates' context): it looks at those objects
    only, so it costs milliseconds, and the memory is used again for the pages."""
    if not gc.isenabled():
        gc.collect(0)


def html_to_pdf(html: str, page: Page | None = None) -> bytes:
    """The PDF bytes of one of our pages (see the module doc). Blocking: not on the event loop.

    Pass the page straight from the template (``html_to_pdf(render(...))``): the
    text is let go as soon as it is read, before the pages are laid out.
    """
    page = page or Page()
    with collector_paused():
        collect_young()
        register_fonts()
        root = parse_html(html)
        del html
        story, footer, properties = _story(root, page)
        del root  # the tree is not needed while the pages are laid out
        return _write(story, footer, properties, page)


def _story(root: Element, page: Page) -> tuple[list[Flowable], FooterParts | None, dict[str, str]]:
    """The flowables of the page's body, its footer and the PDF's properties."""
    body = root.find("body") or root
    builder = _Builder(page)
    footer = body.find_id("page-footer")
    story = builder.blocks([n for n in body.children if n is not footer])
    properties = {
        "title": _text_of(root.find("title")),
        "subject": _meta(root, "subject"),
        "keywords": _meta(root, "keywords"),
    }
    return story, builder.footer(footer), properties


def _write(
    story: list[Flowable], footer: FooterParts | None, properties: dict[str, str], page: Page
) -> bytes:
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=page.size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=BOTTOM,
        author="sopbot",
        creator="sopbot",
        **properties,
    )
    try:
        doc.build(story, canvasmaker=_numbered_canvas(footer, page))
    except Exception as exc:  # ReportLab's LayoutError and friends: say it in one sentence
        raise PdfError(f"PDF tidak dapat dibuat: {exc}") from exc
    return out.getvalue()


# --- text measuring (the SOP sheet's flowchart rows) -------------------------------------


def wrapped_lines(text: str, width: float, font_size: float) -> int:
    """How many lines ``text`` takes in a box ``width`` points wide (greedy, like ReportLab)."""
    register_fonts()
    count = 0
    space = stringWidth(" ", FONT, font_size)
    for paragraph in text.splitlines() or [""]:
        count += 1
        line = 0.0
        for word in paragraph.split():
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
    """Height in points that ``text`` needs inside a cell of inner ``width``."""
    if not text.strip():
        return 0.0
    return wrapped_lines(text, width, font_size) * font_size * leading


# --- the page ------------------------------------------------------------------------------


def _meta(root: Element, name: str) -> str:
    for meta in root.iter("meta"):
        if meta.attrs.get("name") == name:
            return meta.attrs.get("content", "")
    return ""


def _text_of(element: Element | None) -> str:
    return " ".join(element.text().split()) if element is not None else ""


FooterParts = tuple[str, str, str]
"""Left, centre and right text of the footer, with ``{page}`` and ``{pages}`` to fill in."""


def _numbered_canvas(footer: FooterParts | None, page: Page) -> Callable[..., Canvas]:
    """A canvas that prints the footer on every page, "Halaman X dari Y" included.

    Y is not known until the last page: each page draws a form (a PDF XObject)
    named ``page-count`` that is filled in once, when the document is saved, so
    no page is held back in memory.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("initialFontName", FONT)  # else a Helvetica, never embedded
            super().__init__(*args, **kwargs)

        def showPage(self) -> None:  # ReportLab's name
            if footer is not None:
                self._footer()
            super().showPage()

        def save(self) -> None:
            if footer is not None:
                self.beginForm(_COUNT_FORM)
                self.setFont(FONT, page.font_size * 0.9)
                self.setFillColor(colors.HexColor("#333333"))
                self.drawString(0, 0, str(self.getPageNumber() - 1))
                self.endForm()
            super().save()

        def _footer(self) -> None:
            size = page.font_size * 0.9
            y = BOTTOM / 2 - size / 2
            width = page.size[0]
            self.saveState()
            self.setFont(FONT, size)
            self.setFillColor(colors.HexColor("#333333"))
            self.setStrokeColor(colors.HexColor("#999999"))
            self.setLineWidth(0.4)
            self.line(MARGIN, y + size * 1.5, width - MARGIN, y + size * 1.5)
            for part, align in zip(footer or (), ("left", "center", "right"), strict=True):
                self._footer_part(part, align, y, size)
            self.restoreState()

        def _footer_part(self, part: str, align: str, y: float, size: float) -> None:
            before, counted, after = part.partition("{pages}")
            before = before.format(page=self.getPageNumber()).replace("{{", "{").replace("}}", "}")
            after = after.replace("{{", "{").replace("}}", "}")
            count_width = stringWidth("999", FONT, size) if counted else 0.0
            total = stringWidth(before, FONT, size) + count_width + stringWidth(after, FONT, size)
            width = page.size[0]
            x = {"left": MARGIN, "center": (width - total) / 2, "right": width - MARGIN - total}
            x0 = x[align]
            self.drawString(x0, y, before)
            if counted:
                at = x0 + stringWidth(before, FONT, size)
                self.saveState()
                self.translate(at, y)
                self.doForm(_COUNT_FORM)
                self.restoreState()
                self.drawString(at + count_width, y, after)

    return NumberedCanvas


_COUNT_FORM = "page-count"


# --- from elements to flowables --------------------------------------------------------------

_ALIGN = {"num": TA_RIGHT, "right": TA_RIGHT, "no": TA_CENTER, "center": TA_CENTER}
_INLINE = {"b", "strong", "i", "em", "u", "span", "br", "code", "a", "small"}
_BLOCK_CLASSES_BOLD = {
    "kode",
    "ttd-name",
    "instansi",
    "judul",
    "pemerintah",
    "opd",
    "label",
    "flow-title",
}
_NO_GRID = {"meta", "ttd", "kop", "plain"}
_WIDTH = re.compile(r"width:\s*([\d.]+)\s*(pt|px)")
_HEIGHT = re.compile(r"height:\s*([\d.]+)\s*(pt|px)")


class _Builder:
    def __init__(self, page: Page) -> None:
        self.page = page
        self._styles: dict[tuple[str, int, str, float], ParagraphStyle] = {}

    # styles ------------------------------------------------------------------------------
    def style(
        self, kind: str = "p", align: int = TA_LEFT, tone: str = "", scale: float = 1.0
    ) -> ParagraphStyle:
        key = (kind, align, tone, scale)
        found = self._styles.get(key)
        if found is not None:
            return found
        f = self.page.font_size
        size, space_before, space_after, font = f, 0.0, f * 0.5, FONT
        if kind == "h1":
            size, space_before, space_after, font = f * 1.6, f, f * 0.6, FONT_BOLD
        elif kind == "h2":
            size, space_before, space_after, font = f * 1.4, f * 1.2, f * 0.6, FONT_BOLD
        elif kind == "h3":
            size, space_before, space_after, font = f * 1.2, f, f * 0.5, FONT_BOLD
        elif kind == "cell":
            space_after = 0.0
        elif kind == "small":
            size = f * 0.9
        elif kind == "line":
            space_after = 0.0
        size *= scale
        style = ParagraphStyle(
            f"{kind}-{align}-{tone}",
            fontName=font,
            fontSize=size,
            leading=size * self.page.leading,
            alignment=align,
            spaceBefore=space_before,
            spaceAfter=space_after,
            textColor=colors.HexColor(tone) if tone else colors.black,
        )
        self._styles[key] = style
        return style

    # blocks ------------------------------------------------------------------------------
    def blocks(self, nodes: list[Node], kind: str = "p", align: int = TA_LEFT) -> list[Flowable]:
        out: list[Flowable] = []
        inline: list[Node] = []

        def flush() -> None:
            markup = self.markup(inline).strip()
            inline.clear()
            if markup:
                out.append(Paragraph(markup, self.style(kind, align)))

        elements = [n for n in nodes if isinstance(n, Element) and n.tag not in _INLINE]
        follows = dict(zip(map(id, elements), elements[1:], strict=False))
        lead_in: Flowable | None = None
        for node in nodes:
            if isinstance(node, str) or node.tag in _INLINE:
                inline.append(node)
                continue
            flush()
            made = list(self.block(node, kind, align))
            after = follows.get(id(node))
            if made and node.tag == "p" and after is not None and after.tag in ("ol", "ul"):
                lead_in = made.pop()  # "Skala penilaian capaian (%):" stays with its list
            elif node.tag in ("ol", "ul") and lead_in is not None:
                items = made[0]._content if isinstance(made[0], KeepTogether) else made
                made, lead_in = [KeepTogether([lead_in, *items])], None
            out.extend(made)
        flush()
        return out

    def block(self, el: Element, kind: str = "p", align: int = TA_LEFT) -> Iterator[Flowable]:
        tag, classes = el.tag, el.classes
        if tag in ("h1", "h2", "h3"):
            yield CondPageBreak(KEEP_HEIGHT)
            heading = Paragraph(self.markup(el.children), self.style(tag, _heading_align(el)))
            heading.keepWithNext = True  # never alone at a page's foot (a chart follows whole)
            yield heading
        elif tag == "p":
            yield self.paragraph(el)
        elif tag == "table":
            table = self.table(el)
            yield KeepTogether([table]) if {"ttd", "kop", "keep"} & classes else table
        elif tag in ("ol", "ul"):
            items = list(self.listing(el))
            if len(items) <= 12 and kind != "cell":  # a short list is not split over two pages
                yield KeepTogether(items)
            else:
                yield from items
        elif tag == "img":
            image = self.image(el)
            if image is not None:
                yield image
        elif tag == "hr":
            yield HRFlowable(
                width="100%", thickness=2 if "double" in classes else 0.8, spaceAfter=1
            )
            if "double" in classes:
                yield HRFlowable(width="100%", thickness=0.6, spaceBefore=0, spaceAfter=6)
        elif tag == "div" and {"page-break", "sheet-break"} & classes:
            yield PageBreakIfNotEmpty()
        elif tag == "div" and "draft" in classes:
            yield self.boxed(el)
        elif tag == "div" and "ttd-space" in classes:
            yield Spacer(1, self.page.font_size * 4.5)
        elif tag in ("div", "section", "body", "main", "header", "footer"):
            inner = "line" if {"kop", "kop-text", "title"} & classes else kind
            if "center" in classes:
                align = TA_CENTER
            if any(isinstance(c, Element) and c.tag not in _INLINE for c in el.children):
                yield from self.blocks(el.children, inner, align)
            else:
                yield self.paragraph(el, kind, align)
        # anything else (script, style, meta...) draws nothing

    def paragraph(self, el: Element, kind: str = "p", align: int = TA_LEFT) -> Paragraph:
        classes = el.classes
        if {"stamp", "unit-summary", "note", "ttd-none"} & classes:
            kind = "small" if kind == "p" else kind
        if {"sub", "center"} & classes:
            align = TA_CENTER
        scale = _font_scale(classes) or 1.0
        markup = self.markup(el.children)
        if classes & _BLOCK_CLASSES_BOLD or el.tag in ("b", "strong"):
            markup = f"<b>{markup}</b>"
        if {"missing", "note", "ttd-date"} & classes:
            markup = f"<i>{markup}</i>"
        if "ttd-name" in classes:
            markup = f"<u>{markup}</u>"
        if {"ttd-date", "small"} & classes:
            scale = 0.9
        return Paragraph(markup, self.style(kind, align, scale=scale))

    def boxed(self, el: Element) -> Table:
        red = colors.HexColor("#c00000")
        style = ParagraphStyle(
            "draft",
            parent=self.style("h1", TA_CENTER),
            textColor=red,
            spaceBefore=0,
            spaceAfter=0,
        )
        table = Table([[Paragraph(self.markup(el.children), style)]], colWidths=[self.page.width])
        table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2, red)]))
        table.spaceBefore = table.spaceAfter = self.page.font_size * 0.5
        return table

    def listing(self, el: Element) -> Iterator[Paragraph]:
        numbered = el.tag == "ol"
        indent = self.page.font_size * 2.4
        style = ParagraphStyle(
            "li",
            parent=self.style("p"),
            leftIndent=indent,
            bulletIndent=indent * 0.3,
            bulletFontName=FONT,
            bulletFontSize=self.page.font_size,
        )
        style.spaceAfter = self.page.font_size * 0.2
        items = [c for c in el.children if isinstance(c, Element) and c.tag == "li"]
        for number, item in enumerate(items, start=1):
            bullet = f"{number}." if numbered else "•"
            yield Paragraph(self.markup(item.children), style, bulletText=bullet)

    def image(self, el: Element, max_width: float | None = None) -> Flowable | None:
        src = el.attrs.get("src", "")
        if not src.startswith("data:"):
            return None
        head, _, payload = src.partition(",")
        data = base64.b64decode(payload)
        width = _length(_WIDTH, el.attrs.get("style", ""))
        height = _length(_HEIGHT, el.attrs.get("style", ""))
        if "svg" in head:
            from bot.render.pdf_svg import svg_flowable

            return svg_flowable(data, width, height)
        image = Image(BytesIO(data))
        if width and height:
            image.drawWidth, image.drawHeight = width, height
        elif width:
            image.drawHeight, image.drawWidth = image.imageHeight * width / image.imageWidth, width
        limit = max_width or self.page.width
        if image.drawWidth > limit:
            image.drawHeight, image.drawWidth = image.drawHeight * limit / image.drawWidth, limit
        return image

    # inline ------------------------------------------------------------------------------
    def markup(self, nodes: list[Node]) -> str:
        """ReportLab's paragraph markup of inline content (text escaped)."""
        parts: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                parts.append(_escape(node))
                continue
            tag, classes = node.tag, node.classes
            if tag == "br":
                parts.append("<br/>")
                continue
            if tag == "img":
                continue
            inner = self.markup(node.children)
            if tag in ("b", "strong") or classes & _BLOCK_CLASSES_BOLD:
                inner = f"<b>{inner}</b>"
            if tag in ("i", "em") or {"missing", "note", "ttd-date"} & classes:
                inner = f"<i>{inner}</i>"
            if tag == "u" or "ttd-name" in classes:
                inner = f"<u>{inner}</u>"
            if "missing" in classes:
                inner = f'<font color="{GREY}">{inner}</font>'
            if {"note", "ttd-date", "small"} & classes or tag == "small":
                inner = f'<font size="{self.page.font_size * 0.9:.1f}">{inner}</font>'
            size = _font_scale(classes)
            if size:
                inner = f'<font size="{self.page.font_size * size:.1f}">{inner}</font>'
            if tag in ("div", "li", "p") and parts and not parts[-1].endswith("<br/>"):
                parts.append("<br/>")
            parts.append(inner)
        return "".join(parts)

    # tables ------------------------------------------------------------------------------
    def table(self, el: Element) -> Table:
        head_rows: list[Element] = []
        body_rows: list[Element] = []
        for child in el.children:
            if not isinstance(child, Element):
                continue
            if child.tag == "thead":
                head_rows.extend(r for r in child.elements("tr"))
            elif child.tag in ("tbody", "tfoot"):
                body_rows.extend(r for r in child.elements("tr"))
            elif child.tag == "tr":
                body_rows.append(child)
        rows = head_rows + body_rows
        columns = max((sum(_span(c) for c in r.elements("td", "th")) for r in rows), default=1)
        widths = self.widths(el, rows, columns)
        fast = self.grid_table(el, rows, len(head_rows), widths, columns)
        if fast is not None:
            return fast
        classes = el.classes
        grid = not (classes & _NO_GRID)
        pad = self.page.pad
        lead = self.page.leading
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), FONT, self.page.font_size, self.page.font_size * lead),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ]
        data: list[list[Any]] = []
        first_grid_row = 0
        taken: set[tuple[int, int]] = set()  # grid cells covered by a rowspan from above
        aligned: dict[tuple[int, int], str] = {}  # body cells: where each one's text stands
        for y, row in enumerate(rows):
            line: list[Any] = [""] * columns
            row_classes = row.classes
            strong = bool({"sasaran", "total"} & row_classes)
            cells = row.elements("td", "th")
            heading = all(c.tag == "th" and "caption" not in c.classes for c in cells)
            if strong or heading:  # whole-row styles: one command, not one per cell
                fill = HEAD_FILL if heading else ROW_FILL
                commands.append(("BACKGROUND", (0, y), (-1, y), fill))
                commands.append(("FONTNAME", (0, y), (-1, y), FONT_BOLD))
            if heading:
                commands.append(("VALIGN", (0, y), (-1, y), "MIDDLE"))
                commands.append(("ALIGN", (0, y), (-1, y), "CENTER"))
            x = 0
            for cell in cells:
                while (x, y) in taken:
                    x += 1
                if x >= columns:
                    break
                span = min(_span(cell), columns - x)
                down = _span(cell, "rowspan")
                width = sum(widths[x : x + span]) - 2 * pad
                head = cell.tag == "th"
                last = (x + span - 1, y + down - 1)
                if "caption" in cell.classes and y == first_grid_row:
                    first_grid_row = y + 1
                    commands.append(("BOTTOMPADDING", (0, y), (-1, y), pad * 2))
                    line[x] = self.cell(cell, width, "caption", strong=True)
                else:
                    align = "center" if head else _cell_align(cell.classes)
                    bold = head or strong
                    plain = self.plain(cell, width, bold=bold)
                    if plain is not None:  # drawn as a string: no paragraph to parse and wrap
                        line[x] = plain
                        if bold and not (strong or heading):
                            commands.append(("FONTNAME", (x, y), (x, y), FONT_BOLD))
                        elif "missing" in cell.classes and not bold:
                            commands.append(("FONTNAME", (x, y), (x, y), FONT_ITALIC))
                            commands.append(("TEXTCOLOR", (x, y), (x, y), colors.HexColor(GREY)))
                    else:
                        line[x] = self.cell(cell, width, align, strong=bold)
                    if head and not heading:
                        commands.append(("BACKGROUND", (x, y), last, HEAD_FILL))
                        commands.append(("VALIGN", (x, y), last, "MIDDLE"))
                        commands.append(("ALIGN", (x, y), (x, y), "CENTER"))
                    elif not head:
                        aligned[(x, y)] = _RL_ALIGN.get(align, "LEFT")
                if "chart" in cell.classes:  # an image that fills its cell edge to edge
                    for side in ("LEFT", "RIGHT", "TOP", "BOTTOM"):
                        commands.append((f"{side}PADDING", (x, y), last, 0))
                if span > 1 or down > 1:
                    commands.append(("SPAN", (x, y), last))
                    taken.update((cx, cy) for cx in range(x, x + span) for cy in range(y, y + down))
                x += span
            data.append(line)
        commands.extend(_alignments(aligned, columns))
        if not data:
            data = [[""]]
        if grid and len(data) > first_grid_row:
            commands.append(("GRID", (0, first_grid_row), (-1, -1), GRID, colors.black))
        if "kop" in classes:
            commands.append(("VALIGN", (0, 0), (-1, -1), "MIDDLE"))
        repeat = len(head_rows)
        table = Table(
            data, colWidths=widths, repeatRows=repeat if repeat < len(data) else 0, hAlign="LEFT"
        )
        table.setStyle(TableStyle(commands))
        table.spaceAfter = self.page.font_size * (0.8 if grid else 0.4)
        return table

    def grid_table(
        self, el: Element, rows: list[Element], repeat: int, widths: list[float], columns: int
    ) -> GridTable | None:
        """The table as a :class:`GridTable` when every cell is plain text and none spans
        rows; ``None`` otherwise. The same styles as :meth:`table` gives a ReportLab table."""
        if not rows:
            return None
        page = self.page
        size, pad = page.font_size, page.pad
        leading = size * page.leading
        classes = el.classes
        grid = not (classes & _NO_GRID)
        kop = "kop" in classes
        grey = colors.HexColor(GREY)
        first_grid_row = 0
        out: list[GridRow] = []
        for y, row in enumerate(rows):
            row_classes = row.classes
            strong = bool({"sasaran", "total"} & row_classes)
            cells = row.elements("td", "th")
            heading = all(c.tag == "th" and "caption" not in c.classes for c in cells)
            made: list[GridCell] = []
            bottom = pad
            x = 0
            for cell in cells:
                if x >= columns:
                    break
                cell_classes = cell.classes
                if "chart" in cell_classes or _span(cell, "rowspan") > 1:
                    return None
                span = min(_span(cell), columns - x)
                width = sum(widths[x : x + span]) - 2 * pad
                head = cell.tag == "th"
                if "caption" in cell_classes and y == first_grid_row:
                    first_grid_row = y + 1
                    bottom = pad * 2
                    lines = self.plain(cell, width, bold=True, scale=1.15)
                    if lines is None:
                        return None
                    caption = GridCell(x, span, lines.split("\n"), FONT_BOLD, size * 1.15)
                    caption.middle = kop
                    made.append(caption)
                    x += span
                    continue
                bold = head or strong
                lines = self.plain(cell, width, bold=bold)
                if lines is None:
                    return None
                font, colour = (FONT_BOLD if bold else FONT), None
                if "missing" in cell_classes and not bold:
                    font, colour = FONT_ITALIC, grey
                align = "CENTER" if head else _RL_ALIGN.get(_cell_align(cell_classes), "LEFT")
                fill = HEAD_FILL if head and not heading else None
                middle = heading or kop or head
                made.append(
                    GridCell(x, span, lines.split("\n"), font, size, align, colour, fill, middle)
                )
                x += span
            fill = HEAD_FILL if heading else ROW_FILL if strong else None
            out.append(GridRow(made, pad, bottom, leading, fill))
        table = GridTable(
            out,
            widths,
            repeat=repeat,
            grid_from=first_grid_row,
            grid=grid,
            pad=pad,
            line_width=GRID,
        )
        table.spaceAfter = size * (0.8 if grid else 0.4)
        return table

    def widths(self, el: Element, rows: list[Element], columns: int) -> list[float]:
        """Column widths from the cells' ``style="width: ..pt"`` or ``width="..%|..pt"``;
        a spanning cell's width is shared by the columns no other cell sizes; what is
        left of the table's width goes to the columns nothing sizes."""
        total = min(_length(_WIDTH, el.attrs.get("style", "")) or self.page.width, self.page.width)
        sized: list[float | None] = [None] * columns
        spanning: list[tuple[int, int, float]] = []
        taken: set[tuple[int, int]] = set()
        for y, row in enumerate(rows):
            x = 0
            for cell in row.elements("td", "th"):
                while (x, y) in taken:
                    x += 1
                span, down = _span(cell), _span(cell, "rowspan")
                width = _cell_width(cell, total)
                if width is not None and x < columns:
                    if span == 1:
                        sized[x] = width
                    else:
                        spanning.append((x, min(x + span, columns), width))
                if down > 1:
                    taken.update((cx, cy) for cx in range(x, x + span) for cy in range(y, y + down))
                x += span
        for start, end, width in spanning:
            free = [i for i in range(start, end) if sized[i] is None]
            if free:
                known = sum(sized[i] or 0.0 for i in range(start, end))
                for i in free:
                    sized[i] = max(width - known, 0.0) / len(free)
        free = [i for i, w in enumerate(sized) if w is None]
        if free:
            rest = max(total - sum(w or 0.0 for w in sized), 0.0)
            for i in free:
                sized[i] = rest / len(free) if rest else total / columns
        sizes = [w or 0.0 for w in sized]
        scale = min(1.0, self.page.width / (sum(sizes) or 1))
        return [w * scale for w in sizes]

    def plain(
        self, cell: Element, width: float, *, bold: bool = False, scale: float = 1.0
    ) -> str | None:
        """The cell as lines of plain text when it is only text (and ``br``, ``b``,
        ``span``), wrapped to ``width``; ``None`` when it needs a paragraph."""
        lines: list[str] = []
        current: list[str] = []
        for node in cell.children:
            if isinstance(node, str):
                current.append(node)
            elif node.tag == "br":
                lines.append("".join(current))
                current = []
            elif node.tag in ("b", "strong", "span") and all(
                isinstance(c, str) for c in node.children
            ):
                current.extend(node.children)  # type: ignore[arg-type]
            else:
                return None
        lines.append("".join(current))
        size = self.page.font_size * scale
        font = FONT_BOLD if bold else FONT
        out: list[str] = []
        for text in lines:
            text = " ".join(text.split())
            if stringWidth(text, font, size) <= width:
                out.append(text)
            else:
                out.extend(simpleSplit(text, font, size, width) or [""])
        return "\n".join(out)

    def cell(self, cell: Element, width: float, align: str, *, strong: bool) -> Any:
        children = cell.children
        blocks = [c for c in children if isinstance(c, Element) and c.tag not in _INLINE]
        style = self.style("cell", _ALIGN.get(align, TA_LEFT))
        if "center" in cell.classes:
            style = self.style("cell", TA_CENTER)
        if blocks:
            flow: list[Flowable] = []
            for node in children:
                if isinstance(node, str):
                    if node.strip():
                        flow.append(Paragraph(_escape(node), style))
                elif node.tag == "img":
                    image = self.image(node, width)
                    if image is not None:
                        flow.append(image)
                elif node.tag in _INLINE:
                    flow.append(Paragraph(self.markup([node]), style))
                elif node.tag == "div":
                    flow.extend(self._cell_div(node, style.alignment))
                else:
                    flow.extend(self.block(node, "cell", style.alignment))
            return flow
        markup = self.markup(children).strip()
        if markup.startswith("<br/>"):
            markup = markup[5:]
        if strong:
            markup = f"<b>{markup}</b>"
        if align == "caption":
            markup = f'<font size="{self.page.font_size * 1.15:.1f}">{markup}</font>'
        return Paragraph(markup, style)

    def _cell_div(self, node: Element, align: int) -> list[Flowable]:
        if {"ttd-space", "ttd"} & node.classes:
            return [Spacer(1, self.page.font_size * 4.5)]
        if any(isinstance(c, Element) and c.tag not in _INLINE for c in node.children):
            return self.blocks(node.children, "cell", align)
        return [self.paragraph(node, "cell", align)]

    # footer ------------------------------------------------------------------------------
    def footer(self, el: Element | None) -> FooterParts | None:
        if el is None:
            return None
        parts = {"left": "", "center": "", "right": ""}
        for span in el.elements("span", "div"):
            place = next((k for k in parts if k in span.classes), None)
            if place is not None:
                parts[place] = _footer_text(span)
        if not any(parts.values()):
            parts["center"] = _footer_text(el)
        return parts["left"], parts["center"], parts["right"]


_RL_ALIGN = {"num": "RIGHT", "no": "CENTER", "center": "CENTER", "caption": "LEFT"}


def _alignments(aligned: dict[tuple[int, int], str], columns: int) -> list[tuple[Any, ...]]:
    """ALIGN commands for the body cells: one per column (its most common alignment, from
    its first body row down) and one per cell that differs, instead of one per cell."""
    by_column: dict[int, dict[int, str]] = {}
    for (x, y), align in aligned.items():
        by_column.setdefault(x, {})[y] = align
    commands: list[tuple[Any, ...]] = []
    for x in sorted(by_column):
        cells = by_column[x]
        values = list(cells.values())
        common = max(set(values), key=values.count)
        if common != "LEFT":
            commands.append(("ALIGN", (x, min(cells)), (x, -1), common))
        commands.extend(("ALIGN", (x, y), (x, y), a) for y, a in cells.items() if a != common)
    return commands


def _footer_text(el: Element) -> str:
    out: list[str] = []
    for node in el.children:
        if isinstance(node, str):
            out.append(node.replace("{", "{{").replace("}", "}}"))
        elif "page-number" in node.classes:
            out.append("{page}")
        elif "page-count" in node.classes:
            out.append("{pages}")
        else:
            out.append(_footer_text(node))
    return " ".join("".join(out).split())


def _cell_align(classes: frozenset[str]) -> str:
    for name in ("num", "no", "center"):
        if name in classes:
            return name
    return "text"


def _heading_align(el: Element) -> int:
    return TA_CENTER if "center" in el.classes else TA_LEFT


def _font_scale(classes: frozenset[str]) -> float | None:
    if "judul" in classes:
        return 1.6
    if {"instansi", "pemerintah"} & classes:
        return 1.3
    if "opd" in classes:
        return 1.7
    if "periode" in classes:
        return 1.25
    return None


def _span(cell: Element, name: str = "colspan") -> int:
    given = cell.attrs.get(name)
    if given is None:
        return 1
    try:
        return max(1, int(given))
    except ValueError:
        return 1


def _cell_width(cell: Element, total: float) -> float | None:
    if _span(cell) != 1:
        return None
    found = _length(_WIDTH, cell.attrs.get("style", ""))
    if found is not None:
        return found
    given = cell.attrs.get("width", "").strip()
    try:
        if given.endswith("%"):
            return total * float(given[:-1]) / 100
        if given.endswith("pt"):
            return float(given[:-2])
        if given.endswith("px"):
            return float(given[:-2]) * 0.75
    except ValueError:
        return None
    return None


def _length(pattern: re.Pattern[str], style: str) -> float | None:
    found = pattern.search(style)
    if found is None:
        return None
    value = float(found.group(1))
    return value * 0.75 if found.group(2) == "px" else value


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
