"""The corpus of real SOPs (``sop_definitions/005``-``010``) end to end (issue 14, deliverable 8).

For every definition: it loads and validates on its own, its SOP sheet renders
as ``sopbot sop render`` draws it, and a run plays to SELESAI in a small
organisation built here, with every step of the definition done at least once:
a review returns once before it approves (the TIDAK loop), a YA/TIDAK question
is answered YA (the conditional steps run), every unit with indicators enters
its figures.

A question is answered with ``Engine.answer`` (``sopbot task answer``), the
way a review is decided with ``Engine.decide``.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.definitions import load_catalog, load_file
from bot.domain.sop import SopDefinition
from bot.engine import Engine
from bot.engine.access import TaskView
from bot.imports.org_file import read_org_file
from bot.imports.org_import import import_org
from bot.imports.problems import Problems
from bot.persistence.models import Indicator
from bot.persistence.models.enums import RunState
from bot.render.sop_sheet import render_sop_html
from tests.integration.engine_helpers import ROOT, Clock, UowFactory, fill_all, person_id

DEFINITIONS = ROOT / "sop_definitions"
WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    parent: str | None = None


@dataclass(frozen=True)
class Person:
    nip: str
    name: str
    roles: tuple[tuple[str, str], ...]
    """(role key, unit code) pairs."""


@dataclass(frozen=True)
class Case:
    file: str
    sop_id: str
    period: str
    start: datetime
    zone: str
    units: tuple[Unit, ...]
    people: tuple[Person, ...]
    figures: tuple[str, ...]
    """Unit codes with indicators: the run's participants."""


def _nip(case: int, n: int) -> str:
    return f"5550{case:02d}{n:012d}"


# --- the sample organisations ---------------------------------------------------------------------

BANTEN = Case(
    file="005_dpmd_banten.yaml",
    sop_id="dpmd-banten-pengumpulan-data-kinerja",
    period="2026-TW3",
    start=datetime(2026, 10, 5, 8, 0, tzinfo=WIB),
    zone="Asia/Jakarta",
    units=(
        Unit("DINAS", "Dinas Uji PMD", "badan"),
        Unit("SEKR", "Sekretariat", "sekretariat", "DINAS"),
        Unit("SUBAG-PK", "Subbag Perencanaan dan Keuangan", "sub_bagian", "SEKR"),
        Unit("BID-PEM", "Bidang Pemerintahan Desa", "bidang", "DINAS"),
        Unit("BID-PMD", "Bidang Pemberdayaan Masyarakat", "bidang", "DINAS"),
    ),
    people=(
        Person(_nip(5, 1), "Kadis Uji", (("kepala_dinas", "DINAS"),)),
        # The Sekretaris also answers for the Sekretariat, which has no Kepala Bidang.
        Person(_nip(5, 2), "Sekretaris Uji", (("sekretaris", "SEKR"), ("kepala_bidang", "SEKR"))),
        Person(_nip(5, 3), "Kasubag PK Uji", (("kasubag_perencanaan", "SUBAG-PK"),)),
        Person(_nip(5, 4), "Kabid Pemdes Uji", (("kepala_bidang", "BID-PEM"),)),
        Person(_nip(5, 5), "Kabid PM Uji", (("kepala_bidang", "BID-PMD"),)),
    ),
    figures=("SEKR", "BID-PEM", "BID-PMD"),
)

