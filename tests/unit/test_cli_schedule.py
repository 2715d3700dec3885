"""``sopbot schedule show``: next trigger firings per SOP, in the organisation's local time.

Every test runs in an empty working directory of its own with no sopbot
environment, so it never reads (or creates) a real ``sopbot.sqlite3``.
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.schedule import schedule
from bot.persistence.db import make_engine
from bot.persistence.models import Organisation, metadata
from bot.settings import Settings

DEFINITION = """\
id: {id}
identity:
  instansi: Badan Kesatuan Bangsa dan Politik Kabupaten Jeneponto
  nomor: 000/001/SOP/2024
  disahkan_oleh: Kepala Badan
  nama: Pengumpulan Data Kinerja
roles:
  - key: kabid
    name: Kepala Bidang
triggers:
{triggers}
steps:
  - no: 1
    uraian: Menugaskan penyusunan laporan kinerja triwulan
    pelaksana: kabid
    waktu: 15 Menit
    next: selesai
"""
QUARTERLY = "  - teks: setiap tanggal 10 awal Triwulan\n"


def write(folder: Path, sop_id: str, triggers: str = QUARTERLY) -> Path:
    path = folder / f"{sop_id}.yaml"
    path.write_text(DEFINITION.format(id=sop_id, triggers=triggers or "  []"), encoding="utf-8")
    return path


def run(*args: str, settings: Settings | None = None) -> tuple[int, str, str]:
    obj = settings or Settings(
        SOPBOT_TIMEZONE="Asia/Makassar",
        SOPBOT_WORK_START=time(7, 30),
        SOPBOT_WORK_END=time(16, 0),
        SOPBOT_TRIGGER_HOUR=time(8, 0),
        SOPBOT_CUTI_BERSAMA=True,
    )
    result = CliRunner().invoke(schedule, ["show", *args], obj=obj)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory and no DATABASE_URL / SOPBOT_* from the environment."""
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    for name in list(os.environ):
        if name == "DATABASE_URL" or name.startswith("SOPBOT_"):
            monkeypatch.delenv(name)
    return here


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, "kesbangpol-jeneponto")
    return tmp_path


