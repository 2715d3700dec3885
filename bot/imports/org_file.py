"""Reading an organisation file (YAML or XLSX) into plain specs, before any database work.

YAML::

    organisasi: {slug: ..., nama: ..., zona_waktu: Asia/Makassar, jam_mulai: "07:30",
                 jam_selesai: "16:00", cuti_bersama: true, contoh: false,
                 hari_libur_tambahan: {"2026-05-18": "Hari Jadi"},
                 kategori_capaian: [{lebih_dari: 90, label: Sangat Tinggi}, ...],
                 durasi_bawaan: "1 Hari",
                 admin: [NIP atau nama, ...],
                 kop: {pemerintah: Pemerintah Kabupaten Jeneponto, nama: Badan ...,
                       alamat: ..., telepon: ..., logo: logo.png, tempat: Jeneponto}}
    unit:     [{kode, nama, jenis, induk}]
    pegawai:  [{nama, nip, pangkat, telegram_id, aktif}]
    peran:    [{pegawai (NIP atau nama), peran, unit, jabatan, status (definitif/plt/plh),
                mulai, sampai}]

``admin`` names who administers the organisation: ``/admin`` in Telegram
(invites, uploads, runs; issue 19) and ``/daftargrup``. An import that lists
admins makes that list the organisation's admins.

``kop`` is the letterhead printed on every report (``logo``: a PNG or JPEG
file, its path relative to the organisation file; it is stored in the
database, so the file is needed only at import). ``pangkat`` is the
pangkat/golongan printed under a name ("Pembina Tk. I (IV/b)"); ``jabatan`` the
post's full title printed in signature blocks ("Kepala Bidang Politik Dalam
Negeri"; "Sekretaris" where the Sekretaris acts as a unit's head). The head of
office is whoever holds the role ``kepala`` on the top unit: the annual LKjIP
ends with that person's signature, and reports print them under "Mengetahui".

XLSX: sheets Organisasi (one row), Unit, Pegawai and Peran with the same column
names as headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.domain.enums import Acting, UnitKind
from bot.imports.cells import Choices, Record, norm_key
from bot.imports.org_header import OrgSpec, read_org_header
from bot.imports.problems import Location, Problems
from bot.imports.tables import Column, sheet_records, yaml_records

ROLE_KEY = re.compile(r"^[a-z][a-z0-9_]*$")

ORG_COLUMNS = (
    Column("slug", "slug", ("kode",)),
    Column("nama", "nama", ("name",)),
    Column("zona_waktu", "zona_waktu", ("timezone", "zona")),
    Column("jam_mulai", "jam_mulai", ("work_start",)),
    Column("jam_selesai", "jam_selesai", ("work_end",)),
    Column("cuti_bersama", "cuti_bersama", ("include_cuti_bersama",)),
    Column("contoh", "contoh", ("sample", "data_contoh")),
    Column("hari_libur_tambahan", "hari_libur_tambahan", ("extra_non_working_days",)),
    Column("kategori_capaian", "kategori_capaian", ("rating_bands",)),
    Column("pengingat", "pengingat", ("reminders", "reminder_policy")),
    Column("pengawasan", "pengawasan", ("oversight", "oversight_policy")),
    Column("durasi_bawaan", "durasi_bawaan", ("default_duration",)),
    Column("admin", "admin", ("admins",)),
    Column("sop", "sop", ("sops", "prosedur")),
    Column("kop", "kop", ("letterhead", "kop_surat")),
)
UNIT_COLUMNS = (
    Column("kode", "kode", ("code", "kode_unit"), required=True),
    Column("nama", "nama", ("name", "nama_unit"), required=True),
    Column("jenis", "jenis", ("kind",)),
    Column("induk", "induk", ("parent", "kode_induk")),
)
PERSON_COLUMNS = (
    Column("nama", "nama", ("name",), required=True),
    Column("nip", "nip"),
    Column("pangkat", "pangkat", ("golongan", "pangkat_golongan", "rank")),
    Column("telegram_id", "telegram_id", ("telegram", "telegram_user_id")),
    Column("aktif", "aktif", ("active",)),
)
ROLE_COLUMNS = (
    Column("pegawai", "pegawai", ("person", "nip", "nama"), required=True),
    Column("peran", "peran", ("role", "role_key"), required=True),
    Column("unit", "unit", ("kode_unit", "unit_code"), required=True),
    Column("jabatan", "jabatan", ("title", "nama_jabatan")),
    Column("status", "status", ("acting",)),
    Column("mulai", "mulai", ("valid_from", "berlaku_mulai")),
    Column("sampai", "sampai", ("valid_to", "berlaku_sampai")),
)
UNIT_KINDS = Choices(
    {
        UnitKind.BADAN: ("badan", "dinas", "kantor"),
        UnitKind.SEKRETARIAT: ("sekretariat",),
        UnitKind.BIDANG: ("bidang",),
        UnitKind.SUB_BAGIAN: ("sub_bagian", "subbag", "subbagian", "sub bagian"),
        UnitKind.SUB_BIDANG: ("sub_bidang", "subbid", "subbidang", "sub bidang"),
        UnitKind.SEKSI: ("seksi",),
        UnitKind.LAINNYA: ("lainnya", "other"),
    }
)
ACTING = Choices(
    {
        Acting.DEFINITIVE: ("definitif", "definitive", "tetap"),
        Acting.PLT: ("plt", "pelaksana tugas"),
        Acting.PLH: ("plh", "pelaksana harian"),
    }
)
_SECTIONS = {
    "organisasi": ("organisasi", "organisation", "organization"),
    "unit": ("unit", "units"),
    "pegawai": ("pegawai", "people", "persons"),
    "peran": ("peran", "roles", "jabatan"),
}


@dataclass(frozen=True)
class UnitSpec:
    location: Location
    code: str
    name: str
    kind: str
    parent_code: str | None


@dataclass(frozen=True)
class PersonSpec:
    location: Location
    name: str
    nip: str | None
    telegram_user_id: int | None
    active: bool
    rank: str | None = None
    """Pangkat/golongan, as printed under the name."""


@dataclass(frozen=True)
class RoleSpec:
    location: Location
    person_ref: str
    role_key: str
    unit_code: str
    acting: str
    valid_from: date | None
    valid_to: date | None
    title: str | None = None
    """The post's full title (``jabatan``), printed in signature blocks."""


