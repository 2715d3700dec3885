"""The PDFs as a Kasubag Perencanaan reads them: text with its position on the page.

pdfplumber gives every word with its box, so these tests check what a reader
sees where: the kop at the top of page 1, the place and date above the
signatures, each signature block's lines in order (caption, jabatan, name,
pangkat, NIP), "Halaman X dari Y" and the data digest on every page, the
annual LKjIP closed by the head of office, and fonts embedded so the text
comes out as typed ("KINERJA", never "KINERJ A").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from io import BytesIO
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader

from bot.definitions import load_catalog
from bot.render.sop_sheet import render_sop_pdf
from bot.reports.chart import report_chart
from bot.reports.html import render_report_pdf
from bot.reports.model import PerformanceReport
from bot.reports.monev_render import render_monev_pdf
from bot.reports.provenance import stamp_of
from tests.unit.reports.factory import (
    COMPILED,
    HEAD,
    KOP,
    big_report,
    letterheaded,
    quarterly_report,
    yearly_report,
)
from tests.unit.reports.test_monev import _report as monev_report
from tests.unit.reports.test_monev import _steps, procedure, run

Line = tuple[float, float, str]
"""(top, x0, text) of one line of words."""


@cache
def _pdf(kind: str) -> bytes:
    if kind == "quarterly":
        report = letterheaded(quarterly_report())
        return render_report_pdf(report, chart_png=report_chart(report))
    if kind == "annual-draft":
        report = replace(letterheaded(yearly_report()), final=False)
        return render_report_pdf(report, chart_png=report_chart(report))
    if kind == "semester-draft":
        from tests.unit.reports.test_html_pdf import semester_report

        report = letterheaded(semester_report())
        return render_report_pdf(report, chart_png=report_chart(report))
    if kind == "monev":
        header = replace(
            monev_report(procedure(run(*_steps(1, 3)))).header,
            kop=KOP,
            signer=HEAD,
        )
        return render_monev_pdf(replace(monev_report(procedure(run(*_steps(1, 3)))), header=header))
    if kind == "sop":
        return render_sop_pdf(load_catalog(None).get("kesbangpol").definition)
    raise ValueError(kind)


def _pages(data: bytes) -> list[list[Line]]:
    """Each page as lines: words on the same baseline joined left to right."""
    with pdfplumber.open(BytesIO(data)) as pdf:
        return [_page_lines(page) for page in pdf.pages]


def _page_lines(page: Any) -> list[Line]:
    rows: dict[int, list[dict[str, Any]]] = {}
    for word in page.extract_words(keep_blank_chars=False, use_text_flow=False):
        rows.setdefault(round(word["top"]), []).append(word)
    lines = []
    for top, words in sorted(rows.items()):
        words.sort(key=lambda w: w["x0"])
        lines.append((float(top), float(words[0]["x0"]), " ".join(w["text"] for w in words)))
    return lines


@dataclass(frozen=True)
class _Read:
    """What the tests read from one of the PDFs above with pdfplumber, read once per PDF
    (most of a second each); tuples, so no test can change what the next one sees."""

    lines: tuple[tuple[Line, ...], ...]
    """``_pages``: each page's lines."""
    image_boxes: tuple[tuple[tuple[float, float], ...], ...]
    """(top, x0) of each picture, page by page."""
    fonts: frozenset[str]
    """The font names characters are drawn in."""
    text: str
    """pdfplumber's text of every page."""


@cache
def _read(kind: str) -> _Read:
    with pdfplumber.open(BytesIO(_pdf(kind))) as pdf:
        return _Read(
            lines=tuple(tuple(_page_lines(page)) for page in pdf.pages),
            image_boxes=tuple(
                tuple((float(im["top"]), float(im["x0"])) for im in page.images)
                for page in pdf.pages
            ),
            fonts=frozenset(char["fontname"] for page in pdf.pages for char in page.chars),
            text="\n".join(page.extract_text() for page in pdf.pages),
        )


