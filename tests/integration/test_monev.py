"""The SOP monev from a real run of seed 004 (Kesbangpol Jeneponto), on both databases.

Three bidang report TW III 2026. Bidang Ideologi's analyst hands in the
material two working days after being asked (Waktu "1 Hari"), and its Kabid
returns the report once before approving it. The monev must name that step,
that analyst and that reason, judge the procedure, and write it as XLSX, PDF
and HTML, also from the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.cli.monev import monev
from bot.domain.periods import Period
from bot.engine import Engine
from bot.reports.monev import Finding, MonevReport, TaskStatus
from bot.reports.monev_collect import collect_monev, covered_periods
from bot.reports.monev_render import render_monev_html, render_monev_pdf, render_monev_xlsx
from bot.settings import get_settings
from tests.integration.engine_helpers import (
    WITA,
    Clock,
    fill_all,
    finish,
    make_engine,
    person_id,
    single_task,
)
from tests.integration.seed004_play import BIDANG, KASUBAG_PERENCANAAN, SOP

IWK_UNIT = "Bidang Ideologi, Wawasan Kebangsaan dan Karakter Bangsa"
ANALIS_IWK = "Muh. Ilham Contoh"
KABID_IWK = "Andi Baso Fiktif"
REASON = "Realisasi indikator pertama tidak sesuai bukti"
AS_OF = datetime(2026, 12, 1, 9, 0, tzinfo=WITA)


@dataclass(frozen=True)
class Played:
    run_id: int
    slug: str


def wita(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=WITA)


def _play(engine: Engine, uow_factory, slug: str) -> Played:
    """TW III 2026 from start to SELESAI: one late step (IWK step 3) and one return."""
    clock = Clock()  # Monday 12 October 2026 08.00 WITA
    run_id = engine.start_run(SOP, slug, "2026-TW3", now=clock.now)
    people = {
        code: tuple(person_id(uow_factory, slug, nip) for nip in nips)
        for code, nips in BIDANG.items()
    }
    for code in BIDANG:  # steps 1 and 2 (15 Menit each), every bidang on time
        finish(engine, people[code][0], 1, clock.advance(minutes=3))
    for code in BIDANG:  # IWK's step 3 opens at 08.12, due Tuesday 08.12 (1 Hari)
        finish(engine, people[code][1], 2, clock.advance(minutes=3))

    for code in ("BID-PDN", "BID-KNPK"):  # steps 3-5 well within their Waktu
        kabid, kasubid, analis = people[code]
        task = single_task(engine, analis, clock.now, 3)
        fill_all(engine, task, analis, clock.advance(minutes=30))
        engine.complete_task(task, analis, now=clock.advance(minutes=5))
        finish(engine, kasubid, 4, clock.advance(minutes=30))
        review = single_task(engine, kabid, clock.now, 5)
        engine.decide(review, kabid, approve=True, now=clock.advance(minutes=20))

    kabid, kasubid, analis = people["BID-IWK"]
    task = single_task(engine, analis, clock.now, 3)
    clock.now = wita(14, 9, 0)  # Wednesday 09.00: more than a working day late
    fill_all(engine, task, analis, clock.now)
    engine.complete_task(task, analis, now=clock.now)
    finish(engine, kasubid, 4, clock.advance(minutes=60))
    review = single_task(engine, kabid, clock.now, 5)
    first = engine.input_sheet(review, kabid, now=clock.now)[0].indicator_id
    engine.decide(
        review, kabid, approve=False, reason=REASON, correct=[first], now=clock.advance(minutes=30)
    )
    fix = single_task(engine, kasubid, clock.now, 4)
    engine.save_value(fix, kasubid, first, value=Decimal("87.5"), now=clock.advance(minutes=15))
    engine.complete_task(fix, kasubid, now=clock.advance(minutes=5))
    review = single_task(engine, kabid, clock.now, 5)
    engine.decide(review, kabid, approve=True, now=clock.advance(minutes=20))

    kasubag = person_id(uow_factory, slug, KASUBAG_PERENCANAAN)
    finish(engine, kasubag, 6, clock.advance(hours=2))
    return Played(run_id, slug)


@pytest.fixture
def played(uow_factory, sample_org) -> Played:
    return _play(make_engine(uow_factory), uow_factory, sample_org)


def _collect(uow_factory, slug: str, period: str, sop_ids=(SOP,)) -> MonevReport:
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        return collect_monev(uow, org, Period.parse(period), list(sop_ids), as_of=AS_OF)


def test_the_late_step_who_was_late_and_the_return(played: Played, uow_factory) -> None:
    report = _collect(uow_factory, played.slug, "2026-TW3")
    (p,) = report.procedures
    assert (p.sop_name, p.nomor, p.run_count, p.runs_completed) == (
        "Pengumpulan Data Kinerja",
        "07",
        1,
        1,
    )
    (run,) = p.runs
    assert run.run_id == played.run_id and len(run.unit_names) == 3
    # 3 bidang x steps 1-5, IWK's steps 4 and 5 twice, step 6 once.
    assert (p.steps_executed, p.steps_judged, p.steps_late) == (18, 18, 1)
    assert p.late_percent == Decimal("5.6")

    (late,) = run.late_rows
    assert (late.step_no, late.unit_name, late.role_name) == (3, IWK_UNIT, "Analisis Data")
    assert (late.done_by, late.responsible) == (ANALIS_IWK, (ANALIS_IWK,))
    assert late.status is TaskStatus.DONE and late.waktu_teks == "1 Hari"
    assert late.started_at == wita(12, 8, 12) and late.due_at == wita(13, 8, 12)
    # Tuesday 08.12 to 16.00 and Wednesday 07.30 to 09.00, in working time.
    assert (late.late_minutes, late.lateness_text) == (468 + 90, "terlambat 1 hari")
    assert late.actual_text == "2 hari"
    assert p.late_steps[0].people == (ANALIS_IWK,)

    review = next(r for r in run.reviews if r.unit_name == IWK_UNIT)
    assert (review.step_no, review.reviews, len(review.returns)) == (5, 2, 1)
    (note,) = p.returns
    assert (note.reason, note.decided_by, note.round) == (REASON, KABID_IWK, 1)
    rounds = [row.round for row in run.rows if row.step_no == 4 and row.unit_name == IWK_UNIT]
    assert rounds == [1, 2]
    others = [r for r in run.reviews if r.unit_name != IWK_UNIT]
    assert [(r.reviews, r.returns) for r in others] == [(1, ()), (1, ())]

    assert p.findings == (Finding.SOME_LATE,) and p.good


def test_a_semester_gathers_its_quarters(played: Played, uow_factory) -> None:
    assert covered_periods(Period.parse("2026-S2")) == ("2026-S2", "2026-TW3", "2026-TW4")
    semester = _collect(uow_factory, played.slug, "2026-S2")
    assert semester.period_label == "Semester II 2026"
    assert semester.procedures[0].run_count == 1
    first_half = _collect(uow_factory, played.slug, "2026-S1")
    (p,) = first_half.procedures
    assert p.findings == (Finding.NOT_RUN,) and not p.good


def test_xlsx_pdf_and_html(played: Played, uow_factory) -> None:
    report = _collect(uow_factory, played.slug, "2026-S2")

    book = load_workbook(BytesIO(render_monev_xlsx(report)))
    assert book.sheetnames == ["Monev", "Rincian"]
    sheet = book["Monev"]
    assert sheet["B6"].value == "Prosedur" and sheet.freeze_panes == "A7"
    assert (sheet["B7"].value, sheet["C7"].value) == (
        "Pengumpulan Data Kinerja",
        "Berjalan dengan baik",
    )
    assert (sheet["F7"].value, sheet["H7"].value, sheet["I7"].value) == (1, 18, 1)
    assert sheet["J7"].value == pytest.approx(0.056)
    assert REASON in sheet["D7"].value and ANALIS_IWK in sheet["D7"].value
    assert "Pertahankan" in sheet["E7"].value

    detail = book["Rincian"]
    header = [cell.value for cell in detail[1]]
    col = {name: header.index(name) for name in header}
    rows = [[cell.value for cell in row] for row in detail.iter_rows(min_row=2)]
    assert len(rows) == 18
    (late,) = [row for row in rows if row[col["Terlambat"]] == "Ya"]
    assert late[col["Langkah"]] == 3 and late[col["Unit"]] == IWK_UNIT
    assert late[col["Dikerjakan oleh / pemegang peran"]] == ANALIS_IWK
    assert late[col["Keterlambatan (menit kerja)"]] == 558
    assert late[col["Mulai"]] == datetime(2026, 10, 12, 8, 12)  # local time, no zone
    (returned,) = [row for row in rows if row[col["Keputusan"]] == "dikembalikan"]
    assert returned[col["Alasan pengembalian"]] == REASON
    assert returned[col["Pemeriksa"]] == KABID_IWK

    text = " ".join(
        " ".join(page.extract_text().split())  # cells wrap their text onto several lines
        for page in PdfReader(BytesIO(render_monev_pdf(report))).pages
    )
    assert "Berjalan dengan baik" in text and "Pengumpulan Data Kinerja" in text
    assert ANALIS_IWK in text

    html = render_monev_html(report)
    assert "Berjalan dengan baik" in html and REASON in html
    assert "<thead>" in html and "a4 landscape" in html  # the header row repeats per page


@pytest.fixture
def sopbot_monev(monkeypatch: pytest.MonkeyPatch, db_url: str):
    """``sopbot monev ARGS...`` against the test database; never a traceback."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()

    def run(*args: str, ok: bool = True):
        result = CliRunner().invoke(monev, list(args))
        assert "Traceback" not in result.output
        assert (result.exit_code == 0) is ok, result.output
        return result

    yield run
    get_settings.cache_clear()


