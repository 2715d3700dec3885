"""The SOP monev from hand-made facts: working-time durations, lateness, returns, the rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.domain.calendar import build_calendar
from bot.domain.durations import parse_duration
from bot.domain.periods import Period
from bot.reports.monev import (
    DecisionFacts,
    Finding,
    MonevHeader,
    MonevRule,
    ProcedureFacts,
    RunFacts,
    RunOutcome,
    TaskFacts,
    TaskStatus,
    build_monev,
    judge_task,
    late_percent,
    shorten,
    summarise_procedure,
)
from bot.reports.monev_render import (
    catatan_lines,
    penilaian_text,
    render_monev_html,
    render_monev_xlsx,
    tindakan_lines,
)

WITA = ZoneInfo("Asia/Makassar")
CAL = build_calendar(
    timezone="Asia/Makassar", work_start=time(7, 30), work_end=time(16, 0), years=(2026,)
)
AS_OF = datetime(2026, 12, 1, 9, 0, tzinfo=WITA)


def wita(*args: int) -> datetime:
    return datetime(*args, tzinfo=WITA)  # type: ignore[misc]


def task(
    start: datetime,
    finish: datetime | None,
    waktu: str = "1 Hari",
    *,
    step_no: int = 3,
    due: datetime | bool | None = True,
    status: TaskStatus = TaskStatus.DONE,
    **extra: object,
) -> TaskFacts:
    """A task opened at ``start``; ``due=True`` means the engine's deadline for ``waktu``."""
    standard = parse_duration(waktu)
    due_at = CAL.add_working_time(start, standard) if due is True else due or None
    options: dict[str, object] = {
        "step_no": step_no,
        "uraian": f"Uraian langkah {step_no}",
        "role_name": "Analisis Data",
        "unit_name": "Bidang Ideologi",
        "status": status,
        "created_at": start,
        "started_at": start,
        "finished_at": finish,
        "due_at": due_at,
        "waktu_teks": waktu,
        "standard": standard,
        "done_by": "Andi Analis" if status is TaskStatus.DONE else None,
    }
    options.update(extra)
    return TaskFacts(**options)  # type: ignore[arg-type]


def judge(facts: TaskFacts):
    return judge_task(facts, CAL, as_of=AS_OF, run_id=1, period="2026-TW3")


def run(*tasks: TaskFacts, state: RunOutcome = RunOutcome.COMPLETED, run_id: int = 1) -> RunFacts:
    return RunFacts(
        run_id=run_id,
        period="2026-TW3",
        scope_name="Badan Kesbangpol",
        state=state,
        started_at=wita(2026, 10, 12, 8, 0),
        finished_at=None if state is RunOutcome.OPEN else wita(2026, 10, 20, 10, 0),
        cancel_reason="Salah periode" if state is RunOutcome.CANCELLED else None,
        tasks=tasks,
    )


def procedure(*runs: RunFacts, rule: MonevRule | None = None):
    facts = ProcedureFacts("sop-x", "Pengumpulan Data Kinerja", "07", runs)
    if rule is None:
        return summarise_procedure(facts, CAL, as_of=AS_OF)
    return summarise_procedure(facts, CAL, as_of=AS_OF, rule=rule)


# --- one task --------------------------------------------------------------------------------
def test_late_by_working_time_past_the_deadline() -> None:
    row = judge(task(wita(2026, 10, 12, 8, 0), wita(2026, 10, 12, 10, 30), "15 Menit"))
    assert row.due_at == wita(2026, 10, 12, 8, 15)
    assert (row.actual_minutes, row.actual_text) == (150, "2 jam 30 menit")
    assert (row.standard_minutes, row.late, row.late_minutes) == (15, True, 135)
    assert row.lateness_text == "terlambat 2 jam 15 menit"
    assert row.responsible == ("Andi Analis",)


def test_a_weekend_costs_no_working_time() -> None:
    """Friday 15.00 + 1 Hari is due Monday 15.00; done Tuesday 09.30."""
    row = judge(task(wita(2026, 10, 16, 15, 0), wita(2026, 10, 20, 9, 30)))
    assert row.due_at == wita(2026, 10, 19, 15, 0)
    assert (row.actual_minutes, row.actual_text) == (690, "1 hari 3 jam")
    assert (row.late, row.late_minutes, row.lateness_text) == (True, 180, "terlambat 3 jam")