def _lines(kind: str) -> tuple[tuple[Line, ...], ...]:
    return _read(kind).lines


def _find(lines: Sequence[Line], text: str) -> Line:
    found = [line for line in lines if text in line[2]]
    assert found, f"{text!r} not on the page: {[line[2] for line in lines]}"
    return found[0]


def _report_stamp(report: PerformanceReport) -> str:
    return stamp_of(report).sha256


# --- kop ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["quarterly", "annual-draft", "monev"])
def test_the_kop_heads_page_one(kind: str) -> None:
    first = _lines(kind)[0]
    pemerintah = _find(first, "PEMERINTAH KABUPATEN JENEPONTO")
    opd = _find(first, "BADAN KESATUAN BANGSA DAN POLITIK")
    alamat = _find(first, "Jl. Lanto Dg. Pasewang No. 34")
    assert pemerintah[0] < opd[0] < alamat[0] < 100  # the top of an A4 page (595 pt high)
    assert first[0][2].startswith("PEMERINTAH")  # nothing above the kop
    logos = [box for box in _read(kind).image_boxes[0] if box[0] < 100 and box[1] < 120]
    assert logos, "the logo stands at the kop's left"


# --- signatures --------------------------------------------------------------------------------


def test_signature_blocks_have_place_date_and_every_line_in_order() -> None:
    pages = _lines("quarterly")
    page = next(p for p in pages if any("Disusun oleh," in line[2] for line in p))
    place = _find(page, "Jeneponto, 19 Oktober 2026")
    caption = _find(page, "Disusun oleh,")
    jabatan = _find(page, COMPILED.jabatan)
    name = _find(page, "Nurul Hidayah Contoh, S.E.")
    pangkat = _find(page, "Penata Tk. I (III/d)")
    nip = _find(page, "NIP. 999900000000000001")
    tops = [line[0] for line in (place, caption, jabatan, name, pangkat, nip)]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    assert name[0] - jabatan[0] > 30  # room to sign between the jabatan and the name
    assert abs(caption[1] - nip[1]) < 2  # one column


def test_mengetahui_has_the_head_of_office_with_pangkat_and_nip() -> None:
    page = next(p for p in _lines("quarterly") if any("Mengetahui," in line[2] for line in p))
    caption = _find(page, "Mengetahui,")
    lines = [
        caption,
        _find(page, "Kepala Badan Kesatuan Bangsa dan Politik"),
        _find(page, HEAD.name or ""),
        _find(page, "Pembina Utama Muda (IV/c)"),
        _find(page, "NIP. 999900000000000011"),
    ]
    assert [line[0] for line in lines] == sorted(line[0] for line in lines)
    assert caption[0] > _find(page, "Disusun oleh,")[0]  # under the acting levels


def test_unit_approval_keeps_the_plt_prefix_and_its_nip() -> None:
    text = "\n".join(line[2] for page in _lines("quarterly") for line in page)
    assert "Plt. Kabid Ideologi dan Wawasan Kebangsaan" in text
    assert "NIP. 999900000000000002" in text
    assert "Jeneponto, 15 Oktober 2026" in text  # the day the Plt approved


def test_the_draft_lkjip_ends_with_the_head_of_office_signature() -> None:
    pages = _lines("annual-draft")
    text = [[line[2] for line in page] for page in pages]
    bab4 = next(i for i, page in enumerate(text) if any("BAB IV PENUTUP" in t for t in page))
    lampiran = next(
        i for i, page in enumerate(text) if any("Lampiran: Asal Data" in t for t in page)
    )
    body_end = [line for page in pages[bab4:lampiran] for line in page]
    name = _find(body_end, HEAD.name or "")
    place = _find(body_end, "Jeneponto, 20 Oktober 2026")
    nip = _find(body_end, "NIP. 999900000000000011")
    assert place[0] < name[0] < nip[0]
    assert any("DRAFT" in t for t in text[0])


