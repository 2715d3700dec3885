"""Reports: 40 units x 50 indicators (2,000 rows) to XLSX and PDF: seconds and peak memory.

The data is real: a migrated SQLite database with one organisation of 40
bidang, each with a Kabid, Kasubid and Analis and 50 indicators with 2026
targets. TW I and TW II figures are inserted as approved; the TW III figures
go in as the analysts' drafts and the run of the Kesbangpol SOP is driven
through the real Engine (every bidang's steps 1-5 with the Kabid's YA, then the
Kasubag Perencanaan's step 6), so the report has a completed run, approvals and
signatures to read, exactly as the bot's ``/laporan`` and the delivery at the
end of a run produce it.

The PDF is made by two engines on the same report (issue 17): ReportLab's
platypus, which sopbot ships (:mod:`bot.render.pdf`, drawn from the report's
HTML), and Typst (the ``typst`` wheel, :mod:`bench.typst_engine`, the same
content written as Typst markup); the faster and leaner one is the one to keep.

Each format is measured in a fresh process (``multiprocessing`` spawn): it
reads the report from the database with :func:`bot.reports.files.produce`
("collect"), imports the report libraries (timed apart: a worker process pays it
once), renders it once with :func:`render_report` (the figure: fonts and
templates loaded on first use) and once more (the warm time, in the note;
skipped when the first took over 10 s). Peak memory is that process's
``VmHWM`` (resident set high water mark: interpreter, imports and
the collected report included) read right after the first render; the RSS
before rendering is in the note. Building the database is not measured (its
time is printed).
"""

from __future__ import annotations

import importlib
import multiprocessing
import re
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.common import Figure, status_mb

SOP_ID = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
SLUG = "bench-laporan"
PERIOD = "2026-TW3"
YEAR = 2026
FULL = (40, 50)
QUICK = (3, 4)
PDF_TARGET_SECONDS = 2.0
XLSX_TARGET_SECONDS = 1.0
RSS_TARGET_MB = 200.0
WARM_LIMIT_SECONDS = 10.0
STARTED = datetime(2026, 10, 12, 0, 0, tzinfo=UTC)  # 08:00 WITA, the SOP's trigger

_SATUAN = ("dokumen", "%", "orang", "kegiatan", "indeks")
_SASARAN = (
    "Meningkatnya wawasan kebangsaan dan karakter bangsa masyarakat",
    "Meningkatnya partisipasi politik dan kapasitas organisasi kemasyarakatan",
    "Terkendalinya potensi konflik sosial di masyarakat",
)


@dataclass(frozen=True)
class Built:
    url: str
    units: int
    per_unit: int
    seconds: float


def run(quick: bool = False) -> list[Figure]:
    units, per_unit = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="sopbot-bench-reports-") as workdir:
        built = build_database(Path(workdir), units, per_unit)
        print(
            f"  data: {units} units x {per_unit} indicators, run driven through the Engine, "
            f"built in {built.seconds:.1f} s (not measured)",
            flush=True,
        )
        xlsx = in_fresh_process(measure_render, built.url, "xlsx")
        pdf = in_fresh_process(measure_render, built.url, "pdf")
        typst = _typst(built.url)
    rows = units * per_unit
    if xlsx["rows"] != rows or pdf["rows"] != rows:
        raise RuntimeError(f"report has {xlsx['rows']}/{pdf['rows']} rows, expected {rows}")
    label = f"{units}x{per_unit}={rows:,} rows"
    return [
        Figure(
            f"Report collect from DB ({label})",
            xlsx["collect_s"],
            "s",
            note=f"produce(): SQLite; second process: {pdf['collect_s']:.2f} s",
        ),
        Figure(
            "Report libraries import (once per worker process)",
            pdf["import_s"],
            "s",
            note="ReportLab, matplotlib, openpyxl; the bot process never loads them",
        ),
        Figure(
            f"Report XLSX render ({label})",
            xlsx["render_s"],
            "s",
            XLSX_TARGET_SECONDS,
            note=f"cold process; CPU {xlsx['cpu_s']:.2f} s; {_warm(xlsx)}; "
            f"{xlsx['bytes'] / 1024:.0f} KiB",
        ),
        Figure(
            f"Report PDF render, ReportLab ({label})",
            pdf["render_s"],
            "s",
            PDF_TARGET_SECONDS,
            note=f"shipped engine; cold process; CPU {pdf['cpu_s']:.2f} s; "
            f"chart alone {pdf['chart_s']:.2f} s; "
            f"{_warm(pdf)}; {pdf['pages']} pages, {pdf['bytes'] / 1024:.0f} KiB",
        ),
        Figure(
            "Report PDF process peak RSS, ReportLab",
            pdf["peak_mb"],
            "MB",
            RSS_TARGET_MB,
            note=f"VmHWM; {pdf['before_mb']:.0f} MB before rendering",
        ),
        *_typst_figures(typst, label),
        Figure(
            "Report XLSX process peak RSS",
            xlsx["peak_mb"],
            "MB",
            RSS_TARGET_MB,
            note=f"VmHWM; {xlsx['before_mb']:.0f} MB before rendering",
        ),
    ]


