"""``sopbot sop validate|list|show`` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.sop import render_table, sop

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VALID_DIR = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"


def _run(*args: str) -> Result:
    return CliRunner().invoke(sop, list(args))


def test_validate_ok_prints_one_line_per_sop() -> None:
    result = _run("validate", str(VALID_DIR))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK  contoh-mini  (5 langkah, 4 peran)  ")
    assert result.stdout.rstrip().endswith("mini.yaml")


def test_validate_prints_file_line_col_and_exits_1() -> None:
    result = _run("validate", str(VALID_DIR), str(BROKEN / "unknown_role.yaml"))

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("OK  contoh-mini")
    assert lines[1].endswith(
        "unknown_role.yaml:22:16: steps[1].pelaksana: "
        "langkah 2: peran 'camat' tidak ada di roles (yang ada: kabid, staf)"
    )
    assert lines[-1] == "1 masalah di 1 berkas."
    assert "Traceback" not in result.output


def test_validate_whole_broken_directory_never_crashes() -> None:
    result = _run("validate", str(BROKEN))

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "binary_junk.yaml:3:9: berkas bukan teks UTF-8" in result.stdout
    assert "tabs.yaml:20:1: karakter tab" in result.stdout
    assert "OK " not in result.stdout


def test_validate_prints_paths_relative_to_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = _run("validate", str(BROKEN / "tabs.yaml"))

    assert result.stdout.startswith("broken/tabs.yaml:20:1: ")


def test_validate_defaults_to_the_configured_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOPBOT_DEFINITIONS_DIR", str(VALID_DIR))
    result = _run("validate")

    assert result.exit_code == 0
    assert "OK  contoh-mini" in result.stdout


def test_validate_missing_path(tmp_path: Path) -> None:
    result = _run("validate", str(tmp_path / "hilang"))

    assert result.exit_code == 1
    assert "hilang:1:1: berkas atau direktori tidak ditemukan" in result.stdout


def test_validate_empty_directory_is_an_error(tmp_path: Path) -> None:
    result = _run("validate", str(tmp_path))

    assert result.exit_code == 1
    assert "Tidak ada berkas definisi" in result.stdout


def test_list_shows_id_name_instansi_and_step_count() -> None:
    result = _run("list", "--path", str(VALID_DIR))

    assert result.exit_code == 0
    header, rule, row, *_ = result.stdout.splitlines()
    assert header.split() == ["ID", "NAMA", "SOP", "INSTANSI", "LANGKAH"]
    assert set(rule) <= {"-", " "}
    assert row.split()[0] == "contoh-mini"
    assert "Pengumpulan Data" in row
    assert row.rstrip().endswith("5")


def test_list_warns_about_broken_files_and_exits_1() -> None:
    result = _run("list", "-p", str(VALID_DIR), "-p", str(BROKEN / "tabs.yaml"))

    assert result.exit_code == 1
    assert "contoh-mini" in result.stdout
    assert "tabs.yaml" in result.stderr
    assert "sopbot sop validate" in result.stderr


def test_show_prints_the_flow_table_within_120_columns() -> None:
    result = _run("show", "contoh-mini", "-p", str(VALID_DIR))

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "contoh-mini: Pengumpulan Data Kinerja" in out
    assert "Instansi      : Badan Contoh Kabupaten Uji" in out
    assert "setiap tanggal 10 awal Triwulan" in out
    assert "YA→5 / TIDAK→3" in out
    assert "SELESAI" in out
    assert "[keputusan]" in out
    assert "[gabung]" in out
    assert "↳ per unit, Analisis Data:" in out
    assert max(len(line) for line in out.splitlines()) <= 120


def test_show_uses_the_role_name_and_wraps_long_uraian() -> None:
    out = _run("show", "contoh-mini", "-p", str(VALID_DIR)).stdout
    step_4 = [line for line in out.splitlines() if line.startswith("4 ")]

    assert step_4 and "Kabid" in step_4[0]
    assert (
        "Memeriksa laporan kinerja; jika tidak disetujui dikembalikan untuk diperbaiki" not in out
    )
    assert "diperbaiki" in out


def test_show_unknown_id_lists_known_ids_and_exits_1() -> None:
    result = _run("show", "tidak-ada", "-p", str(VALID_DIR))

    assert result.exit_code == 1
    assert result.stderr.strip() == "SOP 'tidak-ada' tidak ditemukan; yang ada: contoh-mini"
    assert result.stdout == ""


def test_group_accepts_more_commands() -> None:
    """``sopbot sop render`` is added from another module."""
    assert {"validate", "list", "show"} <= set(sop.commands)


def test_render_table_wraps_and_aligns() -> None:
    lines = render_table(["A", "B"], [["satu dua tiga", "x"]], [5, 3])

    assert lines == ["A      B", "-----  ---", "satu   x", "dua", "tiga"]
