"""The admin commands end to end: ``db upgrade``, ``org import``, ``targets``, ``invite``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from bot.cli import cli
from bot.persistence.migrate import head_revision
from bot.settings import get_settings
from tests.integration.conftest import SAMPLE_DIR, SAMPLE_SLUG


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
    assert "Unit: 7 baru" in result.output and "Peran: 11 baru" in result.output
    result = _run(monkeypatch, fresh_db_url, "targets", "import", targets)
    assert result.exit_code == 0, result.output
    assert "Indikator: 16 baru" in result.output and "Target: 80 baru" in result.output
    result = _run(monkeypatch, fresh_db_url, "org", "import", org_yaml)
    assert "tidak berubah" in result.output
    assert "Pegawai: 0 baru, 0 diubah, 10 tetap" in result.output
    result = _run(monkeypatch, fresh_db_url, "db", "current")
    assert "(mutakhir)" in result.output


def test_invite(monkeypatch: pytest.MonkeyPatch, db_url: str, sample_org: str) -> None:
    args = ("invite", "--role", "kabid", "--unit", "BID-IWK", "--person", "999900000000000002")
    result = _run(monkeypatch, db_url, *args, "--bot-username", "@sopbot_demo_bot")
    assert result.exit_code == 0, result.output
    assert "Kode undangan untuk Andi Baso Fiktif (kabid di BID-IWK)" in result.output
    assert "Tautan: https://t.me/sopbot_demo_bot?start=" in result.output
    result = _run(monkeypatch, db_url, *args)
    assert result.exit_code == 0
    assert "Nama pengguna bot belum diatur (TELEGRAM_BOT_USERNAME" in result.output
    result = _run(monkeypatch, db_url, "invite", "--role", "kabid", "--unit", "BID-XX")
    assert result.exit_code == 1
    assert f"unit 'BID-XX' tidak ada di organisasi {SAMPLE_SLUG}" in result.output


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
