"""Two organisations in one database (both backends): the engine, the reports, the invites
and the command line never let one organisation see or touch the other's work."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import cli
from bot.definitions import load_catalog
from bot.domain.periods import Period
from bot.engine import Engine, NotFound
from bot.engine.status import run_status
from bot.imports.invites import create_invite
from bot.persistence.models import Decision, Measurement, Run, Task
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.reports.files import produce
from bot.services.onboarding import OnboardingError, redeem_invite
from bot.settings import get_settings
from tests.integration.conftest import SAMPLE_SLUG
from tests.integration.engine_helpers import (
    ROOT,
    WITA,
    Clock,
    make_engine,
    person_id,
)
from tests.integration.second_org import OTHER_SLUG, import_second_org, other_nip
from tests.integration.seed004_play import SOP, play_quarter

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
KABID, KASUBID, ANALIS = "999900000000000002", "999900000000000003", "999900000000000004"
NOW = datetime(2026, 10, 12, 8, 0, tzinfo=WITA)


@pytest.fixture
def two_orgs(uow_factory: UowFactory, sample_org: str) -> Engine:
    import_second_org(uow_factory)
    return make_engine(uow_factory)


def _open_task(engine: Engine, person: int, step: int) -> int:
    (found,) = [v.task_id for v in engine.open_tasks(person, now=NOW) if v.step_no == step]
    return found


def _snapshot(uow_factory: UowFactory) -> dict[str, list[Any]]:
    with uow_factory() as uow:
        session = uow.work.session
        return {
            "runs": [(r.id, r.state, r.current_step) for r in session.scalars(select(Run))],
            "tasks": [(t.id, t.state, t.round) for t in session.scalars(select(Task))],
            "measurements": [
                (m.id, m.value, m.state) for m in session.scalars(select(Measurement))
            ],
            "decisions": [d.id for d in session.scalars(select(Decision))],
        }


def test_the_engine_refuses_a_task_of_another_organisation(
    two_orgs: Engine, uow_factory: UowFactory
) -> None:
    engine = two_orgs
    engine.start_run(SOP, SAMPLE_SLUG, "2026-TW3", now=NOW, units=["BID-IWK"])
    engine.start_run(SOP, OTHER_SLUG, "2026-TW3", now=NOW, units=["BID-IWK"])
    a = {nip: person_id(uow_factory, SAMPLE_SLUG, nip) for nip in (KABID, KASUBID, ANALIS)}
    b = {nip: person_id(uow_factory, OTHER_SLUG, other_nip(nip)) for nip in (KABID, ANALIS)}
    for nip in (KABID, KASUBID):
        engine.complete_task(_open_task(engine, a[nip], 1 + (nip == KASUBID)), a[nip], now=NOW)
    entry_a = _open_task(engine, a[ANALIS], 3)
    indicator_a = engine.input_sheet(entry_a, a[ANALIS], now=NOW)[0].indicator_id
    step1_b = _open_task(engine, b[KABID], 1)

    # Each sees only their own organisation's tasks.
    assert entry_a not in [v.task_id for v in engine.open_tasks(b[ANALIS], now=NOW)]
    assert step1_b not in [v.task_id for v in engine.open_tasks(a[KABID], now=NOW)]

    before = _snapshot(uow_factory)
    attempts = [
        lambda: engine.task(entry_a, b[ANALIS], now=NOW),
        lambda: engine.input_sheet(entry_a, b[ANALIS], now=NOW),
        lambda: engine.save_value(entry_a, b[ANALIS], indicator_a, value=Decimal(1), now=NOW),
        lambda: engine.complete_task(entry_a, b[ANALIS], now=NOW),
        lambda: engine.decide(entry_a, b[KABID], approve=True, now=NOW),
        lambda: engine.decide(entry_a, b[KABID], approve=False, reason="x", now=NOW),
        lambda: engine.complete_task(step1_b, a[KABID], now=NOW),
        lambda: engine.task(step1_b, a[KABID], now=NOW),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound, match="Tugas tidak ditemukan"):
            attempt()
    assert _snapshot(uow_factory) == before

    # /status and `sopbot status` of B: B's run alone, even asked about one of A's units.
    with uow_factory() as uow:
        org_a, org_b = uow.orgs.organisation(SAMPLE_SLUG), uow.orgs.organisation(OTHER_SLUG)
        assert org_a is not None and org_b is not None
        iwk_a = uow.orgs.unit(org_a.id, "BID-IWK")
        assert iwk_a is not None
        runs_b = run_status(uow, organisation_id=org_b.id, period=None, unit_id=None, now=NOW)
        tasks_a = {t.id for t in uow.work.tasks_in_organisation(org_a.id)}
        seen_b = {w.task_id for r in runs_b for w in r.work}
        assert step1_b in seen_b and not seen_b & tasks_a
        assert all("(Barat)" in w.unit_name for r in runs_b for w in r.work)
        assert (
            run_status(uow, organisation_id=org_b.id, period=None, unit_id=iwk_a.id, now=NOW) == []
        )
        # The due time in each organisation's own zone.
        runs_a = run_status(uow, organisation_id=org_a.id, period=None, unit_id=None, now=NOW)
        due_a = runs_a[0].work[0].due_at
        due_b = runs_b[0].work[0].due_at
        assert due_a is not None and due_b is not None
        assert due_a.tzname() == "WITA" and due_b.tzname() == "WIB"


def test_an_invite_of_another_organisation_is_refused(
    two_orgs: Engine, uow_factory: UowFactory
) -> None:
    with uow_factory() as uow:
        org_a, org_b = uow.orgs.organisation(SAMPLE_SLUG), uow.orgs.organisation(OTHER_SLUG)
        assert org_a is not None and org_b is not None
        code_b = create_invite(
            uow, org_b, role_key="kabid", unit_code="BID-IWK", person_ref=other_nip(KABID),
            days=7, now=NOW,
        ).code  # fmt: skip
        code_a = create_invite(
            uow, org_a, role_key="kabid", unit_code="BID-PDN", person_ref=None, name="Calon Kabid",
            days=7, now=NOW,
        ).code  # fmt: skip
        # An invite of A cannot name a person of B, nor a unit code A does not have.
        with pytest.raises(Exception, match="tidak"):
            create_invite(
                uow, org_a, role_key="kabid", unit_code="BID-IWK", person_ref=other_nip(KABID),
                days=7, now=NOW,
            )  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        redeem_invite(uow, code_b, telegram_user_id=5001, display_name="B", now=NOW)
        uow.commit()
    with uow_factory() as uow, pytest.raises(OnboardingError, match="sudah terhubung"):
        redeem_invite(uow, code_a, telegram_user_id=5001, display_name="B", now=NOW)
    with uow_factory() as uow:
        person = uow.orgs.person_by_telegram_id(5001)
        assert person is not None and person.organisation_id == org_b.id
        assert {a.unit.organisation_id for a in uow.orgs.assignments_of(person.id)} == {org_b.id}


def test_reports_hold_only_the_own_organisation(two_orgs: Engine, uow_factory: UowFactory) -> None:
    play_quarter(two_orgs, uow_factory, SAMPLE_SLUG, "2026-TW3", Clock())
    with uow_factory() as uow:
        org_a, org_b = uow.orgs.organisation(SAMPLE_SLUG), uow.orgs.organisation(OTHER_SLUG)
        assert org_a is not None and org_b is not None
        ids = org_a.id, org_b.id
    report_a, report_b = (
        produce(
            uow_factory, load_catalog([ROOT / "sop_definitions"]), organisation_id=org, sop_id=SOP,
            period=Period.parse("2026-TW3"), unit_code="BID-IWK", now=NOW,
        )
        for org in ids
    )  # fmt: skip
    assert [u.name for u in report_a.units] == [
        "Bidang Ideologi, Wawasan Kebangsaan dan Karakter Bangsa"
    ]
    assert [u.name for u in report_b.units] == [
        "Bidang Ideologi, Wawasan Kebangsaan dan Karakter Bangsa (Barat)"
    ]
    assert all(row.realisasi is not None for u in report_a.units for row in u.rows)
    assert all(row.realisasi is None for u in report_b.units for row in u.rows)


@pytest.fixture
def sopbot(monkeypatch: pytest.MonkeyPatch, db_url: str, two_orgs: Engine):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME", raising=False)
    get_settings.cache_clear()

    def run(*args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(cli, list(args))
        assert "Traceback" not in result.output
        assert (result.exit_code == 0) is ok, result.output
        return result

    return run


def test_the_command_line_keeps_organisations_apart(
    sopbot, two_orgs: Engine, uow_factory: UowFactory, tmp_path: Path
) -> None:
    now = ("--now", "2026-10-12T08:00")
    started_a = sopbot("start", "kesbangpol", "--period", "2026-TW3", "--org", SAMPLE_SLUG, *now)
    started_b = sopbot("start", "kesbangpol", "--period", "2026-TW3", "--org", OTHER_SLUG, *now)
    assert "WITA" in started_a.output and "WIB" not in started_a.output
    assert "WIB" in started_b.output and "WITA" not in started_b.output
    kabid_a = person_id(uow_factory, SAMPLE_SLUG, KABID)
    task_a = str(_open_task(two_orgs, kabid_a, 1))

    # Without --org there is no default organisation to fall into.
    assert "pilih dengan --org" in sopbot("task", "list", "--as", KABID, *now, ok=False).output
    # A's NIP under --org B is nobody there.
    refused = sopbot("task", "list", "--as", KABID, "--org", OTHER_SLUG, *now, ok=False)
    assert f"Tidak ada pegawai dengan NIP {KABID}" in refused.output
    # B's Kabid on A's task: every action is refused and nothing changes.
    before = _snapshot(uow_factory)
    as_b = ("--as", other_nip(KABID), "--org", OTHER_SLUG, *now)
    for action in (["show"], ["done"], ["approve"], ["return", "--reason", "salah"]):
        out = sopbot("task", action[0], task_a, *action[1:], *as_b, ok=False).output
        assert "Tugas tidak ditemukan" in out, (action, out)
    out = sopbot("task", "input", task_a, "IWK-01=80", *as_b, ok=False).output
    assert "Tugas tidak ditemukan" in out
    assert _snapshot(uow_factory) == before

    # Status of B: B's people and units only.
    status_b = sopbot("status", "--org", OTHER_SLUG, *now).output
    with uow_factory() as uow:
        runs = {r.organisation_id: r.id for r in uow.work.session.scalars(select(Run))}
        org_b = uow.orgs.organisation(OTHER_SLUG)
        assert org_b is not None
        run_b = runs[org_b.id]
    shown = {int(n) for n in re.findall(r"^Pelaksanaan (\d+):", status_b, re.MULTILINE)}
    assert shown == {run_b}
    assert f"#{task_a}\n" not in status_b and "WITA" not in status_b

    # Invites: a NIP of A under --org B is refused.
    out = sopbot(
        "invite", "--org", OTHER_SLUG, "--role", "kabid", "--unit", "BID-IWK", "--person", KABID,
        ok=False,
    ).output  # fmt: skip
    assert KABID in out

    # Reports: --org B gives B's own (empty) figures, never A's.
    out_b = tmp_path / "b.xlsx"
    sopbot(
        "report", "--sop", "kesbangpol", "--period", "2026-TW3", "--org", OTHER_SLUG,
        "--unit", "BID-IWK", "-o", str(out_b), *now,
    )  # fmt: skip
    text = " ".join(
        str(cell.value)
        for sheet in load_workbook(out_b).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )
    assert "(Barat)" in text
    assert text.count("Karakter Bangsa") == text.count("Karakter Bangsa (Barat)")
