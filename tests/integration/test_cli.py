"""The admin commands end to end: ``db upgrade``, ``org import``, ``targets``, ``invite``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from sqlalchemy import text

from bot.cli import cli
from bot.persistence.db import make_engine
from bot.persistence.migrate import head_revision
from bot.settings import get_settings
from tests.integration.conftest import SAMPLE_DIR


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads the working directory's database, .env or sopbot environment."""
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    for name in list(os.environ):
        if name == "DATABASE_URL" or name.startswith("SOPBOT_"):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _run(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> Result:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME", raising=False)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


def test_upgrade_then_import_the_sample(monkeypatch: pytest.MonkeyPatch, fresh_db_url: str) -> None:
    # Hosting platforms write postgres://; the command line must accept it.
    fresh_db_url = fresh_db_url.replace("postgresql+psycopg://", "postgres://")
    result = _run(monkeypatch, fresh_db_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"pada revisi {head_revision()}" in result.output
    org_yaml, targets = str(SAMPLE_DIR / "organisation.yaml"), str(SAMPLE_DIR / "targets_2026.xlsx")
    result = _run(monkeypatch, fresh_db_url, "org", "import", org_yaml)
    assert result.exit_code == 0, result.output
    assert "Unit: 7 baru" in result.output and "Peran: 12 baru" in result.output
    # What was made, not only how many.
    assert "Unit: 7 baru (BADAN; SEKR; SUBAG-PRC;" in result.output
    assert "kabid BID-IWK (Andi Baso Fiktif)" in result.output
    result = _run(monkeypatch, fresh_db_url, "targets", "import", targets)
    assert result.exit_code == 0, result.output
    assert "Indikator: 16 baru" in result.output and "Target: 80 baru" in result.output
    assert "Indikator: 16 baru (IWK-01; IWK-02;" in result.output
    result = _run(monkeypatch, fresh_db_url, "org", "import", org_yaml)
    assert "tidak berubah" in result.output
    assert "Pegawai: 0 baru, 0 diubah, 11 tetap" in result.output
    result = _run(monkeypatch, fresh_db_url, "db", "current")
    assert "(mutakhir)" in result.output


def test_invite(monkeypatch: pytest.MonkeyPatch, db_url: str, sample_org: str) -> None:
    args = ("invite", "--role", "kabid", "--unit", "BID-IWK", "--person", "999900000000000002")
    result = _run(monkeypatch, db_url, *args, "--bot-username", "@sopbot_demo_bot")
    assert result.exit_code == 0, result.output
    assert "Kode undangan untuk Andi Baso Fiktif (kabid di BID-IWK, Bidang Ideo" in result.output
    assert "Tautan: https://t.me/sopbot_demo_bot?start=" in result.output
    result = _run(monkeypatch, db_url, *args)
    assert result.exit_code == 0
    assert "Nama pengguna bot belum diatur (TELEGRAM_BOT_USERNAME" in result.output
    result = _run(monkeypatch, db_url, "invite", "--role", "kabid", "--unit", "BID-XX")
    assert result.exit_code == 1
    assert "Unit 'BID-XX' tidak ada di Badan Kesatuan Bangsa" in result.output
    assert "Kode unit yang ada: BADAN, BID-IWK, BID-KNPK, BID-PDN" in result.output

    # Issue 18: an invite names its person, from the organisation file or the admin.
    unnamed = ("invite", "--role", "analis", "--unit", "BID-IWK")
    result = _run(monkeypatch, db_url, *unnamed)
    assert result.exit_code == 1 and "--nama" in result.output
    result = _run(monkeypatch, db_url, *unnamed, "--nama", "Sari\u200b Wulandari")
    assert result.exit_code == 0, result.output
    assert "Kode undangan untuk Sari Wulandari (analis di BID-IWK, Bidang Ideologi" in result.output


def test_invite_refuses_an_unknown_role_and_suggests_the_closest(
    monkeypatch: pytest.MonkeyPatch, db_url: str, sample_org: str
) -> None:
    """A typo ("analyst" for "analis") issues no code: the closest role is suggested."""
    result = _run(monkeypatch, db_url, "invite", "--role", "analyst", "--unit", "BID-IWK")
    assert result.exit_code == 1, result.output
    assert "Peran 'analyst' tidak dikenal" in result.output
    assert "Maksud Bapak/Ibu 'analis'?" in result.output
    assert "kasubag_perencanaan" in result.output
    assert "Kode undangan" not in result.output
    result = _run(monkeypatch, db_url, "invite", "--role", "analis", "--unit", "BID-IWX")
    assert result.exit_code == 1, result.output
    assert "Maksud Bapak/Ibu 'BID-IWK'?" in result.output
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM invites")).scalar_one() == 0
    engine.dispose()


def test_bad_targets_file_exits_1_with_the_cell(
    monkeypatch: pytest.MonkeyPatch, db_url: str, sample_org: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.xlsx"
    workbook = load_workbook(SAMPLE_DIR / "targets_2026.xlsx")
    workbook["Target"]["E7"] = "sepuluh"  # column TW2
    workbook.save(path)
    result = _run(monkeypatch, db_url, "targets", "import", str(path), "--org", sample_org)
    assert result.exit_code == 1
    assert "Sheet Target, baris 7, kolom TW2: 'sepuluh' bukan angka" in result.output


def test_commands_on_an_empty_database_say_to_upgrade(
    monkeypatch: pytest.MonkeyPatch, fresh_db_url: str
) -> None:
    result = _run(monkeypatch, fresh_db_url, "org", "list")
    assert result.exit_code == 1
    assert "sopbot db upgrade" in result.output


def test_template_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "templat.xlsx"
    result = _run(monkeypatch, "sqlite://", "targets", "template", "-o", str(out))
    assert result.exit_code == 0 and out.exists()
    result = _run(monkeypatch, "sqlite://", "targets", "template", "-o", str(out))
    assert result.exit_code == 1 and "--force" in result.output


NEEDS_DATABASE = [
    ("status",),
    ("status", "--period", "2026-10"),
    ("task", "list", "--as", "199001012020121001"),
    ("task", "show", "1", "--as", "199001012020121001"),
    ("audit", "--run", "1"),
    ("report", "--sop", "kesbangpol", "--period", "2026-TW3", "-o", "laporan.pdf"),
    ("monev", "--period", "2026-S2", "-o", "monev.xlsx"),
    ("deadlines",),
    ("org", "list"),
    ("start", "kesbangpol", "--period", "2026-10"),
]
NO_DATABASE_NEEDED = [
    ("sop", "list"),
    ("sop", "show", "kesbangpol"),
    ("sop", "validate"),
    ("schedule", "show", "--count", "1"),
    ("db", "current"),
    ("verify", "bukan-laporan.pdf"),
]


@pytest.fixture
def empty_cwd(tmp_path: Path) -> Path:
    """The empty working directory ``_isolated`` made (no DATABASE_URL, no SOPBOT_*)."""
    return tmp_path / "cwd"


@pytest.mark.parametrize("args", NEEDS_DATABASE, ids=" ".join)
def test_commands_without_a_database_create_none_and_say_so(
    empty_cwd: Path, args: tuple[str, ...]
) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert not (empty_cwd / "sopbot.sqlite3").exists()
    assert result.exit_code == 1, result.output
    assert (
        "Basis data belum ada: berkas sopbot.sqlite3 tidak ditemukan. Buat dulu dengan "
        "'sopbot db upgrade', lalu impor organisasi dengan 'sopbot org import'."
    ) in " ".join(result.output.split())


@pytest.mark.parametrize("args", NO_DATABASE_NEEDED, ids=" ".join)
def test_read_only_commands_that_need_no_database_create_none(
    empty_cwd: Path, args: tuple[str, ...]
) -> None:
    (empty_cwd / "bukan-laporan.pdf").write_bytes(b"%PDF-1.4 bukan laporan sopbot")
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert not (empty_cwd / "sopbot.sqlite3").exists()
    assert sorted(p.name for p in empty_cwd.iterdir()) == ["bukan-laporan.pdf"]
    if args[0] == "schedule":
        assert result.exit_code == 0, result.output
        assert "Basis data belum ada" in result.output
    if args[0] == "db":
        assert "belum ada basis data" in result.output


def test_a_monthly_sop_from_the_command_line(
    monkeypatch: pytest.MonkeyPatch, db_url: str, sample_org: str, tmp_path: Path
) -> None:
    from tests.integration.test_report_collect import MONTHLY, monthly_definition

    definitions = tmp_path / "definisi"
    definitions.mkdir()
    monthly_definition(definitions / "bulanan.yaml")
    monkeypatch.setenv("SOPBOT_DEFINITIONS_DIR", str(definitions))
    now = ("--now", "2026-11-05T08:00")
    result = _run(monkeypatch, db_url, "schedule", "show", "--from", "2026-11-01", "--count", "2")
    assert result.exit_code == 0, result.output
    assert "Kamis, 5 November 2026 08.00 WITA (Asia/Makassar)  laporan 2026-10" in result.output
    assert "Senin, 7 Desember 2026 08.00 WITA (Asia/Makassar)  laporan 2026-11" in result.output
    result = _run(monkeypatch, db_url, "start", MONTHLY, "--period", "2026-TW3", *now)
    assert result.exit_code == 1
    assert "SOP ini bulanan; periode 2026-TW3 triwulan. Gunakan periode bulanan, mis. 2026-10" in (
        result.output
    )
    result = _run(monkeypatch, db_url, "start", MONTHLY, "--period", "2026-10", *now)
    assert result.exit_code == 0, result.output
    assert "dimulai: " in result.output and "Oktober 2026" in result.output
    result = _run(monkeypatch, db_url, "status", "--period", "2026-10", *now)
    assert result.exit_code == 0, result.output
    assert "Oktober 2026" in result.output and "Kamis, 5 November 2026 08.00 WITA" in result.output
    out = tmp_path / "laporan.html"
    result = _run(
        monkeypatch, db_url, "report", "--sop", MONTHLY, "--period", "2026-10", "-o", str(out), *now
    )
    assert result.exit_code == 0, result.output
    assert "Laporan Kinerja Oktober 2026 (HTML, 16 indikator, DRAFT" in result.output
    assert "Laporan Kinerja Bulanan" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "argv",
    [("status",), ("org", "list"), ("task", "list", "--as", "999900000000000002"), ("health",)],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_read_only_commands_on_a_database_never_upgraded(
    monkeypatch: pytest.MonkeyPatch, fresh_db_url: str, argv: tuple[str, ...]
) -> None:
    """They say what to do, in Indonesian, and create no table (no migration behind one's back)."""
    from sqlalchemy import inspect

    result = _run(monkeypatch, fresh_db_url, *argv)
    assert result.exit_code == 1, result.output
    assert "sopbot db upgrade" in result.output
    assert "no such table" not in result.output and "does not exist" not in result.output
    engine = make_engine(fresh_db_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