def _typst(url: str) -> dict[str, Any] | None:
    """The Typst measurement, or ``None`` where the wheel is not installed."""
    try:
        import typst  # noqa: F401
    except ImportError:
        print("  typst is not installed (pip install -e '.[dev]'): engine B skipped", flush=True)
        return None
    return in_fresh_process(measure_render, url, "pdf-typst")


def _typst_figures(typst: dict[str, Any] | None, label: str) -> list[Figure]:
    if typst is None:
        return []
    return [
        Figure(
            f"Report PDF render, Typst ({label})",
            typst["render_s"],
            "s",
            PDF_TARGET_SECONDS,
            note=f"candidate, not shipped; cold process; CPU {typst['cpu_s']:.2f} s "
            f"(threads); {_warm(typst)}; "
            f"{typst['pages']} pages, {typst['bytes'] / 1024:.0f} KiB",
        ),
        Figure(
            "Report PDF process peak RSS, Typst",
            typst["peak_mb"],
            "MB",
            RSS_TARGET_MB,
            note=f"VmHWM; {typst['before_mb']:.0f} MB before rendering",
        ),
    ]


def _warm(result: dict[str, Any]) -> str:
    warm = result["warm_s"]
    return f"warm {warm:.2f} s" if warm is not None else "warm not repeated"


def in_fresh_process(
    function: Callable[..., dict[str, Any]], *args: Any, timeout: float = 900.0
) -> dict[str, Any]:
    """``function(*args)`` in a new interpreter (spawn), so its memory is its own.

    A child that dies (killed, out of memory) or hangs raises instead of leaving
    the caller waiting forever.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        deadline = time.monotonic() + timeout
        while not receiver.poll(1.0):
            if not child.is_alive():
                raise RuntimeError(f"benchmark process died (exit code {child.exitcode})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"benchmark process still running after {timeout:.0f} s")
        ok, value = receiver.recv()
    finally:
        if child.is_alive():
            child.terminate()
        child.join(10)
        receiver.close()
    if not ok:
        raise RuntimeError(f"benchmark process failed:\n{value}")
    return value  # type: ignore[no-any-return]


def _child(sender: Any, function: Callable[..., dict[str, Any]], args: tuple[Any, ...]) -> None:
    try:
        sender.send((True, function(*args)))
    except BaseException:
        import traceback

        sender.send((False, traceback.format_exc()))
    finally:
        sender.close()


def cpu_seconds() -> float:
    """CPU time this process has used (user + system, all its threads): on a busy
    machine it says what the work costs when the wall clock also counts waiting."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's resident high water mark in MB.

    ``VmHWM`` (Linux), not ``ru_maxrss``: Linux keeps ``ru_maxrss`` across the
    fork and exec of a spawned child, so a child of a large bench process would
    report its parent's peak (203 MB "before rendering" after the throughput run).
    """
    try:
        return status_mb()["VmHWM"]
    except (OSError, KeyError):  # pragma: no cover - not Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import_renderers(fmt: str) -> None:
    """Load what rendering ``fmt`` needs, as a worker's first job does."""
    # matplotlib, ReportLab and openpyxl come with these modules.
    names = ["bot.reports.chart", "bot.reports.html", "bot.reports.xlsx"]
    if fmt == "pdf-typst":
        names.append("bench.typst_engine")
    for name in names:
        importlib.import_module(name)


def pdf_pages(data: bytes) -> int:
    try:
        from io import BytesIO

        from pypdf import PdfReader

        return len(PdfReader(BytesIO(data)).pages)
    except ImportError:  # pragma: no cover - pypdf is a dependency (sopbot verify)
        return len(re.findall(rb"/Type\s*/Page[^s]", data))


