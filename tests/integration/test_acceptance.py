"""Acceptance follows the definition (issue 14, found 1 and 2), on both backends.

* Seed 004 with a second review (the Kasubid verifies, then the Kabid decides;
  either may return to the analyst): the first YES only verifies. Status, the
  report and timeliness say "not yet" until the Kabid's YES; a report made after
  the first YES is a DRAFT and ``sopbot verify`` says honestly that the data has
  since been approved.
* Seed 004 without its review: the figures are accepted when the step that
  receives them (step 6, the Kasubag Perencanaan) is done; the report is Final,
  signed by that role.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.report import report
from bot.cli.verify import verify
from bot.definitions import load_catalog
from bot.domain.board import build_board
from bot.domain.periods import Period
from bot.engine import Engine, InvalidInput
from bot.engine.context import run_context
from bot.engine.timeliness import counting_run, unit_facts
from bot.reports.collect import ReportRequest, collect_report
from bot.reports.monev_collect import collect_monev
from bot.services.board import _run_facts
from bot.settings import get_settings
from tests.integration.engine_helpers import ROOT, Clock, fill_all, finish, person_id, single_task
from tests.integration.seed004_play import BIDANG, KASUBAG_PERENCANAAN

SEED = (ROOT / "sop_definitions" / "004_kesbangpol_jeneponto.yaml").read_text(encoding="utf-8")
TWO_LEVELS = "kesbangpol-dua-tingkat"
NO_REVIEW = "kesbangpol-tanpa-reviu"
STEP_4 = """    kind: indicator_input
    scope: unit  # INFERRED: per bidang, as step 1
    next: 5
"""


def _two_levels() -> str:
    """Step 4 becomes the Kasubid's check; step 5 (the Kabid) returns to the analyst too."""
    text = SEED.replace("id: kesbangpol-jeneponto-pengumpulan-data-kinerja", f"id: {TWO_LEVELS}")
    assert STEP_4 in text
    text = text.replace(STEP_4, "    kind: review\n    scope: unit\n    ya: 5\n    tidak: 3\n")
    return text.replace("    tidak: 4  #", "    tidak: 3  #")


def _no_review() -> str:
    """Step 5 (the Kabid's decision) removed: step 4 goes on to step 6."""
    text = SEED.replace("id: kesbangpol-jeneponto-pengumpulan-data-kinerja", f"id: {NO_REVIEW}")
    start = text.index('  - "no": 5')
    end = text.index('  - "no": 6')
    text = text[:start] + text[end:]
    return text.replace(STEP_4, STEP_4.replace("next: 5", "next: 6"))


@pytest.fixture
def defs_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "defs"
    folder.mkdir()
    (folder / "004.yaml").write_text(SEED, encoding="utf-8")
    (folder / "104_dua_tingkat.yaml").write_text(_two_levels(), encoding="utf-8")
    (folder / "105_tanpa_reviu.yaml").write_text(_no_review(), encoding="utf-8")
    return folder


@pytest.fixture
def sop_engine(uow_factory, sample_org, defs_dir: Path) -> Engine:  # type: ignore[no-untyped-def]
    catalog = load_catalog([defs_dir])
    assert catalog.ok, catalog.problems
    return Engine(uow_factory, catalog)


def _report(uow_factory, slug: str, sop: str, clock: Clock):  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        run = counting_run(uow, org.id, Period.parse("2026-TW3"), sop)
        definition = run.definition_version.definition()
        built = collect_report(
            uow, ReportRequest(org.id, sop, Period.parse("2026-TW3")), definition, now=clock.now
        )
        accepted = {f.unit_code: f.accepted for f in unit_facts(uow, run)}
    return built, accepted


