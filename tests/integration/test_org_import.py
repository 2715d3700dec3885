"""``org import``: YAML and XLSX, idempotent upserts, precise errors, nothing half-written."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from bot.imports import ImportFailed
from bot.imports.org_file import read_org_file
from bot.imports.org_import import OrgImportResult, import_org
from bot.imports.problems import Problems
from bot.persistence.models import Acting, UnitKind
from bot.persistence.uow import SqlAlchemyUnitOfWork
from tests.integration.conftest import SAMPLE_DIR, SAMPLE_SLUG, table_snapshot

UowFactory = Callable[[], SqlAlchemyUnitOfWork]

MINIMAL = """
organisasi: {slug: dinas-uji, nama: Dinas Uji}
unit:
  - {kode: SEKR, nama: Sekretariat, jenis: sekretariat}
  - {kode: BID-1, nama: Bidang Satu, jenis: bidang}
pegawai:
  - {nama: Budi Contoh, nip: "999900000000000101"}
  - {nama: Siti Contoh}
peran:
  - {pegawai: "999900000000000101", peran: kabid, unit: BID-1}
  - {pegawai: Siti Contoh, peran: analis, unit: BID-1}
"""


def _import(uow_factory: UowFactory, path: Path, slug: str | None = None) -> OrgImportResult:
    problems = Problems()
    data = read_org_file(path, problems)
    problems.raise_if_any()
    with uow_factory() as uow:
        result = import_org(uow, data, slug)
        uow.commit()
        return result


def _write(tmp_path: Path, text: str, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    logo = SAMPLE_DIR / "logo-contoh.png"
    if logo.name in text:  # the kop's logo is read relative to the file
        (tmp_path / logo.name).write_bytes(logo.read_bytes())
    return path


def test_kop_pangkat_and_jabatan_are_stored(uow_factory: UowFactory) -> None:
    _import(uow_factory, SAMPLE_DIR / "organisation.yaml")
    with uow_factory() as uow:
        org = uow.orgs.organisation(SAMPLE_SLUG)
        assert org is not None
        kop = org.letterhead
        assert kop["pemerintah"] == "Pemerintah Kabupaten Jeneponto"
        assert kop["tempat"] == "Jeneponto" and "Lanto Dg. Pasewang" in kop["alamat"]
        logo = (SAMPLE_DIR / "logo-contoh.png").read_bytes()
        assert base64.b64decode(kop["logo"]) == logo  # the image itself, not its path
        head = uow.orgs.person_by_nip(org.id, "999900000000000011")
        assert head is not None and head.rank == "Pembina Utama Muda (IV/c)"
        titles = {a.role_key: a.title for a in uow.orgs.assignments_of(head.id)}
        assert titles == {"kepala": "Kepala Badan Kesatuan Bangsa dan Politik Kabupaten Jeneponto"}


def test_a_missing_logo_changes_nothing(uow_factory: UowFactory, tmp_path: Path) -> None:
    text = (SAMPLE_DIR / "organisation.yaml").read_text(encoding="utf-8")
    path = tmp_path / "org.yaml"
    path.write_text(text.replace("logo-contoh.png", "tidak-ada.png"), encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        _import(uow_factory, path)
    assert "kolom kop: logo tidak-ada.png tidak dapat dibaca" in str(failed.value)


def test_sample_organisation_imports_with_counts(uow_factory: UowFactory) -> None:
    result = _import(uow_factory, SAMPLE_DIR / "organisation.yaml")
    assert result.organisation_created
    assert (result.units.created, result.people.created, result.roles.created) == (7, 11, 12)
    with uow_factory() as uow:
        org = uow.orgs.organisation(SAMPLE_SLUG)
        assert org is not None and org.is_sample and org.timezone == "Asia/Makassar"
        assert [p.nip for p in org.admins] == ["999900000000000001"]
        assert org.rating_bands[0] == {"label": "Sangat Tinggi", "min_exclusive": "90"}
        assert org.extra_non_working_days == {"2026-08-20": "Libur daerah (contoh fiktif)"}
        bidang = [u for u in uow.orgs.units(org.id) if u.kind is UnitKind.BIDANG]
        assert len(bidang) == 3 and all(u.parent and u.parent.code == "BADAN" for u in bidang)
        roles = {a.role_key for a in uow.orgs.assignments_in(org.id)}
        assert roles == {"kepala", "kabid", "kasubid", "analis", "kasubag_perencanaan"}
        plt = [a for a in uow.orgs.assignments_in(org.id) if a.acting is Acting.PLT]
        assert len(plt) == 1 and plt[0].unit.code == "BID-KNPK"


def test_reimport_is_idempotent(uow_factory: UowFactory, engine: Engine) -> None:
    _import(uow_factory, SAMPLE_DIR / "organisation.yaml")
    before = table_snapshot(engine)
    before.pop("audit_events")
    result = _import(uow_factory, SAMPLE_DIR / "organisation.yaml")
    assert not result.organisation_created
    for counts in (result.units, result.people, result.roles):
        assert (counts.created, counts.updated) == (0, 0)
    after = table_snapshot(engine)
    after.pop("audit_events")
    assert after == before


def test_reimport_updates_by_code_and_nip(uow_factory: UowFactory, tmp_path: Path) -> None:
    _import(uow_factory, _write(tmp_path, MINIMAL))
    changed = MINIMAL.replace("Bidang Satu", "Bidang Kesatu").replace(
        "Budi Contoh", "Budi S. Contoh"
    )
    result = _import(uow_factory, _write(tmp_path, changed))
    assert (result.units.updated, result.units.unchanged) == (1, 1)
    assert (result.people.updated, result.people.unchanged) == (1, 1)
    with uow_factory() as uow:
        org = uow.orgs.organisation("dinas-uji")
        assert org is not None
        assert [p.name for p in uow.orgs.people(org.id)] == ["Budi S. Contoh", "Siti Contoh"]


def test_org_option_names_the_organisation(uow_factory: UowFactory, tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "organisasi: {slug: dinas-uji, nama: Dinas Uji}", "organisasi: {nama: Dinas Uji}"
    )
    path = _write(tmp_path, text)
    with pytest.raises(ImportFailed, match="isi slug di berkas atau pakai --org"):
        _import(uow_factory, path)
    assert _import(uow_factory, path, "dinas-lain").slug == "dinas-lain"
    with pytest.raises(ImportFailed, match="bukan 'x'"):
        _import(uow_factory, _write(tmp_path, MINIMAL, "b.yaml"), "x")


BAD = """
organisasi: {slug: dinas-uji, nama: Dinas Uji, zona_waktu: Asia/Atlantis}
unit:
  - {kode: BID-1, nama: Bidang Satu, jenis: bidang}
  - {kode: BID-2, nama: Bidang Dua, jenis: direktorat, induk: BID-9}
  - {kode: BID-1, nama: Bidang Satu Lagi}