def test_a_holiday_costs_no_working_time() -> None:
    """17 August (Monday) is Hari Kemerdekaan: Friday 15.00 to Tuesday 08.30 is 2 jam."""
    row = judge(task(wita(2026, 8, 14, 15, 0), wita(2026, 8, 18, 8, 30)))
    assert (row.actual_minutes, row.actual_text) == (120, "2 jam")
    assert row.due_at == wita(2026, 8, 18, 15, 0)
    assert not row.late and row.lateness_text == ""


def test_without_a_deadline_the_waktu_is_the_measure() -> None:
    on_time = judge(task(wita(2026, 10, 12, 8, 0), wita(2026, 10, 12, 8, 50), "1 Jam", due=None))
    late = judge(task(wita(2026, 10, 12, 8, 0), wita(2026, 10, 12, 9, 40), "1 Jam", due=None))
    assert (on_time.late, late.late, late.late_minutes) == (False, True, 40)


def test_finished_after_hours_is_late_without_a_figure() -> None:
    row = judge(task(wita(2026, 10, 12, 15, 0), wita(2026, 10, 12, 19, 0), "1 Jam"))
    assert (row.late, row.late_minutes, row.lateness_text) == (True, 0, "lewat batas waktu")


def test_an_open_overdue_task_is_late_for_its_role_holders() -> None:
    row = judge(
        task(
            wita(2026, 11, 30, 8, 0),
            None,
            "15 Menit",
            status=TaskStatus.OPEN,
            holders=("Budi Kasubid", "Citra Plt"),
        )
    )
    assert row.actual_minutes == 480 + 90  # Monday 08.00-16.00, Tuesday 07.30-09.00
    assert row.late and row.late_minutes == 555
    assert row.lateness_text == "terlambat 1 hari"  # minutes dropped after a whole day
    assert (row.done_by, row.responsible) == (None, ("Budi Kasubid", "Citra Plt"))


def test_cancelled_tasks_are_listed_but_not_judged() -> None:
    row = judge(
        task(wita(2026, 10, 12, 8, 0), wita(2026, 10, 14, 8, 0), status=TaskStatus.CANCELLED)
    )
    assert not row.judged and not row.late


def test_long_uraian_is_shortened_at_a_word() -> None:
    text = "Memeriksa laporan kinerja, jika disetujui diserahkan pada kasubid/kasubag " * 3
    short = shorten(text, 60)
    assert len(short) <= 60 and short.endswith("…") and " " not in short[-2:]
    assert shorten("  Membuat   laporan ") == "Membuat laporan"


# --- returns and the rule --------------------------------------------------------------------
def _review(minute: int, approved: bool, reason: str | None = None, rnd: int = 1) -> TaskFacts:
    start = wita(2026, 10, 13, 9, minute)
    return task(
        start,
        start.replace(minute=minute + 5),
        "1 Jam",
        step_no=5,
        round=rnd,
        role_name="Kabid",
        done_by="Kabid Satu",
        decision=DecisionFacts(approved, start.replace(minute=minute + 5), "Kabid Satu", reason),
    )


def test_returns_are_counted_per_review_with_their_reasons() -> None:
    summary = procedure(
        run(
            _review(0, False, "Angka IWK-02 tidak sesuai bukti", 1),
            _review(20, False, "Lengkapi kendala", 2),
            _review(40, True, None, 3),
        )
    )
    (review,) = summary.runs[0].reviews
    assert (review.step_no, review.unit_name, review.reviews) == (5, "Bidang Ideologi", 3)
    assert [(r.round, r.reason) for r in review.returns] == [
        (1, "Angka IWK-02 tidak sesuai bukti"),
        (2, "Lengkapi kendala"),
    ]
    assert (summary.reviews, len(summary.returns), summary.most_returns) == (3, 2, 2)
    assert summary.findings == (Finding.FREQUENT_RETURNS,)
    assert summary.good  # returns are the SOP's own control, not a failure
    assert any("Lengkapi kendala" in line for line in catatan_lines(_report(summary), summary))
    assert any("dikembalikan hingga 2 kali" in s for s in tindakan_lines(_report(summary), summary))


def _steps(late: int, on_time: int) -> list[TaskFacts]:
    start = wita(2026, 10, 13, 8, 0)
    late_tasks = [task(start, wita(2026, 10, 15, 9, 0), step_no=3) for _ in range(late)]
    good = [task(start, wita(2026, 10, 13, 9, 0), step_no=4) for _ in range(on_time)]
    return late_tasks + good