def database(path: Path, *zones: tuple[str, str]) -> Settings:
    """A SQLite database at ``path`` with organisations ``(slug, zone)``; settings in WITA."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for slug, zone in zones:
            conn.execute(
                Organisation.__table__.insert().values(
                    slug=slug,
                    name=f"Organisasi {slug}",
                    timezone=zone,
                    work_start=time(7, 30),
                    work_end=time(16, 0),
                    include_cuti_bersama=True,
                    extra_non_working_days={},
                    reminder_policy={},
                    rating_bands=[],
                    oversight_policy={},
                    is_sample=False,
                )
            )
    engine.dispose()
    return Settings(DATABASE_URL=url, SOPBOT_TIMEZONE="Asia/Makassar")


def test_shows_the_next_firings_in_indonesian_local_time(folder: Path) -> None:
    code, out, _ = run("--from", "2026-11-23", str(folder))
    assert code == 0, out
    assert (
        "kesbangpol-jeneponto  Senin, 11 Januari 2027 08.00 WITA (Asia/Makassar)  laporan 2026-TW4"
        "  [tanggal 10 jatuh pada Minggu; digeser ke hari kerja berikutnya]"
    ) in out
    assert "Senin, 12 April 2027 08.00 WITA (Asia/Makassar)  laporan 2027-TW1" in out
    assert "Senin, 11 Oktober 2027 08.00 WITA" in out
    assert "Senin, 10 Januari 2028" not in out  # four by default
    assert "pemicu: 'setiap tanggal 10 awal Triwulan'" in out


def test_count_and_keep_policy(tmp_path: Path) -> None:
    keep = (
        "  - teks: setiap tanggal 10 awal Triwulan\n    non_working_day: keep\n    jam: '09:30'\n"
    )
    write(tmp_path, "keep-sop", keep)
    code, out, _ = run("--from", "2026-11-23", "--count", "1", str(tmp_path))
    assert code == 0, out
    assert (
        "keep-sop  Minggu, 10 Januari 2027 09.30 WITA (Asia/Makassar)  laporan 2026-TW4"
        "  [tanggal 10 jatuh pada Minggu; tetap dijalankan]"
    ) in out
    assert "April" not in out


def test_from_date_is_inclusive(folder: Path) -> None:
    code, out, _ = run("--from", "2027-01-11", "--count", "1", str(folder))
    assert code == 0
    assert "Senin, 11 Januari 2027 08.00 WITA" in out


def test_sop_without_triggers_is_started_by_hand(folder: Path) -> None:
    write(folder, "manual-sop", triggers="")
    code, out, _ = run("--from", "2026-11-23", str(folder))
    assert code == 0, out
    assert (
        "manual-sop            tanpa pemicu terjadwal; dimulai manual dengan `sopbot start`" in out
    )
    assert "kesbangpol-jeneponto  Senin, 11 Januari 2027" in out


def test_sop_filter(folder: Path) -> None:
    write(folder, "other-sop")
    code, out, _ = run("--from", "2026-11-23", "--sop", "other-sop", str(folder))
    assert code == 0
    assert "other-sop" in out and "kesbangpol-jeneponto" not in out
    code, _, err = run("--sop", "missing", str(folder))
    assert code == 1
    assert "missing" in err and "kesbangpol-jeneponto" in err


def test_zone_from_settings(folder: Path) -> None:
    settings = Settings(SOPBOT_TIMEZONE="Asia/Jakarta", SOPBOT_TRIGGER_HOUR=time(9, 0))
    code, out, _ = run("--from", "2026-11-23", "--count", "1", str(folder), settings=settings)
    assert code == 0, out
    assert "Senin, 11 Januari 2027 09.00 WIB (Asia/Jakarta)" in out


def test_bad_time_zone_is_reported(folder: Path) -> None:
    code, _, err = run(str(folder), settings=Settings(SOPBOT_TIMEZONE="Mars/Olympus"))
    assert code == 1
    assert "Mars/Olympus" in err


def test_definition_problems_are_printed_and_exit_1(folder: Path) -> None:
    broken = folder / "broken.yaml"
    broken.write_text("id: broken\nroles: []\n", encoding="utf-8")
    code, out, err = run("--from", "2026-11-23", str(folder))
    assert code == 1
    assert str(broken) in err
    assert "Senin" not in out


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nowhere"))
    assert code == 1
    assert "nowhere" in err


def test_no_database_uses_the_settings_and_creates_no_file(folder: Path, cwd: Path) -> None:
    code, out, _ = run("--from", "2026-11-23", "--count", "1", str(folder))
    assert code == 0, out
    assert not (cwd / "sopbot.sqlite3").exists()
    assert list(cwd.iterdir()) == []
    assert "Basis data belum ada (berkas sopbot.sqlite3 tidak ditemukan)" in out
    assert "zona dan jam kerja dari pengaturan" in out
    assert "Pekerjaan terjadwal: basis data belum ada" in out
    assert "Senin, 11 Januari 2027 08.00 WITA" in out


def test_a_wib_organisation_prints_wib_although_the_settings_say_wita(
    folder: Path, tmp_path: Path
) -> None:
    settings = database(tmp_path / "org.sqlite3", ("kesbangpol-bogor", "Asia/Jakarta"))
    code, out, _ = run("--from", "2026-11-23", "--count", "1", str(folder), settings=settings)
    assert code == 0, out
    assert "Organisasi Organisasi kesbangpol-bogor (kesbangpol-bogor)" in out
    assert "zona WIB (Asia/Jakarta)" in out
    assert "Senin, 11 Januari 2027 08.00 WIB (Asia/Jakarta)  laporan 2026-TW4" in out
    assert "WITA" not in out


def test_several_organisations_need_org(folder: Path, tmp_path: Path) -> None:
    settings = database(
        tmp_path / "orgs.sqlite3", ("bogor", "Asia/Jakarta"), ("jayapura", "Asia/Jayapura")
    )
    code, _, err = run("--from", "2026-11-23", str(folder), settings=settings)
    assert code == 1
    assert "Ada beberapa organisasi; pilih dengan --org: bogor, jayapura" in err
    args = ("--from", "2026-11-23", "--count", "1", "--org", "jayapura", str(folder))
    code, out, _ = run(*args, settings=settings)
    assert code == 0, out
    assert "Senin, 11 Januari 2027 08.00 WIT (Asia/Jayapura)" in out
    code, _, err = run("--org", "medan", str(folder), settings=settings)
    assert code == 1
    assert "Organisasi 'medan' tidak ada; yang ada: bogor, jayapura." in err


def test_an_empty_database_uses_the_settings(folder: Path, tmp_path: Path) -> None:
    settings = database(tmp_path / "empty.sqlite3")
    code, out, _ = run("--from", "2026-11-23", "--count", "1", str(folder), settings=settings)
    assert code == 0, out
    assert "Belum ada organisasi di basis data; zona dan jam kerja dari pengaturan" in out


def test_org_without_a_database_is_refused(folder: Path, cwd: Path) -> None:
    code, _, err = run("--org", "bogor", str(folder))
    assert code == 1
    assert "Basis data belum ada: berkas sopbot.sqlite3 tidak ditemukan" in err
    assert not (cwd / "sopbot.sqlite3").exists()


def test_working_day_triggers_are_always_on_working_days(tmp_path: Path) -> None:
    write(tmp_path, "hari-kerja", "  - teks: setiap hari kerja ke-5 awal triwulan\n")
    code, out, _ = run("--from", "2026-11-23", "--count", "1", str(tmp_path))
    assert code == 0, out
    assert "selalu hari kerja (libur nasional dan cuti bersama dilewati)" in out
    assert "hari-kerja  Senin, 11 Januari 2027 08.00 WITA (Asia/Makassar)  laporan 2026-TW4" in out


def test_show_on_a_database_not_yet_upgraded_says_to_upgrade(tmp_path: Path) -> None:
    """An existing but empty SQLite file (``db upgrade`` not yet run): no raw SQL error."""
    from click.testing import CliRunner

    from bot.cli import cli

    Path("sopbot.sqlite3").touch()
    result = CliRunner().invoke(cli, ["schedule", "show", "--sop", "kesbangpol"])
    assert result.exit_code == 0, result.output
    assert "no such table" not in result.output
    assert "jalankan 'sopbot db upgrade'" in result.output.splitlines()[-1]