IPDN = Case(
    file="006_ipdn_kalbar.yaml",
    sop_id="ipdn-kalbar-penyampaian-laporan-kinerja",
    period="2026-TW4",
    start=datetime(2027, 1, 11, 8, 0, tzinfo=WIB),
    zone="Asia/Pontianak",
    units=(
        Unit("KAMPUS", "Kampus Uji", "badan"),
        Unit("BAG-AU", "Bagian Administrasi Umum", "lainnya", "KAMPUS"),
        Unit("BAG-AKD", "Bagian Akademik", "lainnya", "KAMPUS"),
        Unit("BAG-KMH", "Bagian Kemahasiswaan", "lainnya", "KAMPUS"),
    ),
    people=(
        Person(_nip(6, 1), "Direktur Uji", (("direktur", "KAMPUS"),)),
        Person(_nip(6, 2), "Kabag AU Uji", (("kabag_au", "BAG-AU"), ("kepala_unit", "BAG-AU"))),
        Person(_nip(6, 3), "Perencana Uji", (("fungsional_perencana", "BAG-AU"),)),
        Person(_nip(6, 4), "Staf Uji", (("staf", "BAG-AU"),)),
        Person(_nip(6, 5), "Kabag Akademik Uji", (("kepala_unit", "BAG-AKD"),)),
        Person(_nip(6, 6), "Kabag Kemahasiswaan Uji", (("kepala_unit", "BAG-KMH"),)),
    ),
    figures=("BAG-AU", "BAG-AKD", "BAG-KMH"),
)

_PUSKESMAS_UNITS = (
    Unit("PKM", "Puskesmas Uji", "badan"),
    Unit("TU", "Tata Usaha", "lainnya", "PKM"),
    Unit("PRG-KIA", "Program KIA", "lainnya", "PKM"),
    Unit("PRG-GIZI", "Program Gizi", "lainnya", "PKM"),
)

TEGOWANU = Case(
    file="007_puskesmas_tegowanu.yaml",
    sop_id="puskesmas-tegowanu-penilaian-kinerja-program",
    # January: the run that also sets the year up (steps 1-4, months: [1]).
    period="2026-01",
    start=datetime(2026, 2, 5, 8, 0, tzinfo=WIB),
    zone="Asia/Jakarta",
    units=_PUSKESMAS_UNITS,
    people=(
        Person(_nip(7, 1), "Kapus Uji", (("kepala_puskesmas", "PKM"),)),
        Person(_nip(7, 2), "PJ KIA Uji", (("pj_program", "PRG-KIA"),)),
        Person(_nip(7, 3), "Bidan KIA Uji", (("pelaksana_program", "PRG-KIA"),)),
        Person(_nip(7, 4), "PJ Gizi Uji", (("pj_program", "PRG-GIZI"),)),
        Person(_nip(7, 5), "Nutrisionis Uji", (("pelaksana_program", "PRG-GIZI"),)),
    ),
    figures=("PRG-KIA", "PRG-GIZI"),
)

KUMANIS = Case(
    file="008_puskesmas_kumanis.yaml",
    sop_id="puskesmas-kumanis-pertemuan-penilaian-kinerja",
    period="2026-10",
    start=datetime(2026, 11, 5, 8, 0, tzinfo=WIB),
    zone="Asia/Jakarta",
    units=_PUSKESMAS_UNITS,
    people=(
        Person(_nip(8, 1), "Kapus Uji", (("kepala_puskesmas", "PKM"),)),
        Person(_nip(8, 2), "Ka TU Uji", (("kepala_tu", "TU"),)),
        Person(_nip(8, 3), "PJ KIA Uji", (("pj_program", "PRG-KIA"),)),
        Person(_nip(8, 4), "Bidan KIA Uji", (("pelaksana_kegiatan", "PRG-KIA"),)),
        Person(_nip(8, 5), "PJ Gizi Uji", (("pj_program", "PRG-GIZI"),)),
        Person(_nip(8, 6), "Nutrisionis Uji", (("pelaksana_kegiatan", "PRG-GIZI"),)),
    ),
    figures=("PRG-KIA", "PRG-GIZI"),
)

