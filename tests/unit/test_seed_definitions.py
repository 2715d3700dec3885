"""The five seed definitions in ``sop_definitions/`` against their source documents.

Each YAML file must load, and say what its seed document says: the same steps
with the same words (uraian, kelengkapan, waktu, output, keterangan read from
the seed's flow table), the column headers as role names, the nomor, the time
standards parsed to the right working durations. What the documents do not say
(the interpretation decided for the engine) is pinned down here as well, so a
change to it is a deliberate one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.domain.calendar import WorkingCalendar
from bot.domain.durations import WorkDuration
from bot.domain.periods import Period, PeriodKind, ReportType
from bot.domain.sop import END, Scope, SopDefinition, StepKind

REPO = Path(__file__).parents[2]
DEFINITIONS = REPO / "sop_definitions"
SEEDS = REPO.parent / "shared" / "seeds"

M = WorkDuration  # M(minutes=15), M(days=2): short enough for the tables below
SEMESTER_AND_YEAR = frozenset({ReportType.SEMESTER, ReportType.TAHUNAN})
YEAR = frozenset({ReportType.TAHUNAN})
ALL = frozenset(ReportType)


@dataclass(frozen=True)
class Seed:
    yaml_name: str
    seed_prefix: str
    waktu: tuple[WorkDuration | None, ...]
    """Parsed Waktu per step; None for a conditional value (tested on its own)."""
    pelaksana: tuple[str, ...]
    report_types: dict[int, frozenset[ReportType]] = field(default_factory=dict)
    """Steps limited to some reports; every other step runs for all of them."""

    @property
    def path(self) -> Path:
        return DEFINITIONS / self.yaml_name


_BALANGAN_WAKTU = (
    M(minutes=15),
    M(minutes=30),
    M(minutes=2),
    M(minutes=30),
    M(minutes=30),
    M(days=2),
    M(days=120),
    M(minutes=60),
    M(minutes=15),
)
_BALANGAN_PELAKSANA = (
    "sekretaris",
    "kasubbag",
    "kepala_bidang",
    "kepala_seksi",
    "kasubbag",
    "kasubbag",
    "kepala_bidang",
    "kepala_bidang",
    "sekretaris",
)
_BALANGAN_REPORTS = {6: SEMESTER_AND_YEAR, 7: SEMESTER_AND_YEAR, 8: SEMESTER_AND_YEAR, 9: YEAR}

SEEDS_TABLE = (
    Seed(
        "000_disporapar_balangan.yaml",
        "000_",
        _BALANGAN_WAKTU,
        _BALANGAN_PELAKSANA,
        _BALANGAN_REPORTS,
    ),
    Seed(
        "001_dispersip_balangan.yaml",
        "001_",
        _BALANGAN_WAKTU,
        _BALANGAN_PELAKSANA,
        _BALANGAN_REPORTS,
    ),
    Seed(
        "002_dkp3_balangan.yaml",
        "002_",
        _BALANGAN_WAKTU,
        _BALANGAN_PELAKSANA,
        _BALANGAN_REPORTS,
    ),
    Seed(
        "003_kec_batumandi.yaml",
        "003_",
        (
            M(minutes=10),
            M(minutes=30),
            M(minutes=60),
            M(days=2),
            M(days=1),
            M(minutes=120),
            M(minutes=60),
            M(minutes=60),
        ),
        (
            "camat",
            "kasubbag_perencanaan",
            "kasubbag_perencanaan",
            "pelaksana",
            "pelaksana",
            "sekretaris",
            "camat",
            "pelaksana",
        ),
    ),
    Seed(
        "004_kesbangpol_jeneponto.yaml",
        "004_",
        (M(minutes=15), M(minutes=15), M(days=1), M(days=1), M(minutes=60), None),
        ("kabid", "kasubid", "analis", "kasubid", "kabid", "kasubag_perencanaan"),
    ),
)
IDS = [seed.yaml_name.removesuffix(".yaml") for seed in SEEDS_TABLE]
BALANGAN = [seed for seed in SEEDS_TABLE if seed.seed_prefix in ("000_", "001_", "002_")]


# --- reading the definitions and the seed documents -------------------------------------


def definition(seed: Seed) -> SopDefinition:
    return _definition(seed.yaml_name)


@cache
def _definition(yaml_name: str) -> SopDefinition:
    with (DEFINITIONS / yaml_name).open(encoding="utf-8") as handle:
        return SopDefinition.model_validate(yaml.safe_load(handle))


@dataclass(frozen=True)
class Row:
    """One row of a seed's flow table, split on tabs as the extraction wrote it."""

    no: int
    uraian: str
    markers: dict[str, str]
    """Role column header -> what stands in that cell (MULAI, [], YA, ...), if anything."""
    kelengkapan: str
    waktu: str
    output: str
    keterangan: str


