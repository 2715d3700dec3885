"""The PermenPANRB 35/2012 sheet drawn from a definition (HTML and PDF)."""

from __future__ import annotations

import importlib.util
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import bot.cli.sop_render  # noqa: F401  (registers `render` on the `sop` group)
from bot.cli.sop import sop
from bot.definitions import load_catalog
from bot.domain.sop import END, SopDefinition
from bot.render.flow_layout import layout_flow
from bot.render.sop_sheet import SheetLayoutError, render_sop_html, render_sop_pdf

ROLES = [
    {"key": "kabid", "name": "Kabid"},
    {"key": "kasubid", "name": "Kasubid/ Kasubag"},
    {"key": "analis", "name": "Analisis Data"},
    {"key": "perencanaan", "name": "Kasubag Perencanaan"},
    {"key": "kasi", "name": "Kasi & Kasubbag unit", "column": False},
]


def _data(**changes: object) -> dict:
    """A six-step procedure shaped like seed 004, with a TIDAK loop back."""
    data: dict = {
        "id": "contoh-004",
        "identity": {
            "instansi": "BADAN KESATUAN BANGSA DAN POLITIK KABUPATEN JENEPONTO",
            "alamat": "Jl. Lanto Dg. Pasewang No. 34",
            "nomor": "07",
            "tanggal_pembuatan": "Pebruari 2022",
            "disahkan_oleh": "Kepala Badan",
            "nama": "Pengumpulan Data Kinerja",
            "dasar_hukum": ["Undang-undang Nomor 25 Tahun 2009", "PermenPANRB 53/2014"],
            "kualifikasi_pelaksana": ["Memiliki Kemampuan Pengolahan Data Sederhana"],
            "peralatan": ["Komputer dan Printer", "Jaringan Internet"],
            "peringatan": ["Keterlambatan Penyampaian Data Kinerja"],
            "pencatatan": ["Disimpan Sebagai Data Elektronik dan Manual"],
        },
        "pengesah": {"jabatan": "Kepala Badan", "nama": "SYARBINI MATTEWAKKANG, SP", "nip": "1970"},
        "roles": ROLES,
        "steps": [
            {
                "no": 1,
                "uraian": "Menugaskan Kasubag/Kasubid",
                "pelaksana": "kabid",
                "kelengkapan": "Indikator Sasaran",
                "waktu": "15 Menit",
                "output": "Disposisi",
                "keterangan": "Data Kinerja sesuai indikator",
                "next": 2,
            },
            {
                "no": 2,
                "uraian": "Memerintahkan Analis mengumpulkan bahan",
                "pelaksana": "kasubid",
                "waktu": "15 Menit",
                "output": "Disposisi",
                "next": 3,
                "fan_out": {"pelaksana": "kasi", "uraian": "Mengisi realisasi"},
            },
            {
                "no": 3,
                "uraian": "Menyerahkan bahan <laporan> & data",
                "pelaksana": "analis",
                "kelengkapan": "Disposisi",
                "waktu": "1 Hari",
                "output": "Bahan Laporan",
                "next": 4,
            },
            {
                "no": 4,
                "uraian": "Membuat laporan data kinerja",
                "pelaksana": "kasubid",
                "waktu": "1 Hari",
                "output": "Laporan Data Kinerja",
                "next": 5,
            },
            {
                "no": 5,
                "uraian": "Memeriksa laporan kinerja",
                "pelaksana": "kabid",
                "kind": "review",
                "ya": 6,
                "tidak": 4,
                "waktu": "1 Jam",
                "output": "Disposisi",
            },
            {
                "no": 6,
                "uraian": "Merekomendasikan laporan kinerja",
                "pelaksana": "perencanaan",
                "waktu": "1 Hari",
                "output": "Laporan Triwulan",
                "next": END,
                "report_types": ["semester", "tahunan"],
            },
        ],
    }
    data.update(changes)
    return data


def _definition(**changes: object) -> SopDefinition:
    return SopDefinition.model_validate(_data(**changes))


