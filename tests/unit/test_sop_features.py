"""Schema features of issue 14: Waktu units and absent Waktu, several roles per step,
question steps, shows_figures; their checks, notes, drawing and board status. Pure."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.definitions import load_catalog, load_text
from bot.domain.board import RunFacts, UnitFacts, UnitStatus, build_board, unit_status
from bot.domain.calendar import build_calendar
from bot.domain.durations import WorkDuration
from bot.domain.periods import Period
from bot.domain.sop import SopDefinition, StepKind, read_waktu
from bot.domain.waktu_notes import step_ranges, waktu_notes
from bot.domain.workflow import Outcome, WorkflowError, after, first_step
from bot.render.flow_layout import Symbol, layout_flow
from bot.render.sop_sheet import sheet_context

FEATURES = (
    Path(__file__).resolve().parents[1] / "fixtures" / "features" / "monitoring_uji.yaml"
).read_text("utf-8")
TW3_PERIOD = Period.parse("2026-TW3")
TW3 = TW3_PERIOD.report_types()


def _load(text: str = FEATURES) -> SopDefinition:
    definition, problems = load_text(text, "uji.yaml")
    assert definition is not None and not problems, problems
    return definition


def _problems(text: str) -> list[str]:
    definition, problems = load_text(text, "uji.yaml")
    assert definition is None
    return [str(p) for p in problems]


# --- Waktu ---------------------------------------------------------------------------------


def test_bare_numbers_are_counted_in_waktu_satuan_and_kept_as_written() -> None:
    defn = _load()
    assert defn.step(2).waktu is not None and defn.step(2).waktu.teks == "480"
    default = WorkDuration(days=1)
    assert defn.step_waktu(defn.step(1), TW3, default) == WorkDuration(minutes=5)
    assert defn.step_waktu(defn.step(2), TW3, default) == WorkDuration(minutes=480)
    assert read_waktu("2", "jam") == WorkDuration(minutes=120)
    assert read_waktu("3", "hari") == WorkDuration(days=3)


def test_a_bare_number_without_waktu_satuan_is_refused_with_the_fix() -> None:
    problems = _problems(FEATURES.replace("waktu_satuan: menit\n", ""))
    assert any("steps[0].waktu" in p and "waktu_satuan" in p for p in problems), problems


def test_absent_waktu_uses_the_organisations_default_and_says_so() -> None:
    defn = _load()
    assert defn.step(4).waktu is None
    default = WorkDuration(days=2)
    assert defn.step_waktu(defn.step(4), TW3, default) == default
    notes = waktu_notes(defn, default_duration="1 Hari")
    assert any(n.startswith("langkah 4: tanpa Waktu") and "durasi_bawaan" in n for n in notes)


def test_a_day_sized_waktu_that_is_not_the_working_day_is_explained() -> None:
    notes = waktu_notes(_load())
    [note] = [n for n in notes if n.startswith("langkah 2")]
    assert "480 menit" in note and "8 jam kerja" in note and "510 menit" in note
    assert not [n for n in waktu_notes(_load(), day_minutes=480) if n.startswith("langkah 2")]


# --- several roles, question, shows_figures -------------------------------------------------


def test_several_roles_and_completion() -> None:
    defn = _load()
    assert defn.step(1).roles == ("kabid", "kasubid") and defn.step(1).needs_all
    assert defn.step(5).roles == ("kasubag_perencanaan", "kabid") and not defn.step(5).needs_all
    assert defn.step(2).roles == ("analis",) and defn.step(2).role == "analis"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("pelaksana: [kabid, kasubid]", "pelaksana: [kabid, camat]", "peran 'camat' tidak ada"),
        ("pelaksana: [kabid, kasubid]", "pelaksana: [kabid, kabid]", "ditulis dua kali"),
        ('    question: "Ada hambatan?"\n', "", "tidak punya 'question'"),
        ("    kind: question\n", "", "'question' hanya untuk langkah kind: question"),
    ],
)
def test_feature_mistakes_are_refused(old: str, new: str, message: str) -> None:
    assert old in FEATURES
    problems = _problems(FEATURES.replace(old, new, 1))
    assert any(message in p for p in problems), problems


def test_completion_all_on_a_question_is_refused() -> None:
    text = FEATURES.replace(
        '    pelaksana: kabid\n    waktu: "30"',
        '    pelaksana: [kabid, kasubid]\n    completion: all\n    waktu: "30"',
    )
    assert any("jawaban pertama" in p for p in _problems(text))


def test_a_question_branches_and_approves_nothing() -> None:
    defn = _load()
    question = defn.step(3)
    assert question.kind is StepKind.QUESTION and question.is_decision
    assert not question.is_review and question.shows_figures
    assert after(defn, question, Outcome.YA, TW3_PERIOD.due()).step.no == 4  # type: ignore[union-attr]
    assert after(defn, question, Outcome.TIDAK, TW3_PERIOD.due()).step.no == 5  # type: ignore[union-attr]
    with pytest.raises(WorkflowError):
        after(defn, question, Outcome.APPROVED, TW3_PERIOD.due())
    assert first_step(defn, TW3_PERIOD.due()).step.no == 1  # type: ignore[union-attr]


# --- the sheet ------------------------------------------------------------------------------


def test_sheet_draws_a_symbol_per_role_and_a_diamond_for_a_question() -> None:
    defn = _load()
    layout = layout_flow(defn)
    rows = {row.step.no: row for row in layout.rows if row.step is not None}
    columns = [role.key for role in layout.columns]
    assert (rows[1].column, rows[1].also) == (columns.index("kabid"), (columns.index("kasubid"),))
    assert rows[3].symbol is Symbol.DECISION
    labels = {(e.source, e.label) for e in layout.edges if e.label}
    assert (2, "YA") in labels and (2, "TIDAK") in labels
    context = sheet_context(defn)
    cells = {row.no: row for row in context["rows"]}  # type: ignore[attr-defined]
    assert cells[2].waktu == "480"
    assert cells[4].waktu == "-"
    assert any("Ada hambatan?" in line.teks for line in cells[3].keterangan)


# --- the board ------------------------------------------------------------------------------


def test_a_verified_unit_is_shown_as_verified_by_its_role() -> None:
    facts = UnitFacts(code="B", name="Bidang", indicators=3, verified=3, verified_by="Kasubid")
    assert unit_status(facts) is UnitStatus.VERIFIED
    zone = ZoneInfo("Asia/Makassar")
    board = build_board(
        RunFacts("SOP", "TW III 2026", "berjalan", False, (facts,)),
        datetime(2026, 10, 12, 9, tzinfo=zone),
        build_calendar(timezone="Asia/Makassar", work_start=time(7, 30), work_end=time(16)),
    )
    assert board.rows[0].status_text == "diverifikasi Kasubid"
    assert unit_status(UnitFacts(code="B", name="B", indicators=3, approved=3)) is (
        UnitStatus.APPROVED
    )


def test_sop_show_and_validate_say_how_waktu_and_acceptance_are_counted() -> None:
    from click.testing import CliRunner

    from bot.cli.sop import sop

    folder = str(Path(__file__).resolve().parents[1] / "fixtures" / "features")
    shown = CliRunner().invoke(sop, ["show", "uji-monitoring-fitur", "-p", folder]).output
    assert "Persetujuan data: diterima (disetujui) ketika langkah 5" in shown
    assert "480 (menit)" in shown and "- (bawaan)" in shown
    assert "Kabid + Kasubid/" in shown  # completion: all
    assert "[pertanyaan: Ada hambatan?]" in shown
    checked = CliRunner().invoke(sop, ["validate", folder]).output
    assert "catatan: langkah 2: Waktu '480 menit' dihitung sebagai 8 jam kerja" in checked
    assert "catatan: langkah 4: tanpa Waktu" in checked
    seeds = CliRunner().invoke(sop, ["show", "dkp3"]).output
    assert "[TW IV] disetujui oleh YA langkah 9 (Sekretaris)" in " ".join(seeds.split())


def test_the_pengesahs_post_is_looked_up_by_role_key_not_by_the_printed_name() -> None:
    from bot.reports.collect import pengesah_post, pengesah_roles

    seeds = {
        key[:12]: loaded.definition
        for key, loaded in load_catalog(
            [Path(__file__).resolve().parents[2] / "sop_definitions"]
        ).definitions.items()
    }
    assert pengesah_roles(seeds["kesbangpol-j"]) == ["kepala_badan"]
    assert pengesah_post(seeds["disporapar-b"]).startswith("Kepala Dinas")  # "Plt." dropped
    assert pengesah_roles(seeds["disporapar-b"])[-1] == "kepala_dinas"
    assert pengesah_roles(seeds["kec-batumand"]) == ["camat"]  # no post printed: the top role
    named = _load(
        FEATURES.replace('  jabatan: "Kepala Badan"', '  jabatan: "Kepala Badan"\n  peran: kaban')
    )
    assert pengesah_roles(named) == ["kaban"]


def test_notes_of_the_same_kind_are_one_line_naming_their_steps() -> None:
    """006-009 have no Waktu at all: one note for the steps, not one per step."""
    text = FEATURES.replace('    waktu: "5"\n', "").replace('    waktu: "30"\n', "")
    notes = waktu_notes(_load(text))
    absent = [n for n in notes if "tanpa Waktu" in n]
    assert len(absent) == 1, notes
    assert absent[0].startswith("langkah 1, 3-4: tanpa Waktu"), absent
    assert step_ranges([7, 1, 2, 3, 5, 6, 9]) == "1-3, 5-7, 9"
    assert step_ranges([4]) == "4"