@dataclass(frozen=True)
class Document:
    text: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def flat(self) -> str:
        return normalise(self.text)


def normalise(text: str) -> str:
    return " ".join(text.split())


def _cell(fields: list[str], index: int) -> str:
    value = normalise(fields[index]) if index < len(fields) else ""
    return "" if value == "-" else value


@cache
def document(prefix: str) -> Document:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    (path,) = SEEDS.glob(f"{prefix}*.txt")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    # The role header: two empty cells (No, Uraian) then the Pelaksana columns,
    # ending where "Kelengkapan" (Mutu Baku) begins.
    start = next(
        i for i, line in enumerate(lines) if line.startswith("\t\t") and "Kelengkapan" in line
    )
    header = lines[start].split("\t")
    kelengkapan = next(i for i, cell in enumerate(header) if cell.startswith("Kelengkapan"))
    columns = tuple(normalise(cell) for cell in header[2:kelengkapan])
    rows = []
    for line in lines[start + 1 :]:
        match = re.match(r"^(\d+)\.?\t", line)
        fields = line.split("\t")
        if not match or fields[1].strip().isdigit():  # the "1 2 3 ... 11" numbering row
            continue
        markers = {
            name: normalise(fields[2 + i])
            for i, name in enumerate(columns)
            if fields[2 + i].strip()
        }
        rows.append(
            Row(
                no=int(match[1]),
                uraian=normalise(fields[1]),
                markers=markers,
                kelengkapan=_cell(fields, kelengkapan),
                waktu=_cell(fields, kelengkapan + 1),
                output=_cell(fields, kelengkapan + 2),
                keterangan=_cell(fields, kelengkapan + 3),
            )
        )
    return Document(text, columns, tuple(rows))


# --- loading ----------------------------------------------------------------------------


def test_every_seed_has_its_definition_file() -> None:
    # Further SOPs may be added beside them without a row here (README: no code).
    present = {p.name for p in DEFINITIONS.glob("*.yaml")}
    assert {seed.yaml_name for seed in SEEDS_TABLE} <= present


@pytest.mark.parametrize("seed", SEEDS_TABLE, ids=IDS)
def test_loads_with_the_project_loader(seed: Seed) -> None:
    try:
        from bot.definitions import load_file
    except ImportError as exc:
        pytest.skip(f"bot.definitions loader not importable yet ({exc}); model check still runs")
    loaded, problems = load_file(seed.path)
    assert [str(p) for p in problems] == []
    assert loaded == definition(seed)


def test_ids_are_unique_and_stable() -> None:
    ids = [definition(seed).id for seed in SEEDS_TABLE]
    assert ids == [
        "disporapar-balangan-pengumpulan-data-kinerja",
        "dispersip-balangan-pengumpulan-data-kinerja",
        "dkp3-balangan-pengumpulan-data-kinerja",
        "kec-batumandi-pengumpulan-data-kinerja",
        "kesbangpol-jeneponto-pengumpulan-data-kinerja",
    ]


# --- the words of the document ----------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS_TABLE, ids=IDS)
def test_steps_match_the_flow_table(seed: Seed) -> None:
    doc, sop = document(seed.seed_prefix), definition(seed)
    assert [step.no for step in sop.steps] == [row.no for row in doc.rows]
    assert len(sop.steps) == len(seed.pelaksana) == len(seed.waktu)
    for step, row in zip(sop.steps, doc.rows, strict=True):
        written = (step.uraian, step.kelengkapan, step.waktu.teks, step.output, step.keterangan)
        read = (row.uraian, row.kelengkapan, row.waktu, row.output, row.keterangan)
        assert tuple(map(normalise, written)) == read, f"step {step.no}"
        assert normalise(step.uraian) in doc.flat