KALEKE = Case(
    file="009_puskesmas_kaleke.yaml",
    sop_id="puskesmas-kaleke-penilaian-kinerja",
    # June closes semester I: the month whose run also recaps (steps 2-5).
    period="2026-06",
    start=datetime(2026, 7, 6, 8, 0, tzinfo=WITA),
    zone="Asia/Makassar",
    units=(
        *_PUSKESMAS_UNITS,
        # The evaluator works at the Dinas Kesehatan; the sample gives that office a
        # unit inside the organisation (one root) so its person can hold the role.
        Unit("DINKES", "Dinas Kesehatan (evaluator)", "lainnya", "PKM"),
    ),
    people=(
        Person(_nip(9, 1), "Kapus Uji", (("kepala_puskesmas", "PKM"),)),
        Person(_nip(9, 2), "Petugas PKP Uji", (("petugas_pkp", "TU"),)),
        Person(_nip(9, 3), "PJ KIA Uji", (("pj_program", "PRG-KIA"),)),
        Person(_nip(9, 4), "PJ Gizi Uji", (("pj_program", "PRG-GIZI"),)),
        Person(_nip(9, 5), "Evaluator Dinkes Uji", (("dinas_kesehatan", "DINKES"),)),
    ),
    figures=("PRG-KIA", "PRG-GIZI"),
)

LAKIP = Case(
    file="010_lakip_skpd.yaml",
    sop_id="skpd-penyusunan-lakip",
    period="2026-TAHUNAN",
    start=datetime(2027, 1, 11, 8, 0, tzinfo=WITA),
    zone="Asia/Makassar",
    units=(
        Unit("SKPD", "SKPD Uji", "badan"),
        Unit("SEKR", "Sekretariat", "sekretariat", "SKPD"),
        Unit("BID-A", "Bidang A", "bidang", "SKPD"),
        Unit("BID-B", "Bidang B", "bidang", "SKPD"),
        # Outside the SKPD in reality; one root here, so the assisting person can
        # hold the role (the run's home unit is the SKPD).
        Unit("ORG", "Bagian Organisasi Setda", "lainnya", "SKPD"),
    ),
    people=(
        Person(_nip(10, 1), "Kepala SKPD Uji", (("ka_skpd", "SKPD"),)),
        Person(_nip(10, 2), "Sekretaris Uji", (("sek_skpd", "SEKR"),)),
        Person(_nip(10, 3), "Ketua Tim Uji", (("tim", "SEKR"),)),
        Person(_nip(10, 4), "Kabid A Uji", (("bidang", "BID-A"),)),
        Person(_nip(10, 5), "Kabid B Uji", (("bidang", "BID-B"),)),
        Person(_nip(10, 6), "Analis Organisasi Uji", (("bag_org", "ORG"),)),
    ),
    figures=("BID-A", "BID-B"),
)

CASES = [
    pytest.param(BANTEN, id="005-banten"),
    pytest.param(IPDN, id="006-ipdn"),
    pytest.param(TEGOWANU, id="007-tegowanu"),
    pytest.param(KUMANIS, id="008-kumanis"),
    pytest.param(KALEKE, id="009-kaleke"),
    pytest.param(LAKIP, id="010-lakip"),
]


def test_every_corpus_file_has_a_case() -> None:
    """A new corpus file (005 onwards) gets a case here, or this test says so."""
    corpus = sorted(p.name for p in DEFINITIONS.glob("*.yaml") if p.name[:3] >= "005")
    assert corpus == sorted(param.values[0].file for param in CASES)
    assert corpus == sorted(FACTS)


# --- the facts taken from each source, read from the raw YAML (no schema needed) -----------------


@dataclass(frozen=True)
class Facts:
    source: str
    """The address named in the header comment."""
    waktu: tuple[str | None, ...]
    """Each step's Waktu cell as the document writes it; None where it has none."""
    pelaksana: tuple[str | tuple[str, ...], ...]
    decisions: dict[int, str]
    """Step number -> kind, for the steps that branch (review, question)."""