pegawai:
  - {nama: Budi Contoh, nip: "19800101 2005X"}
  - {nama: Ani Contoh, nip: "999900000000000201", telegram_id: dua}
peran:
  - {pegawai: Tidak Ada, peran: kabid, unit: BID-1}
  - {pegawai: Ani Contoh, peran: Kepala Bidang, unit: BID-1}
  - {pegawai: Ani Contoh, peran: kabid, unit: BID-1, mulai: "2026-07-01", sampai: "2026-01-01"}
"""


def test_bad_yaml_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    problems = Problems()
    read_org_file(_write(tmp_path, BAD), problems)
    messages = [str(p) for p in problems.items]
    zone = "'Asia/Atlantis' bukan zona waktu; contoh: Asia/Makassar (WITA)"
    assert f"Bagian organisasi, kolom zona_waktu: {zone}" in messages
    assert any(
        m.startswith("Bagian unit, butir 2, kolom jenis: 'direktorat' tidak dikenal")
        for m in messages
    )
    assert (
        "Bagian pegawai, butir 1, kolom nip: '19800101 2005X' bukan NIP (hanya angka)" in messages
    )
    assert "Bagian pegawai, butir 2, kolom telegram_id: 'dua' bukan angka" in messages
    assert any(
        m.startswith("Bagian peran, butir 2, kolom peran: 'Kepala Bidang' bukan kunci")
        for m in messages
    )
    assert "Bagian peran, butir 3, kolom sampai: tanggal selesai sebelum tanggal mulai" in messages


def test_bad_references_change_nothing(
    uow_factory: UowFactory, engine: Engine, tmp_path: Path
) -> None:
    _import(uow_factory, SAMPLE_DIR / "organisation.yaml")
    before = table_snapshot(engine)
    text = (SAMPLE_DIR / "organisation.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "Sub Bagian Perencanaan", "Sub Bagian Perencanaan (diubah)"
    )  # a valid change
    text = text.replace("induk: SEKR}", "induk: SEKR-X}", 1)  # and an unknown parent
    text += '  - {pegawai: "999900000000009999", peran: kabid, unit: BID-IWK}\n'
    with pytest.raises(ImportFailed) as failed:
        _import(uow_factory, _write(tmp_path, text))
    report = failed.value.report()
    assert "Bagian unit, butir 3, kolom induk: unit induk 'SEKR-X' tidak ada" in report
    assert "Bagian peran, butir 13, kolom pegawai: pegawai '999900000000009999' tidak ada" in report
    assert table_snapshot(engine) == before


def test_unit_cycles_and_duplicate_telegram_ids_are_refused(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    text = """
organisasi: {slug: dinas-uji, nama: Dinas Uji}
unit:
  - {kode: A, nama: A, induk: B}
  - {kode: B, nama: B, induk: A}
