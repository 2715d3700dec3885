"""Plt/Plh attribution and report provenance on a database where SOP 004 ran (both backends).

The quarter TW I 2026 is played in April, when the Kabid PDN is Plt Kabid KNPK
(sample organisation): his approval is recorded and shown as "Plt. Kabid".
Reports made with ``sopbot report`` are checked with ``sopbot verify``, then a
figure is corrected in the database and ``verify`` says the file no longer
matches, naming the figure.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.audit import audit
from bot.cli.report import report
from bot.cli.verify import verify
from bot.definitions import load_catalog
from bot.domain.enums import Acting, MeasurementState
from bot.domain.periods import Period
from bot.persistence.models import AuditEvent, RoleAssignment
from bot.reports.collect import ReportRequest, collect_report
from bot.settings import get_settings
from bot.telegram.cards import actor_text
from tests.integration.engine_helpers import WITA, Clock, make_engine, person_id
from tests.integration.seed004_play import (
    BIDANG,
    PLT_KABID_KNPK,
    SOP,
    play_quarter,
)

PLT_NAME = "Syamsuddin Fiktif"
APRIL = datetime(2026, 4, 10, 8, 0, tzinfo=WITA)


def _invoke(command, *args: str, code: int = 0) -> Result:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(command, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def played(monkeypatch: pytest.MonkeyPatch, db_url: str, sample_org: str, uow_factory) -> int:
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    return play_quarter(make_engine(uow_factory), uow_factory, sample_org, "2026-TW1", Clock(APRIL))


def _correct(uow_factory, slug: str, code: str, value: Decimal) -> None:  # type: ignore[no-untyped-def]
    """A new revision of an indicator's TW I figure, written straight into the database."""
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        [indicator] = [
            i
            for unit in uow.orgs.units(org.id)
            for i in uow.indicators.indicators_of_unit(unit.id)
            if i.code == code
        ]
        previous = uow.work.current_measurement(indicator.id, "2026-TW1")
        uow.work.record_measurement(
            indicator.id,
            "2026-TW1",
            value=value,
            entered_by_id=previous.entered_by_id,
            state=MeasurementState.APPROVED,
            run_id=previous.run_id,
            task_id=previous.task_id,
            now=datetime(2026, 5, 4, 9, 0, tzinfo=WITA),
        )
        uow.commit()


