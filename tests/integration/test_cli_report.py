"""``sopbot report``: the files a Kasubag Perencanaan takes from the terminal (both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.cli.report import report
from bot.settings import get_settings
from tests.integration.engine_helpers import Clock, make_engine
from tests.integration.seed004_play import play_quarter


@pytest.fixture
def sopbot_report(monkeypatch: pytest.MonkeyPatch, db_url: str, sample_org: str, uow_factory):
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    play_quarter(make_engine(uow_factory), uow_factory, sample_org, "2026-TW3", Clock())

    def run(*args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(report, list(args))
        assert "Traceback" not in result.output
        assert (result.exit_code == 0) is ok, result.output
        return result

    return run


def test_every_format_is_written(sopbot_report, tmp_path: Path) -> None:
    xlsx = tmp_path / "tw3.xlsx"
    done = sopbot_report("--sop", "kesbangpol", "--period", "2026-TW3", "-o", str(xlsx))
    assert "Laporan Kinerja Triwulan III 2026 (XLSX, 16 indikator" in done.output
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Ringkasan", "BID-IWK", "BID-KNPK", "BID-PDN", "Asal Data"]

    pdf = tmp_path / "iwk"
    sopbot_report(
        "--sop", "kesbangpol", "--period", "2026-TW3", "--unit", "BID-IWK",
        "--format", "pdf", "-o", str(pdf),
    )  # fmt: skip
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Bidang Ideologi" in text and "Politik Dalam Negeri" not in text

    html = tmp_path / "tahun.html"
    sopbot_report("--sop", "kesbangpol", "--period", "2026-TAHUNAN", "-o", str(html))
    assert "BAB III" in html.read_text(encoding="utf-8")
    png = tmp_path / "grafik.png"
    sopbot_report("--sop", "kesbangpol", "--period", "2026-S2", "-o", str(png))
    assert png.read_bytes().startswith(b"\x89PNG")


def test_mistakes_get_one_sentence(sopbot_report, tmp_path: Path) -> None:
    out = str(tmp_path / "x.pdf")
    bad_period = sopbot_report("--sop", "kesbangpol", "--period", "2026-TW5", "-o", out, ok=False)
    assert "--period" in bad_period.output
    unknown = sopbot_report("--sop", "tidak-ada", "--period", "2026-TW3", "-o", out, ok=False)
    assert "tidak-ada" in unknown.output
    unit = sopbot_report(
        "--sop", "kesbangpol", "--period", "2026-TW3", "--unit", "NOPE", "-o", out, ok=False
    )
    assert "Laporan tidak dapat dibuat: unit 'NOPE' tidak ada" in unit.output
    blocked = sopbot_report(
        "--sop", "kesbangpol", "--period", "2026-TW3", "-o", str(tmp_path / "no" / "x.pdf"),
        ok=False,
    )  # fmt: skip
    assert "Tidak dapat menulis" in blocked.output


@pytest.mark.parametrize("name", ["laporan.docx", "laporan.doc", "laporan.txt"])
def test_report_refuses_an_unsupported_suffix(sopbot_report, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    refused = sopbot_report("--sop", "kesbangpol", "--period", "2026-TW3", "-o", str(out), ok=False)
    assert refused.exit_code == 1
    assert "tidak didukung" in refused.output and ".xlsx, .pdf, .html, .png" in refused.output
    assert not out.exists()