def test_command_line(played: Played, sopbot_monev, tmp_path: Path) -> None:
    out = tmp_path / "monev.xlsx"
    done = sopbot_monev("--sop", "kesbangpol", "--period", "2026-S2", "-o", str(out), "--now",
                        "2026-12-01T09:00")  # fmt: skip
    assert "Semester II 2026 (XLSX)" in done.output
    assert "1 prosedur, 1 berjalan dengan baik" in done.output
    assert load_workbook(out)["Monev"]["C7"].value == "Berjalan dengan baik"

    pdf = tmp_path / "monev.pdf"
    sopbot_monev("--sop", SOP, "--period", "2026-TW3", "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    html = tmp_path / "monev.out"
    sopbot_monev("--period", "2026-S2", "--format", "html", "-o", str(html))
    assert "Pengumpulan Data Kinerja" in html.read_text(encoding="utf-8")

    unknown = sopbot_monev("--sop", "tidak-ada", "--period", "2026-S2", "-o", str(out), ok=False)
    assert "SOP 'tidak-ada' tidak dikenal" in unknown.output and "kesbangpol" in unknown.output
    bad_period = sopbot_monev("--sop", "kesbangpol", "--period", "2026-S3", "-o", str(out),
                              ok=False)  # fmt: skip
    assert bad_period.output.startswith("Periode '2026-S3' tidak dapat dipakai")
    no_org = sopbot_monev("--org", "entah", "--period", "2026-S2", "-o", str(out), ok=False)
    assert "Organisasi 'entah' tidak ada" in no_org.output


@pytest.mark.parametrize("name", ["monev.doc", "monev.docx"])
def test_monev_refuses_an_unsupported_suffix(sopbot_monev, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    refused = sopbot_monev("--period", "2026-S2", "-o", str(out), ok=False)
    assert refused.exit_code == 1
    assert "tidak didukung" in refused.output and ".xlsx, .pdf, .html" in refused.output
    assert not out.exists()