class _Sheet(HTMLParser):
    """Collects the data-* attributes and header texts the sheet emits."""

    def __init__(self) -> None:
        super().__init__()
        self.symbols: list[dict[str, str]] = []
        self.labels: list[tuple[str | None, str]] = []
        self.role_heads: list[dict[str, str]] = []
        self.headers: list[str] = []
        self.rows: list[str] = []
        self._in: str | None = None
        self._attrs: dict[str, str] = {}
        self._row: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "tr":
            self._row = a.get("data-step")
            if self._row:
                self.rows.append(self._row)
        if tag == "g" and "data-symbol" in a:
            self.symbols.append(a)
        if tag in ("th", "text"):
            self._in, self._attrs = tag, a

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if not text or self._in is None:
            return
        if self._in == "th":
            self.headers.append(text)
            if "data-role" in self._attrs:
                self.role_heads.append({**self._attrs, "name": text})
        elif "data-label" in self._attrs:
            self.labels.append((self._row, text))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None


def _parse(html: str) -> _Sheet:
    sheet = _Sheet()
    sheet.feed(html)
    return sheet


def test_role_columns_are_in_order_and_verbatim() -> None:
    sheet = _parse(render_sop_html(_definition()))
    assert [h["name"] for h in sheet.role_heads] == [
        "Kabid",
        "Kasubid/ Kasubag",
        "Analisis Data",
        "Kasubag Perencanaan",
    ]
    assert [h["data-col"] for h in sheet.role_heads] == ["0", "1", "2", "3"]
    assert "Kasi &amp; Kasubbag unit" not in [h["name"] for h in sheet.role_heads]


def test_each_step_symbol_stands_in_its_roles_column() -> None:
    defn = _definition()
    sheet = _parse(render_sop_html(defn))
    columns = {h["data-role"]: h["data-col"] for h in sheet.role_heads}
    by_step = {
        s["data-step"]: s for s in sheet.symbols if s["data-symbol"] in ("process", "decision")
    }
    for step in defn.steps:
        symbol = by_step[str(step.no)]
        assert symbol["data-role"] == step.pelaksana
        assert symbol["data-col"] == columns[step.pelaksana]
    assert by_step["5"]["data-symbol"] == "decision"
    assert {by_step[n]["data-symbol"] for n in "12346"} == {"process"}


def test_start_and_end_terminators() -> None:
    html = render_sop_html(_definition())
    sheet = _parse(html)
    start = [s for s in sheet.symbols if s["data-symbol"] == "start"]
    end = [s for s in sheet.symbols if s["data-symbol"] == "end"]
    assert [(s["data-step"], s["data-role"]) for s in start] == [("1", "kabid")]
    # SELESAI closes the table in the column of the step that ends the run.
    assert [s["data-role"] for s in end] == ["perencanaan"]
    assert ">MULAI<" in html and ">SELESAI<" in html


def test_decision_exits_are_labelled_ya_and_tidak() -> None:
    sheet = _parse(render_sop_html(_definition()))
    assert ("5", "YA") in sheet.labels
    assert ("5", "TIDAK") in sheet.labels
    assert all(row == "5" for row, _ in sheet.labels)


def test_tidak_loop_runs_in_a_lane_back_to_its_target() -> None:
    layout = layout_flow(_definition())
    tidak = next(e for e in layout.edges if e.label == "TIDAK")
    ya = next(e for e in layout.edges if e.label == "YA")
    assert (tidak.source, tidak.target, tidak.lane) == (4, 3, 0)
    assert (ya.source, ya.target, ya.short) == (4, 5, True)
    assert layout.rows[-1].step is None  # the SELESAI row


def test_text_is_escaped() -> None:
    html = render_sop_html(_definition())
    assert "Menyerahkan bahan &lt;laporan&gt; &amp; data" in html
    assert "<laporan>" not in html