def measure_render(url: str, fmt: str) -> dict[str, Any]:
    """In the fresh process: collect the report, render it (cold, then warm), measure."""
    from bot.definitions import load_catalog
    from bot.domain.periods import Period
    from bot.persistence.db import make_engine
    from bot.persistence.uow import make_uow_factory
    from bot.reports.files import produce, render_report
    from bot.settings import get_settings

    db = make_engine(url)
    uow_factory = make_uow_factory(db)
    catalog = load_catalog([get_settings().definitions_dir])
    with uow_factory() as uow:
        org = uow.orgs.organisation(SLUG)
        assert org is not None
        org_id = org.id
    started = time.perf_counter()
    report = produce(
        uow_factory,
        catalog,
        organisation_id=org_id,
        sop_id=SOP_ID,
        period=Period.parse(PERIOD),
        unit_code=None,
        now=STARTED + timedelta(days=3),
    )
    collect_s = time.perf_counter() - started
    # The worker process imports the report libraries on its first job and keeps them
    # (bot.reports.files imports them lazily, so the bot itself never loads them):
    # timed apart from the render, as a cost paid once per worker.
    started = time.perf_counter()
    _import_renderers(fmt)
    import_s = time.perf_counter() - started
    before_mb = peak_rss_mb()

    def render() -> bytes:
        if fmt == "pdf-typst":
            from bench.typst_engine import render_typst_pdf

            return render_typst_pdf(report)
        return render_report(report, fmt).data  # type: ignore[arg-type]

    started, cpu_started = time.perf_counter(), cpu_seconds()
    produced = render()
    render_s = time.perf_counter() - started
    cpu_s = cpu_seconds() - cpu_started
    peak_mb = peak_rss_mb()
    warm_s = None
    if render_s < WARM_LIMIT_SECONDS:  # a slow render is not repeated: the run must stay short
        started = time.perf_counter()
        render()
        warm_s = time.perf_counter() - started
    chart_s = None
    if fmt == "pdf":  # how much of the PDF's time is the capaian chart
        from bot.reports.chart import report_chart

        started = time.perf_counter()
        report_chart(report)
        chart_s = time.perf_counter() - started
    db.dispose()
    return {
        "collect_s": collect_s,
        "import_s": import_s,
        "render_s": render_s,
        "cpu_s": cpu_s,
        "warm_s": warm_s,
        "chart_s": chart_s,
        "before_mb": before_mb,
        "peak_mb": peak_mb,
        "bytes": len(produced),
        "pages": pdf_pages(produced) if fmt.startswith("pdf") else 0,
        "rows": sum(len(section.rows) for section in report.units),
        "final": report.final,
    }


# --- the database ---------------------------------------------------------------------


def build_database(workdir: Path, units: int, per_unit: int) -> Built:
    """A migrated SQLite file with the organisation, its figures and a completed TW III run."""
    from sqlalchemy import insert

    from bot.persistence.db import make_engine
    from bot.persistence.migrate import upgrade
    from bot.persistence.models import (
        Indicator,
        Measurement,
        Organisation,
        Person,
        RoleAssignment,
        Target,
        Unit,
        organisation_admins,
    )

    started = time.perf_counter()
    url = f"sqlite:///{workdir / 'reports.sqlite3'}"
    upgrade(url)
    rows = _rows(units, per_unit)
    db = make_engine(url)
    with db.begin() as conn:
        conn.execute(insert(Organisation), [rows["organisation"]])
        conn.execute(insert(Unit), rows["units"])
        conn.execute(insert(Person), rows["people"])
        conn.execute(insert(organisation_admins), rows["admins"])
        conn.execute(insert(RoleAssignment), rows["roles"])
        conn.execute(insert(Indicator), rows["indicators"])
        conn.execute(insert(Target), rows["targets"])
        conn.execute(insert(Measurement), rows["measurements"])
    _drive_run(db, rows["crew"])
    db.dispose()
    return Built(url, units, per_unit, time.perf_counter() - started)