def test_monev_is_signed_by_the_head_of_office() -> None:
    last = _lines("monev")[-1]
    place = _find(last, "Jeneponto, 1 Desember 2026")
    name = _find(last, HEAD.name or "")
    nip = _find(last, "NIP. 999900000000000011")
    assert place[0] < name[0] < nip[0]


# --- headings and short blocks ------------------------------------------------------------

HEADINGS = (
    "Capaian Kinerja per Unit Kerja",
    "Grafik Capaian Kinerja",
    "Rekapitulasi Capaian",
    "Jumlah Indikator per Kategori",
    "Lampiran: Asal Data",
)


@pytest.mark.parametrize("kind", ["quarterly", "semester-draft", "annual-draft"])
def test_no_heading_stands_alone_at_a_page_foot(kind: str) -> None:
    images = [[top for top, _ in page] for page in _read(kind).image_boxes]
    for page, tops in zip(_lines(kind), images, strict=True):
        last = [line for line in page if "Halaman" not in line[2]][-1]
        if any(h in last[2] for h in HEADINGS):  # only a picture (the chart) may follow it
            assert any(top > last[0] for top in tops), f"{last[2]!r} ends a page"


def test_the_rating_scale_stays_with_its_title() -> None:
    for page in _lines("semester-draft"):
        text = "\n".join(line[2] for line in page)
        if "Skala penilaian capaian (%):" in text:
            assert "> 90: Sangat Tinggi" in text and "<= 50: Sangat Rendah" in text
            break
    else:
        raise AssertionError("no rating scale")


# --- every page -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["quarterly", "annual-draft", "monev"])
def test_every_page_says_halaman_x_dari_y(kind: str) -> None:
    pages = _lines(kind)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        footer = page[-1]
        assert f"Halaman {number} dari {len(pages)}" in footer[2]
        assert footer[0] > 560  # at the foot of the page


def test_every_page_carries_the_data_digest() -> None:
    digest = _report_stamp(letterheaded(quarterly_report()))
    for page in _lines("quarterly"):
        assert f"Sidik data {digest}" in page[-1][2]


def test_the_appendix_is_compact_and_asks_no_command() -> None:
    pages = _lines("quarterly")
    text = "\n".join(line[2] for page in pages for line in page)
    assert "sopbot verify" not in text
    appendix = text[text.index("Lampiran: Asal Data") :]
    assert "Bidang Ideologi dan Wawasan Kebangsaan (BID-IWK)" in appendix
    assert "Bidang Politik Dalam Negeri (BID-PDN)" in appendix
    # One line for the figures one person entered and one decision approved, short digests.
    assert "IWK-01 f3e75d3f; IWK-02 96c3459e; IWK-03 6cb10b39" in appendix.replace("\n", " ")
    assert sum(1 for page in pages if any("Asal Data" in line[2] for line in page)) == 1


# --- fonts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["quarterly", "annual-draft", "monev", "sop"])
def test_fonts_are_embedded_and_text_comes_out_whole(kind: str) -> None:
    data = _pdf(kind)
    drawn = _read(kind)
    names, text = set(drawn.fonts), drawn.text
    assert names and all("DejaVuSans" in name for name in names), names
    reader = PdfReader(BytesIO(data))
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            if str(font["/BaseFont"]).lstrip("/").split("+")[-1] not in names_used(names):
                continue  # ReportLab lists Helvetica on every page; no character uses it
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]  # the TrueType program inside
    if kind == "quarterly":
        assert "LAPORAN KINERJA TRIWULAN" in text and "KINERJ A" not in text


def names_used(names: set[str]) -> set[str]:
    """``AAAAAA+DejaVuSans`` -> ``DejaVuSans``: the fonts characters are drawn in."""
    return {name.split("+")[-1] for name in names}


# --- big -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_big_report_numbers_every_page_and_repeats_the_digest() -> None:
    report = big_report()
    pages = _pages(render_report_pdf(report))
    digest = _report_stamp(report)
    assert len(pages) >= 10
    for number, page in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in page[-1][2]
        assert digest in page[-1][2]