def test_mutu_baku_and_keterangan() -> None:
    html = render_sop_html(_definition())
    headers = _parse(html).headers
    for label in (
        "No",
        "Uraian Kegiatan",
        "Pelaksana",
        "Mutu Baku",
        "Kelengkapan",
        "Waktu",
        "Output",
        "Keterangan",
    ):
        assert label in headers
    assert "Indikator Sasaran" in html and "15 Menit" in html and "Bahan Laporan" in html
    assert "(laporan semester/tahunan)" in html
    assert "Diteruskan ke setiap unit: Kasi &amp; Kasubbag unit" in html


def test_identity_block() -> None:
    html = render_sop_html(_definition())
    for text in (
        "Nomor SOP",
        "Tanggal Pembuatan",
        "Pebruari 2022",
        "Disahkan Oleh",
        "SYARBINI MATTEWAKKANG, SP",
        "NIP. 1970",
        "Dasar Hukum",
        "PermenPANRB 53/2014",
        "Kualifikasi Pelaksana",
        "Keterkaitan",
        "Peralatan/Perlengkapan",
        "Peringatan",
        "Pencatatan dan Pendataan",
    ):
        assert text in html


def test_step_without_column_is_refused_clearly() -> None:
    roles = [*ROLES[:4], {**ROLES[4], "key": "kabid_x"}]
    defn = _definition(roles=[{**r, "column": r["key"] != "kabid"} for r in roles])
    with pytest.raises(SheetLayoutError, match="langkah 1"):
        render_sop_html(defn)


def test_pdf_is_a_pdf_with_the_sop_name() -> None:
    data = render_sop_pdf(_definition())
    assert data.startswith(b"%PDF")
    if importlib.util.find_spec("pypdf") is None:
        pytest.skip("pypdf not installed: cannot read the PDF's text")
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    words = " ".join(text.split())  # header cells wrap: compare with whitespace folded
    assert "Pengumpulan Data Kinerja" in words
    assert "Kasubag Perencanaan" in words
    assert "MULAI" in words and "SELESAI" in words  # drawn as vector text, not raster


def test_print_css_is_a4_landscape_with_repeated_header() -> None:
    html = render_sop_html(_definition())
    assert "size: a4 landscape" in html
    assert "display: table-header-group" in html
    assert "page-break-inside: avoid" in html
    assert html.count("<svg") == len(_definition().steps) + 1  # one drawing per row


# --- the command line ---------------------------------------------------------------------------