def _states(uow_factory, slug: str, unit: str) -> set[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        found = uow.orgs.unit(org.id, unit)
        ids = [i.id for i in uow.indicators.indicators_of_unit(found.id)]
        return {
            (m.state.value, m.verified_role) for m in uow.work.current_measurements(ids, "2026-TW3")
        }


def _invoke(command, *args: str, code: int = 0) -> Result:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(command, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == code, result.output
    return result


def test_two_review_levels_verify_first_and_accept_at_the_last_yes(
    sop_engine: Engine, uow_factory, sample_org, defs_dir, db_url, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sop_engine
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SOPBOT_DEFINITIONS_DIR", str(defs_dir))
    get_settings.cache_clear()
    clock = Clock()
    kabid, kasubid, analis = (person_id(uow_factory, sample_org, nip) for nip in BIDANG["BID-PDN"])
    engine.start_run(TWO_LEVELS, sample_org, "2026-TW3", now=clock.now, units=["BID-PDN"])
    finish(engine, kabid, 1, clock.advance(minutes=5))
    finish(engine, kasubid, 2, clock.advance(minutes=5))
    entry = single_task(engine, analis, clock.now, 3)
    fill_all(engine, entry, analis, clock.advance(hours=1))
    engine.complete_task(entry, analis, now=clock.advance(minutes=5))

    # The Kasubid's YES verifies: not approved, not locked, the report stays a DRAFT.
    check = single_task(engine, kasubid, clock.now, 4)
    engine.decide(check, kasubid, approve=True, now=clock.advance(minutes=30))
    assert _states(uow_factory, sample_org, "BID-PDN") == {("verified", "kasubid")}
    decision = single_task(engine, kabid, clock.now, 5)
    sheet = engine.input_sheet(decision, kabid, now=clock.now)
    assert {line.state_text for line in sheet} == {"diverifikasi Kasubid/ Kasubag"}
    early, accepted = _report(uow_factory, sample_org, TWO_LEVELS, clock)
    assert not early.final
    assert early.status_note.startswith("DRAFT")
    assert accepted == {"BID-PDN": 0}
    [unit] = early.units
    assert [(s.caption, s.jabatan) for s in unit.signatures] == [
        ("Diverifikasi oleh", "Kepala Sub Bidang Politik Dalam Negeri")
    ]
    with uow_factory() as uow:
        monev = collect_monev(
            uow,
            uow.orgs.organisation(sample_org),
            Period.parse("2026-TW3"),
            [TWO_LEVELS],
            as_of=clock.now,
        )
        run = counting_run(
            uow, uow.orgs.organisation(sample_org).id, Period.parse("2026-TW3"), TWO_LEVELS
        )
        ctx = run_context(uow, run)
        board = build_board(_run_facts(uow, ctx), clock.now, ctx.calendar)
    assert [row.status_text for row in board.rows] == ["diverifikasi Kasubid/ Kasubag"]
    [run_row] = monev.procedures[0].runs
    [kasubid_check] = [row for row in run_row.rows if row.step_no == 4]
    assert kasubid_check.decision is not None and kasubid_check.decision.verified
    early_file = tmp_path / "awal.html"
    _invoke(report, "--sop", TWO_LEVELS, "--period", "2026-TW3", "-o", str(early_file))
    assert "DRAFT" in early_file.read_text(encoding="utf-8")

    # The Kabid returns it to the analyst; it passes both levels again.
    engine.decide(decision, kabid, approve=False, reason="Cek ulang", now=clock.advance(hours=1))
    assert {s for s, _ in _states(uow_factory, sample_org, "BID-PDN")} == {"returned"}
    again = single_task(engine, analis, clock.now, 3)
    engine.complete_task(again, analis, now=clock.advance(minutes=10))
    engine.decide(
        single_task(engine, kasubid, clock.now, 4),
        kasubid,
        approve=True,
        now=clock.advance(minutes=10),
    )
    _, accepted = _report(uow_factory, sample_org, TWO_LEVELS, clock)
    assert accepted == {"BID-PDN": 0}
    decision = single_task(engine, kabid, clock.now, 5)
    engine.decide(decision, kabid, approve=True, now=clock.advance(minutes=10))
    assert _states(uow_factory, sample_org, "BID-PDN") == {("approved", None)}

    final, accepted = _report(uow_factory, sample_org, TWO_LEVELS, clock)
    assert final.final
    assert accepted["BID-PDN"] == len(final.units[0].rows)
    assert [(s.caption, s.jabatan) for s in final.units[0].signatures] == [
        ("Diverifikasi oleh", "Kepala Sub Bidang Politik Dalam Negeri"),
        ("Disetujui oleh", "Kepala Bidang Politik Dalam Negeri dan Organisasi Kemasyarakatan"),
    ]
    # The early file: verify says it no longer matches, and that the data is now final.
    out = _invoke(verify, str(early_file), code=1).output
    assert out.startswith("TIDAK COCOK")
    assert "Status data kini: Final" in out


def test_without_a_review_the_receiving_step_accepts(
    sop_engine: Engine, uow_factory, sample_org
) -> None:  # type: ignore[no-untyped-def]
    engine = sop_engine
    clock = Clock()
    kabid, kasubid, analis = (person_id(uow_factory, sample_org, nip) for nip in BIDANG["BID-PDN"])
    kasubag = person_id(uow_factory, sample_org, KASUBAG_PERENCANAAN)
    engine.start_run(NO_REVIEW, sample_org, "2026-TW3", now=clock.now, units=["BID-PDN"])
    finish(engine, kabid, 1, clock.advance(minutes=5))
    finish(engine, kasubid, 2, clock.advance(minutes=5))
    entry = single_task(engine, analis, clock.now, 3)
    fill_all(engine, entry, analis, clock.advance(hours=1))
    engine.complete_task(entry, analis, now=clock.advance(minutes=5))
    finish(engine, kasubid, 4, clock.advance(minutes=30))
    assert {s for s, _ in _states(uow_factory, sample_org, "BID-PDN")} == {"submitted"}
    draft, _ = _report(uow_factory, sample_org, NO_REVIEW, clock)
    assert not draft.final

    finish(engine, kasubag, 6, clock.advance(hours=2))
    assert _states(uow_factory, sample_org, "BID-PDN") == {("approved", None)}
    done, accepted = _report(uow_factory, sample_org, NO_REVIEW, clock)
    assert done.final
    assert done.status_note.startswith("Final")
    assert accepted["BID-PDN"] == len(done.units[0].rows)
    approvals = [s for s in done.signatures if s.caption == "Disetujui oleh"]
    assert [(s.jabatan, s.dated_as) for s in approvals] == [
        ("Kepala Sub Bagian Perencanaan", "Diterima pada")
    ]
    assert all(row.provenance.approved_by for row in done.rows)


def test_a_question_is_not_a_decision(sop_engine: Engine, uow_factory, sample_org) -> None:  # type: ignore[no-untyped-def]
    engine = sop_engine
    clock = Clock()
    kabid = person_id(uow_factory, sample_org, BIDANG["BID-PDN"][0])
    engine.start_run(TWO_LEVELS, sample_org, "2026-TW3", now=clock.now, units=["BID-PDN"])
    task = single_task(engine, kabid, clock.now, 1)
    with pytest.raises(InvalidInput):
        engine.answer(task, kabid, yes=True, now=clock.now)