FACTS = {
    "005_dpmd_banten.yaml": Facts(
        source="https://id.scribd.com/document/595369289/SOP-Pengumpulan-Data-Kinerja-DPMD",
        waktu=("5", "5", "10", "480", "480", "480"),
        pelaksana=(
            "kepala_dinas",
            "sekretaris",
            "kasubag_perencanaan",
            "kasubag_perencanaan",
            "sekretaris",
            "kepala_dinas",
        ),
        decisions={},
    ),
    "006_ipdn_kalbar.yaml": Facts(
        source="https://kalbar.ipdn.ac.id/sop-penyampaian-laporan-kinerja/",
        waktu=(None,) * 6,
        pelaksana=(
            "direktur",
            "direktur",
            "fungsional_perencana",
            ("fungsional_perencana", "staf"),
            "kabag_au",
            "direktur",
        ),
        decisions={5: "review", 6: "review"},
    ),
    "007_puskesmas_tegowanu.yaml": Facts(
        source="https://pt.scribd.com/document/377120370/2-3-6-d-SPO-Penilaian-Kinerja",
        waktu=(None,) * 10,
        pelaksana=(
            *("kepala_puskesmas",) * 4,
            "pelaksana_program",
            "pj_program",
            "kepala_puskesmas",
            "kepala_puskesmas",
            "pelaksana_program",
            "kepala_puskesmas",
        ),
        decisions={7: "question"},
    ),
    "008_puskesmas_kumanis.yaml": Facts(
        source="https://id.scribd.com/document/703107422/Sop-Pertemuan-Penilain-Kineerja-Program",
        waktu=(None,) * 7,
        pelaksana=(
            ("pj_program", "pelaksana_kegiatan"),
            "kepala_puskesmas",
            "pj_program",
            "pj_program",
            ("kepala_puskesmas", "pj_program", "pelaksana_kegiatan"),
            "kepala_puskesmas",
            "kepala_tu",
        ),
        decisions={},
    ),
    "009_puskesmas_kaleke.yaml": Facts(
        source="https://id.scribd.com/document/689045301/SOP-2-3-7-2-sop-penilaian-kinerja",
        waktu=(None,) * 5,
        pelaksana=("pj_program", "petugas_pkp", "dinas_kesehatan", "petugas_pkp", "petugas_pkp"),
        decisions={},
    ),
    "010_lakip_skpd.yaml": Facts(
        source="https://vdocuments.pub/05-sop-lakip-2.html",
        waktu=("1 hari", "1 hari", "10 hari", "6 hari", "2 hari", "1 hari", "1 hari", "3 hari"),
        pelaksana=("sek_skpd", "tim", "bidang", "tim", "tim", "bag_org", "tim", "tim"),
        decisions={},
    ),
}


@pytest.mark.parametrize("name", sorted(FACTS))
def test_the_file_keeps_its_sources_facts(name: str) -> None:
    """Order, Pelaksana, Waktu cells and branching steps as read from the source.

    Read from the raw YAML, so this holds on every branch, whatever the schema
    accepts yet.
    """
    facts = FACTS[name]
    text = (DEFINITIONS / name).read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any(facts.source in line for line in header), "source address in the header"
    raw = yaml.safe_load(text)
    steps = raw["steps"]
    assert [step["no"] for step in steps] == list(range(1, len(facts.waktu) + 1))
    assert tuple(step.get("waktu") for step in steps) == facts.waktu
    assert (
        tuple(tuple(p) if isinstance(p := step["pelaksana"], list) else p for step in steps)
        == facts.pelaksana
    )
    branching = {s["no"]: s["kind"] for s in steps if s.get("kind") in ("review", "question")}
    assert branching == facts.decisions


# --- validate and render ------------------------------------------------------------------------


def _definition(case: Case) -> SopDefinition:
    defn, problems = load_file(DEFINITIONS / case.file)
    assert problems == [], "\n".join(map(str, problems))
    assert defn is not None and defn.id == case.sop_id
    return defn


@pytest.mark.parametrize("case", CASES)
def test_validates_and_renders_its_sheet(case: Case) -> None:
    defn = _definition(case)
    sheet = html.unescape(render_sop_html(defn))
    assert defn.name in sheet
    for step in defn.steps:
        assert step.uraian in sheet, step.no


# --- a run to SELESAI ---------------------------------------------------------------------------


