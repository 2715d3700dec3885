"""The long plain tables are drawn by GridTable: every row once, the thead on every page."""

from __future__ import annotations

from io import BytesIO

import pdfplumber
from reportlab.platypus import Table

from bot.render.pdf import Page, _Builder, html_to_pdf, register_fonts
from bot.render.pdf_grid import GridTable
from bot.render.pdf_tree import parse_html


def _page(rows: int) -> str:
    body = "".join(
        f'<tr class="sasaran"><td colspan="3">Sasaran: nomor {i}</td></tr>'
        f'<tr><td class="no">{i}</td><td>Indikator baris-{i:03d}</td>'
        f'<td class="num">{i},00</td></tr>'
        for i in range(1, rows + 1)
    )
    return (
        '<html><body><table class="data"><thead>'
        '<tr><th class="caption" colspan="3">Bidang Contoh</th></tr>'
        '<tr><th style="width: 40pt;">No</th><th>Indikator</th>'
        '<th style="width: 60pt;">Nilai</th></tr>'
        f"</thead><tbody>{body}</tbody></table></body></html>"
    )


def _table(html: str) -> object:
    register_fonts()
    root = parse_html(html)
    return _Builder(Page()).table(root.find("table"))  # type: ignore[arg-type]


def test_a_table_of_plain_cells_is_a_grid_table_and_one_with_an_image_is_not() -> None:
    assert isinstance(_table(_page(3)), GridTable)
    blocks = "<table><tr><td><p>satu</p><p>dua</p></td></tr></table>"
    assert isinstance(_table(blocks), Table)


def test_a_long_grid_table_keeps_every_row_once_and_repeats_its_head() -> None:
    data = html_to_pdf(_page(150))
    with pdfplumber.open(BytesIO(data)) as pdf:
        texts = [page.extract_text() for page in pdf.pages]
    assert len(texts) > 2
    for text in texts:
        assert "Bidang Contoh" in text
        assert "No Indikator Nilai" in text
    joined = "\n".join(texts)
    for i in range(1, 151):
        assert joined.count(f"baris-{i:03d}") == 1
        assert joined.count(f"Sasaran: nomor {i}\n") == 1