def test_reports_verify_until_a_figure_changes(
    played: int, uow_factory, sample_org, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    files = {
        "xlsx": tmp_path / "tw1.xlsx",
        "pdf": tmp_path / "tw1.pdf",
        "html": tmp_path / "tw1.html",
    }
    for path in files.values():
        _invoke(report, "--sop", "kesbangpol", "--period", "2026-TW1", "-o", str(path))
    knpk = tmp_path / "knpk.pdf"
    _invoke(
        report, "--sop", "kesbangpol", "--period", "2026-TW1", "--unit", "BID-KNPK", "-o", str(knpk)
    )
    html = files["html"].read_text(encoding="utf-8")
    assert "Lampiran: Asal Data" in html and PLT_NAME in html
    assert f"org={sample_org} sop={SOP} period=2026-TW1 unit=- sha256=" in html

    for path in [*files.values(), knpk]:
        ok = _invoke(verify, str(path))
        assert ok.output.startswith("COCOK: "), ok.output

    _correct(uow_factory, sample_org, "IWK-02", Decimal(123))
    for kind, path in files.items():
        changed = _invoke(verify, str(path), code=1)
        assert "TIDAK COCOK: data berubah sejak laporan dibuat" in changed.output, kind
        assert "BID-IWK/IWK-02" in changed.output, kind
        assert "BID-IWK/IWK-01" not in changed.output, kind
    # The KNPK report does not contain the corrected figure: it still matches.
    assert _invoke(verify, str(knpk)).output.startswith("COCOK: ")


def test_verify_refuses_what_it_cannot_check(played: int, tmp_path: Path) -> None:
    plain = tmp_path / "bukan.html"
    plain.write_text("<html><body>Laporan lama</body></html>", encoding="utf-8")
    refused = _invoke(verify, str(plain), code=2)
    assert "tidak ada sidik data sopbot" in refused.output
    missing = _invoke(verify, str(tmp_path / "tidak-ada.pdf"), code=2)
    assert "tidak-ada.pdf tidak ada." in missing.output
    foreign = tmp_path / "lain.html"
    foreign.write_text(
        f'<meta name="sopbot-digest" content="sopbot:v1 org=tidak-ada sop={SOP} '
        f'period=2026-TW1 unit=- sha256={"0" * 64}">',
        encoding="utf-8",
    )
    assert "tidak-ada dari berkas tidak ada" in _invoke(verify, str(foreign), code=2).output


def test_the_audit_names_the_plt_kabid(played: int, uow_factory, sample_org) -> None:  # type: ignore[no-untyped-def]
    plt = person_id(uow_factory, sample_org, PLT_KABID_KNPK)
    with uow_factory() as uow:
        approved = [
            dict(e.after or {})
            for e in uow.audit.session.query(AuditEvent).filter(AuditEvent.actor_id == plt).all()
            if e.action == "task_approved"
        ]
    acting = sorted(after["acting_as"]["label"] for after in approved)
    # Kabid of his own bidang, Plt Kabid of BID-KNPK.
    assert acting == ["Kabid", "Plt. Kabid"]
    [plt_entry] = [after for after in approved if after["acting_as"]["acting"] == "plt"]
    assert plt_entry["acting_as"]["role"] == "kabid"

    shown = _invoke(audit, "--run", str(played)).output
    assert f"Jejak audit pelaksanaan {played}" in shown
    assert f"Plt. Kabid {PLT_NAME}" in " ".join(shown.split())
    assert "Disetujui" in shown and "Pelaksanaan dimulai" in shown
    missing = _invoke(audit, "--run", "9999", code=1)
    assert "Pelaksanaan 9999 tidak ditemukan" in missing.output


def test_a_plh_is_named_on_the_card_in_the_audit_and_the_signature(uow_factory, sample_org) -> None:  # type: ignore[no-untyped-def]
    """A Plh Kabid for one week: he approves, and every record says "Plh. Kabid"."""
    engine = make_engine(uow_factory)
    plh_nip = BIDANG["BID-IWK"][1]  # the Kasubid IWK stands in for his Kabid
    plh = person_id(uow_factory, sample_org, plh_nip)
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        iwk = uow.orgs.unit(org.id, "BID-IWK")
        uow.orgs.add(
            RoleAssignment(
                person_id=plh,
                role_key="kabid",
                unit_id=iwk.id,
                acting=Acting.PLH,
                valid_from=date(2026, 10, 12),
                valid_to=date(2026, 10, 16),
            )
        )
        uow.commit()
    clock = Clock()
    run_id = engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now)
    kasubid, analis = (person_id(uow_factory, sample_org, n) for n in BIDANG["BID-IWK"][1:])
    kabid = person_id(uow_factory, sample_org, BIDANG["BID-IWK"][0])
    iwk_name = "Bidang Ideologi, Wawasan Kebangsaan dan Karakter Bangsa"

    def task(person: int, step: int) -> int:
        [found] = [
            t.task_id
            for t in engine.open_tasks(person, now=clock.now)
            if t.step_no == step and t.unit_name == iwk_name
        ]
        return found

    engine.complete_task(task(kabid, 1), kabid, now=clock.advance(minutes=5))
    engine.complete_task(task(kasubid, 2), kasubid, now=clock.advance(minutes=5))
    from tests.integration.engine_helpers import fill_all

    entry = task(analis, 3)
    fill_all(engine, entry, analis, clock.advance(hours=1), value=Decimal(90))
    engine.complete_task(entry, analis, now=clock.advance(minutes=5))
    engine.complete_task(task(kasubid, 4), kasubid, now=clock.advance(hours=1))
    review = task(plh, 5)
    view = engine.task(review, plh, now=clock.now)
    assert view.acting_as == "Plh. Kabid"
    assert actor_text(view, "Hasnawati") == "Plh. Kabid Hasnawati"
    assert engine.task(review, kabid, now=clock.now).acting_as is None
    engine.decide(review, plh, approve=True, now=clock.advance(minutes=30))

    with uow_factory() as uow:
        [entry_row] = [
            e for e in uow.audit.events_for("task", review) if e.action == "task_approved"
        ]
        assert entry_row.after["acting_as"] == {
            "role": "kabid",
            "acting": "plh",
            "label": "Plh. Kabid",
            "unit_id": entry_row.after["acting_as"]["unit_id"],
        }
        org = uow.orgs.organisation(sample_org)
        made = collect_report(
            uow,
            ReportRequest(org.id, SOP, Period.parse("2026-TW3"), "BID-IWK"),
            load_catalog().get(SOP).definition,
            now=clock.now,
        )
    [signed] = made.units[0].signatures
    assert signed.jabatan == "Plh. Kabid" and not signed.jabatan.startswith("a.n.")
    assert made.units[0].rows[0].provenance.approved_by == signed.name
    assert run_id


def test_a_semester_names_each_quarters_own_approver(uow_factory, sample_org) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(uow_factory)
    clock = Clock(APRIL)
    play_quarter(engine, uow_factory, sample_org, "2026-TW1", clock)
    clock.now = datetime(2026, 7, 10, 8, 0, tzinfo=WITA)
    play_quarter(engine, uow_factory, sample_org, "2026-TW2", clock)
    definition = load_catalog().get(SOP).definition
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        request = ReportRequest(org.id, SOP, Period.parse("2026-S1"), "BID-KNPK")
        made = collect_report(uow, request, definition, now=clock.now)
    row = made.units[0].rows[0]
    assert row.quarter_provenance[1].approved_by == PLT_NAME  # Plt until 30 June
    assert row.quarter_provenance[2].approved_by == "Abdul Rahman Fiktif"  # from 1 July