def _org_file(case: Case, slug: str, tmp_path: Path) -> Path:
    admin = case.people[0].nip
    data = {
        "organisasi": {
            "slug": slug,
            "nama": f"Organisasi Uji {case.sop_id} (DATA UJI)",
            "contoh": True,
            "zona_waktu": case.zone,
            "admin": [admin],
        },
        "unit": [
            {"kode": u.code, "nama": u.name, "jenis": u.kind}
            | ({"induk": u.parent} if u.parent else {})
            for u in case.units
        ],
        "pegawai": [{"nama": p.name, "nip": p.nip} for p in case.people],
        "peran": [
            {"pegawai": p.nip, "peran": role, "unit": unit}
            for p in case.people
            for role, unit in p.roles
        ],
    }
    path = tmp_path / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _build_org(case: Case, uow_factory: UowFactory, tmp_path: Path) -> str:
    slug = f"uji-{case.file[:3]}"
    problems = Problems()
    data = read_org_file(_org_file(case, slug, tmp_path), problems)
    problems.raise_if_any()
    year = int(case.period[:4])
    with uow_factory() as uow:
        result = import_org(uow, data, None)
        uow.commit()
    with uow_factory() as uow:
        org = uow.orgs.organisation(result.slug)
        assert org is not None
        for code in case.figures:
            unit = uow.orgs.unit(org.id, code)
            assert unit is not None
            for i in (1, 2):
                indicator = Indicator(
                    organisation_id=org.id,
                    unit_id=unit.id,
                    code=f"{code}-{i:02d}",
                    name=f"Indikator {i} {unit.name}",
                    satuan="%",
                )
                uow.indicators.add(indicator)
                for period in dict.fromkeys((case.period, f"{year}-TAHUNAN")):
                    uow.indicators.set_target(indicator, year, period, Decimal(100))
        uow.commit()
    return result.slug


@dataclass(frozen=True)
class Done:
    step_no: int
    unit_name: str
    kind: str
    outcome: str


def play(
    engine: Engine, uow_factory: UowFactory, run_id: int, people: list[int], clock: Clock
) -> list[Done]:
    """Do the run's open work, oldest task first, until the run is no longer open.

    Inputs: every indicator filled with 90 (capaian 90 %), then submitted.
    Reviews: each review step returns once (TIDAK, with a reason), then approves.
    Questions: answered YA, so the steps that depend on them run.
    Everything else: marked done.
    """
    done: list[Done] = []
    returned: set[int] = set()

    def input_(view: TaskView, person: int) -> str:
        filled = fill_all(engine, view.task_id, person, clock.advance(minutes=30))
        assert filled > 0, view
        engine.complete_task(view.task_id, person, now=clock.advance(minutes=5))
        return f"{filled} angka"

    def review(view: TaskView, person: int) -> str:
        if view.step_no not in returned:
            returned.add(view.step_no)
            engine.decide(
                view.task_id,
                person,
                approve=False,
                reason="Mohon diperbaiki (uji)",
                now=clock.advance(minutes=20),
            )
            return "TIDAK"
        engine.decide(view.task_id, person, approve=True, now=clock.advance(minutes=20))
        return "YA"

    def question(view: TaskView, person: int) -> str:
        engine.answer(view.task_id, person, yes=True, now=clock.advance(minutes=10))
        return "YA"

    def task(view: TaskView, person: int) -> str:
        engine.complete_task(view.task_id, person, now=clock.advance(minutes=30))
        return "selesai"

    act: dict[str, Callable[[TaskView, int], str]] = {
        "indicator_input": input_,
        "review": review,
        "question": question,
    }
    for _ in range(200):
        with uow_factory() as uow:
            run = uow.runs.run(run_id)
            assert run is not None
            if run.state is not RunState.OPEN:
                return done
        open_work = sorted(
            ((view.task_id, person), view)
            for person in people
            for view in engine.open_tasks(person, now=clock.now)
            if view.run_id == run_id
        )
        assert open_work, f"run {run_id} is open but nobody has work: {done}"
        (_, person), view = open_work[0]
        kind = str(view.kind.value)
        outcome = act.get(kind, task)(view, person)
        done.append(Done(view.step_no, view.unit_name, kind, outcome))
    raise AssertionError(f"run {run_id} did not finish in 200 actions: {done}")