def test_late_share_up_to_the_threshold_still_runs_well() -> None:
    summary = procedure(run(*_steps(1, 4)))
    assert (summary.steps_judged, summary.steps_late, summary.late_percent) == (5, 1, Decimal(20))
    assert summary.findings == (Finding.SOME_LATE,)
    assert summary.good and penilaian_text(summary) == "Berjalan dengan baik"


def test_late_share_above_the_threshold_does_not() -> None:
    summary = procedure(run(*_steps(2, 3)))
    assert summary.late_percent == Decimal(40)
    assert summary.findings == (Finding.TOO_LATE,)
    assert not summary.good and penilaian_text(summary) == "Tidak berjalan dengan baik"
    (step,) = summary.late_steps
    assert (step.step_no, step.count, step.people) == (3, 2, ("Andi Analis",))
    report = _report(summary)
    assert any(
        "Tinjau Waktu standar langkah 3 (1 Hari)" in s for s in tindakan_lines(report, summary)
    )
    assert any(
        "Langkah 3 (Analisis Data, Waktu 1 Hari) terlambat 2 kali" in s
        for s in catatan_lines(report, summary)
    )
    # An organisation that accepts 50 % judges the same facts differently.
    lenient = procedure(run(*_steps(2, 3)), rule=MonevRule(max_late_percent=Decimal(50)))
    assert lenient.good


def test_a_cancelled_run_or_no_run_at_all_does_not_run_well() -> None:
    cancelled = procedure(run(*_steps(0, 3)), run(state=RunOutcome.CANCELLED, run_id=2))
    assert Finding.CANCELLED in cancelled.findings and not cancelled.good
    assert cancelled.runs_cancelled == 1 and cancelled.cancellations[0].reason == "Salah periode"
    nothing = procedure()
    assert nothing.findings == (Finding.NOT_RUN,) and not nothing.good
    assert catatan_lines(_report(nothing), nothing) == [
        "Tidak ada pelaksanaan SOP ini pada Triwulan III 2026."
    ]


def test_all_on_time_needs_no_action() -> None:
    summary = procedure(run(*_steps(0, 3)))
    assert summary.findings == () and summary.good
    report = _report(summary)
    assert tindakan_lines(report, summary) == ["Tidak ada; pertahankan pelaksanaan SOP."]
    assert "Semua 3 langkah selesai dalam Waktu standar." in catatan_lines(report, summary)


def test_late_percent_rounds_half_up_and_needs_something_to_divide() -> None:
    assert late_percent(1, 3) == Decimal("33.3")
    assert late_percent(1, 8) == Decimal("12.5")
    assert late_percent(0, 0) is None


def test_rule_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        MonevRule(max_late_percent=Decimal(120))
    with pytest.raises(ValueError):
        MonevRule(frequent_returns=0)


# --- formats, from the same facts ------------------------------------------------------------
def _report(*summaries):
    facts = [ProcedureFacts(s.sop_id, s.sop_name, s.nomor, ()) for s in summaries]
    report = build_monev(
        MonevHeader("Badan Kesbangpol Jeneponto", "BADAN KESBANGPOL"),
        Period.parse("2026-TW3"),
        facts,
        CAL,
        as_of=AS_OF,
        generated_at=AS_OF,
    )
    # Keep the summaries under test (with their runs) in the report.
    return replace(report, procedures=tuple(summaries))


def test_html_and_xlsx_say_the_same() -> None:
    summary = procedure(run(*_steps(2, 3), _review(0, False, "Kurang <bukti> & foto")))
    report = _report(summary)
    html = render_monev_html(report)
    assert "Tidak berjalan dengan baik" in html
    assert "Kurang &lt;bukti&gt; &amp; foto" in html  # escaped once, not twice
    book = load_workbook(BytesIO(render_monev_xlsx(report)))
    monev = book["Monev"]
    assert monev["C7"].value == "Tidak berjalan dengan baik"
    assert 'alasan: "Kurang <bukti> & foto"' in monev["D7"].value
    assert monev["I7"].value == 2 and monev["J7"].number_format == "0.0%"
    assert monev.freeze_panes == "A7"
    detail = book["Rincian"]
    assert detail.freeze_panes == "A2"
    assert detail.max_row == 1 + 6