@pytest.mark.parametrize("seed", SEEDS_TABLE, ids=IDS)
def test_role_names_are_the_column_headers(seed: Seed) -> None:
    doc, sop = document(seed.seed_prefix), definition(seed)
    assert tuple(role.name for role in sop.column_roles) == doc.columns
    for role in sop.roles:
        if not role.column:  # named in the step texts instead
            assert any(role.name in step.uraian for step in sop.steps), role.key


@pytest.mark.parametrize("seed", SEEDS_TABLE, ids=IDS)
def test_identity_block_is_verbatim(seed: Seed) -> None:
    doc, sop = document(seed.seed_prefix), definition(seed)
    nomor = re.search(r"(?i)nomor sop[\s:]*([^\t\n]+)", doc.text)
    assert nomor is not None
    assert sop.identity.nomor == nomor[1].strip()
    identity = sop.identity
    texts = [
        identity.alamat,
        identity.tanggal_pembuatan,
        identity.tanggal_efektif,
        identity.disahkan_oleh,
        identity.nama,
        *identity.dasar_hukum,
        *identity.kualifikasi_pelaksana,
        *identity.keterkaitan,
        *identity.peralatan,
        *identity.peringatan,
        *identity.pencatatan,
    ]
    if sop.pengesah is not None:
        texts += [sop.pengesah.jabatan, sop.pengesah.nama, sop.pengesah.pangkat, sop.pengesah.nip]
    for text in filter(None, texts):
        assert normalise(text) in doc.flat, text
    for items in (identity.dasar_hukum, identity.kualifikasi_pelaksana, identity.peralatan):
        assert items, "every seed has these lists"
        assert not any(re.match(r"^\d+\.", item) for item in items), "numbering is dropped"


# --- durations --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS_TABLE, ids=IDS)
def test_waktu_parses_to_working_time(seed: Seed) -> None:
    for step, expected in zip(definition(seed).steps, seed.waktu, strict=True):
        if expected is not None:
            assert set(step.waktu.durations.values()) == {expected}, f"step {step.no}"


def test_hari_is_working_days() -> None:
    step = definition(SEEDS_TABLE[3]).step(4)
    assert step.waktu.teks == "2 Hari"
    assert step.waktu.resolve(ALL) == WorkDuration(days=2, minutes=0)


@pytest.mark.parametrize(
    ("period", "days"),
    [("2026-TW1", 1), ("2026-TW2", 1), ("2026-TW3", 1), ("2026-TW4", 15)],
)
def test_kesbangpol_step_6_waktu_depends_on_the_report(period: str, days: int) -> None:
    waktu = definition(SEEDS_TABLE[4]).step(6).waktu
    assert waktu.resolve(Period.parse(period).report_types()) == WorkDuration(days=days)


# --- the interpretation: roles, kinds, report types, transitions ------------------------


@pytest.mark.parametrize("seed", SEEDS_TABLE, ids=IDS)
def test_pelaksana_per_step(seed: Seed) -> None:
    sop = definition(seed)
    assert tuple(step.pelaksana for step in sop.steps) == seed.pelaksana


def test_balangan_pelaksana_follow_seed_002_markers() -> None:
    """MULAI, [] and YA stand in the column of the role doing the step."""
    doc, sop = document("002_"), definition(BALANGAN[2])
    for row in doc.rows:
        doing = [name for name, mark in row.markers.items() if mark in ("MULAI", "[]", "YA")]
        if doing:
            assert sop.role(sop.step(row.no).pelaksana).name == doing[0], f"step {row.no}"
    assert "SELESAI" in doc.rows[-1].markers.values()
    assert sop.step(9).ya == END