@pytest.mark.parametrize("case", CASES)
def test_plays_to_selesai(case: Case, uow_factory: UowFactory, tmp_path: Path) -> None:
    defn = _definition(case)
    slug = _build_org(case, uow_factory, tmp_path)
    engine = Engine(uow_factory, load_catalog([DEFINITIONS / case.file]))
    clock = Clock(case.start)
    run_id = engine.start_run(case.sop_id, slug, case.period, now=clock.now)
    people = [person_id(uow_factory, slug, p.nip) for p in case.people]

    done = play(engine, uow_factory, run_id, people, clock)

    with uow_factory() as uow:
        run = uow.runs.run(run_id)
        assert run is not None and run.state is RunState.COMPLETED
        org = uow.orgs.organisation(slug)
        assert org is not None
        names = {uow.orgs.unit(org.id, code).name for code in case.figures}  # type: ignore[union-attr]
    # Every step of the document was worked at least once (the YA path of a
    # question, the TIDAK loop of a review) ...
    assert {d.step_no for d in done} == {step.no for step in defn.steps}, done
    # ... and every participating unit entered its own figures.
    assert {d.unit_name for d in done if d.kind == "indicator_input"} == names, done
    # Each review returned once, then approved.
    for step in (s for s in defn.steps if s.kind.value == "review"):
        outcomes = [d.outcome for d in done if d.step_no == step.no]
        assert outcomes[0] == "TIDAK" and outcomes[-1] == "YA", (step.no, outcomes)


# --- steps that run only in some periods (issue 14, deliverable 8) ------------------------------


def _play_case(
    case: Case, period: str, start: datetime, uow_factory: UowFactory, tmp_path: Path
) -> tuple[int, list[Done]]:
    slug = _build_org(dataclasses.replace(case, period=period), uow_factory, tmp_path)
    engine = Engine(uow_factory, load_catalog([DEFINITIONS / case.file]))
    clock = Clock(start)
    run_id = engine.start_run(case.sop_id, slug, period, now=clock.now)
    people = [person_id(uow_factory, slug, p.nip) for p in case.people]
    done = play(engine, uow_factory, run_id, people, clock)
    with uow_factory() as uow:
        run = uow.runs.run(run_id)
        assert run is not None and run.state is RunState.COMPLETED
    return run_id, done


def _skipped(uow_factory: UowFactory, run_id: int) -> list[int]:
    with uow_factory() as uow:
        rows = uow.audit.events_for("run", run_id)
        return [
            no for row in rows if row.action == "steps_skipped" for no in (row.after or {})["steps"]
        ]