pegawai:
  - {nama: Satu Contoh, nip: "999900000000000301", telegram_id: 12345}
  - {nama: Dua Contoh, nip: "999900000000000302", telegram_id: 12345}
"""
    with pytest.raises(ImportFailed) as failed:
        _import(uow_factory, _write(tmp_path, text))
    report = failed.value.report()
    assert "Bagian unit, butir 1, kolom induk: hierarki unit berputar" in report
    assert "Bagian pegawai, butir 2, kolom telegram_id: ID Telegram 12345 sudah dipakai" in report
    with uow_factory() as uow:
        assert uow.orgs.organisations() == []


def test_yaml_syntax_errors_name_line_and_column(tmp_path: Path) -> None:
    problems = Problems()
    read_org_file(_write(tmp_path, "unit:\n  - {kode: A, nama: A\n"), problems)
    assert problems and str(problems.items[0]).startswith("baris ")


def _org_workbook(path: Path, person_nip: object = "999900000000000401") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Organisasi"
    sheet.append(["Slug", "Nama", "Zona Waktu", "Cuti Bersama"])
    sheet.append(["dinas-xlsx", "Dinas dari Excel", "Asia/Makassar", "ya"])
    units = workbook.create_sheet("Unit")
    units.append(["Kode", "Nama", "Jenis", "Induk"])
    units.append(["BID-1", "Bidang Satu", "Bidang", None])
    people = workbook.create_sheet("Pegawai")
    people.append(["Nama", "NIP", "Telegram ID"])
    people.append(["Rina Contoh", person_nip, 555001])
    roles = workbook.create_sheet("Peran")
    roles.append(["Pegawai", "Peran", "Unit", "Status", "Mulai", "Sampai"])
    roles.append(["999900000000000401", "kabid", "BID-1", "Plt", "2026-01-01", "2026-03-31"])
    workbook.save(path)
    return path


def test_xlsx_organisation_file(uow_factory: UowFactory, tmp_path: Path) -> None:
    result = _import(uow_factory, _org_workbook(tmp_path / "org.xlsx"))
    assert (result.units.created, result.people.created, result.roles.created) == (1, 1, 1)
    with uow_factory() as uow:
        person = uow.orgs.person_by_telegram_id(555001)
        assert person is not None and person.nip == "999900000000000401"
        (assignment,) = uow.orgs.assignments_of(person.id)
        assert assignment.acting is Acting.PLT and str(assignment.valid_to) == "2026-03-31"


def test_xlsx_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    problems = Problems()
    read_org_file(_org_workbook(tmp_path / "org.xlsx", person_nip="NIP-ABC"), problems)
    assert [str(p) for p in problems.items] == [
        "Sheet Pegawai, baris 2, kolom NIP: 'NIP-ABC' bukan NIP (hanya angka)"
    ]


def test_sample_roles_are_the_roles_of_sop_004() -> None:
    """The sample must fill exactly the roles the Jeneponto SOP names (catches drift), and
    the head of office (``kepala``), who signs the reports."""
    from bot.definitions import load_file

    definition, problems = load_file(
        SAMPLE_DIR.parents[1] / "sop_definitions" / "004_kesbangpol_jeneponto.yaml"
    )
    assert definition is not None, problems
    data = read_org_file(SAMPLE_DIR / "organisation.yaml", Problems())
    assert {r.role_key for r in data.roles} == {r.key for r in definition.roles} | {"kepala"}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_organisation_names_the_sops_it_runs(uow_factory) -> None:
    _import(uow_factory, SAMPLE_DIR / "organisation.yaml")
    _import(uow_factory, SAMPLE_DIR / "organisation.yaml")  # again: the same list
    with uow_factory() as uow:
        org = uow.orgs.organisation(SAMPLE_SLUG)
        assert org is not None
        assert uow.orgs.sop_ids(org.id) == ["kesbangpol-jeneponto-pengumpulan-data-kinerja"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_bad_reminder_policy_is_refused_with_its_place(uow_factory, tmp_path) -> None:
    text = (SAMPLE_DIR / "organisation.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "org.yaml"
    bad.write_text(
        text.replace("escalate_after_working_days: 2", "escalate_after_working_days: dua"),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failed:
        _import(uow_factory, bad)
    assert "pengingat" in str(failed.value)
    assert "escalate_after_working_days" in str(failed.value)