@pytest.mark.parametrize("seed", BALANGAN, ids=IDS[:3])
def test_balangan_semester_and_annual_steps(seed: Seed) -> None:
    sop = definition(seed)
    for step in sop.steps:
        assert step.report_types == seed.report_types.get(step.no, ALL), f"step {step.no}"
    assert [s.no for s in sop.steps if s.is_decision] == [7, 9]
    assert (sop.step(7).ya, sop.step(7).tidak) == (8, 4)
    assert (sop.step(9).ya, sop.step(9).tidak) == (END, 8)
    # A TW I run skips 6-9; TW II runs 6-8; TW IV runs all of them.
    assert not sop.step(6).report_types & Period.parse("2026-TW1").report_types()
    assert sop.step(9).report_types & Period.parse("2026-TW4").report_types()
    assert not sop.step(9).report_types & Period.parse("2026-TW2").report_types()


def test_seed_003_and_004_run_every_step_every_quarter() -> None:
    for seed in SEEDS_TABLE[3:]:
        assert all(step.report_types == ALL for step in definition(seed).steps)


@pytest.mark.parametrize("seed", SEEDS_TABLE, ids=IDS)
def test_transitions_are_complete(seed: Seed) -> None:
    sop = definition(seed)
    for step in sop.steps:
        if step.is_decision:
            assert step.ya is not None and step.tidak is not None, f"step {step.no}"
            assert step.next is None, f"step {step.no}"
        else:
            assert step.next is not None and step.ya is step.tidak is None, f"step {step.no}"
        for target in step.targets():
            assert target == END or sop.has_step(target), f"step {step.no} -> {target}"
    assert any(END in step.targets() for step in sop.steps), "no way to SELESAI"


@pytest.mark.parametrize("seed", SEEDS_TABLE, ids=IDS)
def test_roles_and_fan_out_are_consistent(seed: Seed) -> None:
    sop = definition(seed)
    for step in sop.steps:
        assert sop.has_role(step.pelaksana)
        if step.fan_out is not None:
            assert step.scope is Scope.RUN
            assert sop.has_role(step.fan_out.pelaksana)
            assert step.fan_out.kind is StepKind.INDICATOR_INPUT
            later = [s for s in sop.steps if s.no > step.no]
            assert any(s.scope is Scope.JOIN for s in later), "a fan-out needs a later join"
    for role in sop.roles:
        seen = {role.key}
        while role.superior is not None:
            assert role.superior not in seen, f"superior loop at {role.key}"
            seen.add(role.superior)
            role = sop.role(role.superior)


def test_kesbangpol_runs_per_bidang_then_joins() -> None:
    sop = definition(SEEDS_TABLE[4])
    assert [step.scope for step in sop.steps] == [Scope.UNIT] * 5 + [Scope.JOIN]
    assert (sop.step(5).ya, sop.step(5).tidak) == (6, 4)
    assert sop.step(1).keterangan == "Data Kinerja sesuai dengan indikator kinerja masing-masing"
    chain = [sop.role("analis").superior, sop.role("kasubid").superior]
    assert chain == ["kasubid", "kabid"]


# --- triggers ---------------------------------------------------------------------------


def test_only_kesbangpol_has_a_trigger() -> None:
    assert [len(definition(seed).triggers) for seed in SEEDS_TABLE] == [0, 0, 0, 0, 1]
    assert all(definition(seed).frequency == "triwulan" for seed in SEEDS_TABLE)


CALENDAR = WorkingCalendar(
    zone=ZoneInfo("Asia/Makassar"), work_start=time(7, 30), work_end=time(16, 0)
)


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_kesbangpol_trigger_fires_on_the_10th_of_every_quarter(quarter: int) -> None:
    sop = definition(SEEDS_TABLE[4])
    (trigger,) = sop.triggers
    assert trigger.teks in sop.step(1).uraian  # the words come from step 1
    rule = trigger.rule
    assert (rule.every, rule.day) == (PeriodKind.TRIWULAN, 10)
    fires = rule.fire_date(Period.quarter(2026, quarter), CALENDAR)
    assert fires == date(2026, 3 * quarter - 2, 10)
    assert rule.reported(Period.quarter(2026, quarter)) == Period.quarter(2026, quarter).previous()