def test_a_january_only_step_is_skipped_in_the_other_months(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    """007's set-up steps 1-4 (``months: [1]``): October's run begins at step 5."""
    run_id, done = _play_case(
        TEGOWANU, "2026-10", datetime(2026, 11, 5, 8, 0, tzinfo=WIB), uow_factory, tmp_path
    )
    assert done[0].step_no == 5, done
    assert {d.step_no for d in done} == set(range(5, 11)), done
    assert _skipped(uow_factory, run_id) == [1, 2, 3, 4]


def test_a_monthly_run_recaps_only_in_the_month_that_closes_a_semester(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    """009: each month the programmes report (step 1); only June and December recap and
    evaluate (steps 2-5, ``report_types: [semester]``). May's run ends after step 1, with
    the figures final once submitted (no step receives them that month)."""
    run_id, done = _play_case(
        KALEKE, "2026-05", datetime(2026, 6, 5, 8, 0, tzinfo=WITA), uow_factory, tmp_path
    )
    assert {d.step_no for d in done} == {1}, done
    assert set(_skipped(uow_factory, run_id)) == {2, 3, 4, 5}
    with uow_factory() as uow:
        org_id = uow.runs.run(run_id).organisation_id  # type: ignore[union-attr]
        ids = [i.id for i in uow.indicators.indicators(org_id)]
        states = {m.state.value for m in uow.work.current_measurements(ids, "2026-05")}
    assert states == {"approved"}, states


# --- a fan-out gathered later than the next step (fan_out: {join: N}) ---------------------------


@pytest.mark.parametrize("units_first", [True, False], ids=["units-first", "run-steps-first"])
def test_a_fan_out_gathered_later_waits_at_its_join_for_the_units_and_the_runs_steps(
    units_first: bool, uow_factory: UowFactory, tmp_path: Path
) -> None:
    """006: the circular of step 1 goes to the units (fan_out: {join: 3}); the Direktur's
    step 2 runs meanwhile; step 3 opens only when both the units and step 2 are done."""
    slug = _build_org(IPDN, uow_factory, tmp_path)
    engine = Engine(uow_factory, load_catalog([DEFINITIONS / IPDN.file]))
    clock = Clock(IPDN.start)
    run_id = engine.start_run(IPDN.sop_id, slug, IPDN.period, now=clock.now)
    people = [person_id(uow_factory, slug, p.nip) for p in IPDN.people]

    def work() -> list[tuple[int, TaskView]]:
        return sorted(
            (
                (person, view)
                for person in people
                for view in engine.open_tasks(person, now=clock.now)
                if view.run_id == run_id
            ),
            key=lambda pv: pv[1].task_id,
        )

    [(direktur, first)] = work()
    assert first.step_no == 1
    engine.complete_task(first.task_id, direktur, now=clock.advance(minutes=10))
    open_now = work()
    answers = [(p, v) for p, v in open_now if v.kind.value == "indicator_input"]
    run_steps = [(p, v) for p, v in open_now if v.kind.value != "indicator_input"]
    assert {v.unit_name for _, v in answers} == {
        "Bagian Administrasi Umum",
        "Bagian Akademik",
        "Bagian Kemahasiswaan",
    }
    assert [v.step_no for _, v in run_steps] == [2], "step 2 runs while the units answer"

    def answer_all() -> None:
        for i, (person, view) in enumerate(answers):
            fill_all(engine, view.task_id, person, clock.advance(minutes=5))
            engine.complete_task(view.task_id, person, now=clock.advance(minutes=5))
            if i < len(answers) - 1:
                assert 3 not in {v.step_no for _, v in work()}

    def step_2() -> None:
        [(person, view)] = run_steps
        engine.complete_task(view.task_id, person, now=clock.advance(minutes=10))

    for part in (answer_all, step_2) if units_first else (step_2, answer_all):
        assert 3 not in {v.step_no for _, v in work()}, "the join waits"
        part()
    [(person, join)] = work()
    assert join.step_no == 3 and person == people[2]  # the Fungsional Perencana gathers


# --- the README's examples come from the files they name -----------------------------------------


def _content(line: str) -> str:
    """A YAML line without its comment, indentation and list dash."""
    text = re.sub(r"(^|\s)#.*$", "", line).strip()
    return text.removeprefix("- ").strip()


def _readme_examples() -> list[tuple[str, list[str]]]:
    text = (DEFINITIONS / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S):
        lines = block.splitlines()
        named = re.match(r"\s*# (\d{3}_\w+\.yaml)", lines[0]) if lines else None
        if named:
            found.append((named[1], [c for line in lines[1:] if (c := _content(line))]))
    return found


def test_the_readmes_examples_are_taken_from_the_files_they_name() -> None:
    examples = _readme_examples()
    assert len(examples) >= 15, examples
    named = {name for name, _ in examples}
    assert {"005_dpmd_banten.yaml", "006_ipdn_kalbar.yaml", "007_puskesmas_tegowanu.yaml"} <= named
    for name, lines in examples:
        source = {_content(line) for line in (DEFINITIONS / name).read_text("utf-8").splitlines()}
        missing = [line for line in lines if line not in source]
        assert not missing, (name, missing)