@dataclass
class OrgFile:
    org: OrgSpec | None = None
    units: list[UnitSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    roles: list[RoleSpec] = field(default_factory=list)


def read_org_file(path: Path, problems: Problems) -> OrgFile:
    """Read ``path`` (``.yaml``/``.yml``/``.xlsx``); problems go into ``problems``."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return attach_logo(_read_yaml(path, problems), path.parent, problems)
    if suffix == ".xlsx":
        return _read_xlsx(path, problems)
    problems.add(Location(), None, f"jenis berkas {suffix or '(tanpa akhiran)'} tidak didukung")
    return OrgFile()


def _read_yaml(path: Path, problems: Problems) -> OrgFile:
    from bot.definitions.yaml_source import parse_yaml

    parsed, source_problems = parse_yaml(path.read_text(encoding="utf-8"))
    for p in source_problems:
        problems.add(Location(), None, f"baris {p.line}, kolom {p.col}: {p.message}")
    if parsed is None:
        return OrgFile()
    sections: dict[str, Any] = {}
    for key, value in parsed.data.items():
        name = next((s for s, words in _SECTIONS.items() if norm_key(key) in words), None)
        if name is None:
            problems.add(
                Location(), str(key), "bagian tidak dikenal; gunakan " + ", ".join(_SECTIONS)
            )
        else:
            sections[name] = value
    org_data = sections.get("organisasi")
    org_records = []
    if org_data is not None:
        if isinstance(org_data, dict):
            org_records = yaml_records([org_data], "organisasi", ORG_COLUMNS, problems)
            org_records = [
                Record(Location("organisasi", yaml=True), r.values, r.labels, r.problems)
                for r in org_records
            ]
        else:
            problems.add(Location("organisasi", yaml=True), None, "harus berupa mapping")
    return _build(
        org_records,
        yaml_records(sections.get("unit"), "unit", UNIT_COLUMNS, problems),
        yaml_records(sections.get("pegawai"), "pegawai", PERSON_COLUMNS, problems),
        yaml_records(sections.get("peran"), "peran", ROLE_COLUMNS, problems),
        problems,
    )


def _read_xlsx(path: Path, problems: Problems) -> OrgFile:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        problems.add(Location(), None, f"berkas XLSX tidak dapat dibaca ({exc})")
        return OrgFile()
    try:
        org_records = sheet_records(workbook, ["Organisasi"], ORG_COLUMNS, problems, required=False)
        if len(org_records) > 1:
            problems.add(org_records[1].location, None, "sheet Organisasi hanya boleh satu baris")
        return _build(
            org_records[:1],
            sheet_records(workbook, ["Unit"], UNIT_COLUMNS, problems),
            sheet_records(workbook, ["Pegawai"], PERSON_COLUMNS, problems),
            sheet_records(workbook, ["Peran", "Jabatan"], ROLE_COLUMNS, problems, required=False),
            problems,
        )
    finally:
        workbook.close()


def _build(
    org_records: list[Record],
    unit_records: list[Record],
    person_records: list[Record],
    role_records: list[Record],
    problems: Problems,
) -> OrgFile:
    result = OrgFile()
    if org_records:
        result.org = read_org_header(org_records[0])
    for r in unit_records:
        code, name = r.text("kode", required=True), r.text("nama", required=True)
        kind = r.choice("jenis", UNIT_KINDS, default=UnitKind.LAINNYA.value)
        if code and name and kind:
            result.units.append(UnitSpec(r.location, code, name, kind, r.text("induk")))
    for r in person_records:
        raw_nip = r.values.get("nip")
        if isinstance(raw_nip, int | float) and len(str(int(raw_nip))) > 15:
            r.fail("nip", "ketik NIP sebagai teks: Excel membulatkan angka lebih dari 15 digit")
            continue
        name, nip = r.text("nama", required=True), r.text("nip")
        telegram = r.integer("telegram_id")
        if nip is not None and not re.fullmatch(r"[0-9 ]{8,30}", nip):
            r.fail("nip", f"'{nip}' bukan NIP (hanya angka)")
            continue
        if name:
            nip = nip.replace(" ", "") if nip else None
            result.people.append(
                PersonSpec(
                    r.location,
                    name,
                    nip,
                    telegram,
                    r.boolean("aktif", default=True),
                    r.text("pangkat"),
                )
            )
    for r in role_records:
        person, key, unit = (r.text(c, required=True) for c in ("pegawai", "peran", "unit"))
        acting = r.choice("status", ACTING, default=Acting.DEFINITIVE.value)
        start, end = r.date("mulai"), r.date("sampai")
        if key is not None and not ROLE_KEY.match(key):
            r.fail("peran", f"'{key}' bukan kunci peran (huruf kecil, angka, _), mis. kabid")
            continue
        if start and end and end < start:
            r.fail("sampai", "tanggal selesai sebelum tanggal mulai")
            continue
        if person and key and unit and acting:
            result.roles.append(
                RoleSpec(r.location, person, key, unit, acting, start, end, r.text("jabatan"))
            )
    return result


LOGO_MAX_BYTES = 512 * 1024


def attach_logo(data: OrgFile, base: Path, problems: Problems) -> OrgFile:
    """Read the kop's ``logo`` file (relative to ``base``) into the letterhead (base64)."""
    org = data.org
    letterhead = org.values.get("letterhead") if org else None
    if org is None or not letterhead or not letterhead.get("logo"):
        return data
    import base64

    where = Location("organisasi", yaml=True)
    file = base / str(letterhead["logo"])
    try:
        image = file.read_bytes()
    except OSError as exc:
        problems.add(where, "kop", f"logo {letterhead['logo']} tidak dapat dibaca ({exc.strerror})")
        return data
    if not (image.startswith(b"\x89PNG") or image.startswith(b"\xff\xd8")):
        problems.add(where, "kop", f"logo {letterhead['logo']} bukan berkas PNG atau JPEG")
    elif len(image) > LOGO_MAX_BYTES:
        problems.add(where, "kop", f"logo {letterhead['logo']} lebih dari 512 KB")
    else:
        letterhead["logo"] = base64.b64encode(image).decode("ascii")
    return data