def _cli_file(tmp_path: Path) -> Path:
    path = tmp_path / "contoh.yaml"
    path.write_text(yaml.safe_dump(_data(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("name, magic", [("sop.html", b"<!DOCTYPE html>"), ("sop.pdf", b"%PDF")])
def test_cli_renders_by_suffix(tmp_path: Path, name: str, magic: bytes) -> None:
    out = tmp_path / name
    result = CliRunner().invoke(
        sop, ["render", "contoh-004", "-o", str(out), "-p", str(_cli_file(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)


def test_cli_format_option_wins_over_suffix(tmp_path: Path) -> None:
    out = tmp_path / "lembar.out"
    args = [
        "render",
        "contoh-004",
        "-o",
        str(out),
        "--format",
        "pdf",
        "-p",
        str(_cli_file(tmp_path)),
    ]
    result = CliRunner().invoke(sop, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_cli_unknown_id_lists_known_ids(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        sop, ["render", "tidak-ada", "-o", str(tmp_path / "x.html"), "-p", str(_cli_file(tmp_path))]
    )
    assert result.exit_code == 1
    assert "tidak-ada" in result.output and "contoh-004" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()


def test_cli_unwritable_output_is_a_message(tmp_path: Path) -> None:
    out = tmp_path / "tidak" / "ada" / "x.html"
    result = CliRunner().invoke(
        sop, ["render", "contoh-004", "-o", str(out), "-p", str(_cli_file(tmp_path))]
    )
    assert result.exit_code == 1
    assert "Tidak dapat menulis" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- the definitions shipped in sop_definitions/ -------------------------------------------------

_CORPUS = Path(__file__).parents[2] / "sop_definitions"
_SHIPPED = sorted((Path(__file__).parents[2] / "sop_definitions").glob("*.yaml"))


@pytest.mark.parametrize("path", _SHIPPED or [None], ids=lambda p: p.stem if p else "none")
def test_shipped_definitions_render(path: Path | None) -> None:
    if path is None:
        pytest.skip("no sop_definitions/*.yaml yet")
    catalog = load_catalog([path])
    if not catalog.definitions:
        pytest.skip(f"{path.name} does not load: {'; '.join(map(str, catalog.problems))}")
    (loaded,) = catalog.definitions.values()
    defn = loaded.definition
    sheet = _parse(render_sop_html(defn))
    assert render_sop_pdf(defn).startswith(b"%PDF")
    if defn.layout == "list":
        assert sheet.rows == [str(step.no) for step in defn.steps]
        assert sheet.symbols == [] and sheet.role_heads == []
        return
    assert [h["name"] for h in sheet.role_heads] == [r.name for r in defn.column_roles]
    drawn = {s["data-step"] for s in sheet.symbols if s["data-symbol"] in ("process", "decision")}
    assert drawn == {str(step.no) for step in defn.steps}
    assert any(s["data-symbol"] == "end" for s in sheet.symbols)


def test_a_step_of_some_months_says_so_in_keterangan() -> None:
    data = _data()
    data["steps"][0]["months"] = [1, 7]
    html = render_sop_html(SopDefinition.model_validate(data))
    assert "(hanya periode bulan Januari dan Juli)" in html


def test_a_fan_out_gathered_later_names_its_join() -> None:
    sheet = render_sop_html(
        load_catalog([_CORPUS / "006_ipdn_kalbar.yaml"])
        .get("ipdn-kalbar-penyampaian-laporan-kinerja")
        .definition
    )
    assert "Jawaban unit dihimpun di langkah 3" in sheet


def test_layout_list_prints_a_numbered_list_without_pelaksana_columns() -> None:
    """A document without Pelaksana columns (006-009): No, Kegiatan, Pelaksana, Waktu, ...
    in rows, each step's roles by name, exits that are not the next row in Keterangan."""
    data = _data(layout="list")
    data["steps"][0]["pelaksana"] = ["kabid", "kasi"]  # a role without a column is fine here
    data["steps"][0]["completion"] = "all"
    defn = SopDefinition.model_validate(data)
    html = render_sop_html(defn)
    sheet = _parse(html)
    assert sheet.symbols == [] and sheet.role_heads == []
    assert sheet.rows == [str(step.no) for step in defn.steps]
    flow = sheet.headers[sheet.headers.index("No") :]
    assert flow == ["No", "Kegiatan", "Pelaksana", "Kelengkapan", "Waktu", "Output", "Keterangan"]
    assert "Mutu Baku" not in sheet.headers and "Uraian Kegiatan" not in sheet.headers
    assert "Kabid dan Kasi &amp; Kasubbag unit" in html  # completion: all
    assert "Ya: langkah 6; Tidak: langkah 4" in html
    assert render_sop_pdf(defn).startswith(b"%PDF")


@pytest.mark.parametrize("name", ["sop.docx", "sop.doc", "sop.txt"])
def test_cli_refuses_an_unsupported_suffix_and_writes_nothing(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    result = CliRunner().invoke(
        sop, ["render", "contoh-004", "-o", str(out), "-p", str(_cli_file(tmp_path))]
    )
    assert result.exit_code == 1
    assert "tidak didukung" in result.output
    assert ".html, .pdf" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_layout_list_leaves_out_columns_no_step_fills() -> None:
    data = _data(layout="list")
    for step in data["steps"]:
        step.pop("kelengkapan", None)
        step.pop("output", None)
    headers = _parse(render_sop_html(SopDefinition.model_validate(data))).headers
    assert headers[headers.index("No") :] == ["No", "Kegiatan", "Pelaksana", "Waktu", "Keterangan"]


def test_layout_is_flowchart_or_list() -> None:
    assert _definition().layout == "flowchart"
    with pytest.raises(ValueError, match="layout"):
        _definition(layout="tabel")