def _rows(units: int, per_unit: int) -> dict[str, Any]:
    """Plain rows for Core ``insert()``; explicit ids so nothing has to be read back."""
    org_id = 1
    unit_rows: list[dict[str, Any]] = [
        {"id": 1, "organisation_id": org_id, "parent_id": None, "code": "BADAN"}
        | {"name": "Badan Kesatuan Bangsa dan Politik", "kind": "badan"},
        {"id": 2, "organisation_id": org_id, "parent_id": 1, "code": "SEKR"}
        | {"name": "Sekretariat", "kind": "sekretariat"},
        {"id": 3, "organisation_id": org_id, "parent_id": 2, "code": "SUBAG-PRC"}
        | {"name": "Sub Bagian Perencanaan", "kind": "sub_bagian"},
    ]
    people: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []

    def person(role: str, unit_id: int) -> int:
        pid = len(people) + 1
        people.append(
            {
                "id": pid,
                "organisation_id": org_id,
                "name": f"Pegawai Contoh Nomor {pid}, S.Sos., M.Si.",
                "nip": f"9999{pid:014d}",
                "telegram_user_id": 7_000_000_000 + pid,
            }
        )
        roles.append({"person_id": pid, "role_key": role, "unit_id": unit_id})
        return pid

    kasubag = person("kasubag_perencanaan", 3)
    crew: dict[str, Any] = {"kasubag": kasubag, "units": []}
    indicators: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    measurements: list[dict[str, Any]] = []
    for u in range(1, units + 1):
        unit_id = 3 + u
        unit_rows.append(
            {
                "id": unit_id,
                "organisation_id": org_id,
                "parent_id": 1,
                "code": f"BID-{u:02d}",
                "name": f"Bidang Pembinaan Ideologi dan Wawasan Kebangsaan Wilayah {u}",
                "kind": "bidang",
            }
        )
        kabid, kasubid, analis = (person(r, unit_id) for r in ("kabid", "kasubid", "analis"))
        crew["units"].append((kabid, kasubid, analis))
        for i in range(1, per_unit + 1):
            iid = len(indicators) + 1
            lower = i % 10 == 0
            indicators.append(
                {
                    "id": iid,
                    "organisation_id": org_id,
                    "unit_id": unit_id,
                    "code": f"BID{u:02d}-{i:03d}",
                    "name": f"Persentase pelaksanaan kegiatan pembinaan nomor {i} yang "
                    f"dilaksanakan tepat waktu di wilayah kerja bidang {u}",
                    "sasaran": _SASARAN[i % len(_SASARAN)],
                    "satuan": _SATUAN[i % len(_SATUAN)],
                    "polarity": "lower" if lower else "higher",
                    "precision": 2 if i % 2 else 0,
                }
            )
            for q in range(1, 5):
                targets.append(
                    {"indicator_id": iid, "year": YEAR, "period": f"{YEAR}-TW{q}"}
                    | {"value": Decimal(25 * q)}
                )
            targets.append(
                {"indicator_id": iid, "year": YEAR, "period": f"{YEAR}-TAHUNAN"}
                | {"value": Decimal(100)}
            )
            weak = i % 7 == 0  # about one row in seven misses: kendala and tindak lanjut
            for q in range(1, 4):
                measurements.append(
                    {
                        "indicator_id": iid,
                        "period": f"{YEAR}-TW{q}",
                        "value": _realisation(Decimal(25 * q), i, lower=lower, weak=weak),
                        "kendala": "Anggaran kegiatan terlambat dicairkan" if weak else None,
                        "tindak_lanjut": "Koordinasi dengan BPKAD" if weak else None,
                        "state": "draft" if q == 3 else "approved",
                        "entered_by_id": analis,
                        "entered_at": STARTED + timedelta(days=30 * (q - 3)),
                        "version": 1,
                    }
                )
    return {
        "organisation": {
            "id": org_id,
            "slug": SLUG,
            "name": "Badan Kesatuan Bangsa dan Politik Kabupaten Contoh (BENCHMARK)",
            "timezone": "Asia/Makassar",
            "is_sample": True,
        },
        "units": unit_rows,
        "people": people,
        "admins": [{"organisation_id": org_id, "person_id": kasubag}],
        "roles": roles,
        "indicators": indicators,
        "targets": targets,
        "measurements": measurements,
        "crew": crew,
    }


def _realisation(target: Decimal, i: int, *, lower: bool, weak: bool) -> Decimal:
    """A figure near the target (capaian 95-115%), or well off it for a weak indicator."""
    if lower:  # lower is better: under the target is good
        ratio = Decimal("1.4") if weak else Decimal("0.9")
    else:
        ratio = Decimal("0.6") if weak else Decimal("0.95") + Decimal("0.05") * (i % 5)
    return (target * ratio).quantize(Decimal("0.01"))


def _drive_run(db: Any, crew: dict[str, Any]) -> None:
    """The TW III run from start to finish through the Engine, as the people would."""
    from bot.definitions import load_catalog
    from bot.engine import Engine
    from bot.persistence.uow import make_uow_factory
    from bot.settings import get_settings

    engine = Engine(make_uow_factory(db), load_catalog([get_settings().definitions_dir]))
    now = STARTED
    engine.start_run(SOP_ID, SLUG, PERIOD, now=now)

    def step(person: int, step_no: int, *, review: bool = False) -> None:
        nonlocal now
        now += timedelta(minutes=5)
        tasks = [t for t in engine.open_tasks(person, now=now) if t.step_no == step_no]
        if len(tasks) != 1:
            raise RuntimeError(f"person {person} has {len(tasks)} open tasks at step {step_no}")
        if review:
            engine.decide(tasks[0].task_id, person, approve=True, now=now)
        else:
            engine.complete_task(tasks[0].task_id, person, now=now)

    for kabid, kasubid, analis in crew["units"]:
        step(kabid, 1)
        step(kasubid, 2)
        step(analis, 3)
        step(kasubid, 4)
        step(kabid, 5, review=True)
    step(crew["kasubag"], 6)
