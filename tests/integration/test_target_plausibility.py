"""Issue 16 (4): the absurd inputs of the issue, through the engine and ``sopbot task input``.

BID-PDN of the sample organisation, Triwulan III 2026: PDN-02 "Jumlah kegiatan pendidikan
politik" (kegiatan, target 2), PDN-05 "Jumlah organisasi kemasyarakatan yang dibina"
(organisasi, target 5).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from bot.engine import Engine, NeedsConfirmation
from bot.persistence.uow import SqlAlchemyUnitOfWork
from tests.integration.engine_helpers import Clock, finish, make_engine, person_id, single_task
from tests.integration.seed004_play import BIDANG, SOP

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
KABID, KASUBID, ANALIS = BIDANG["BID-PDN"]
NOW = "2026-10-12T10:00"


def _entry_task(uow_factory: UowFactory, slug: str) -> tuple[Engine, int, int]:
    engine, clock = make_engine(uow_factory), Clock()
    engine.start_run(SOP, slug, "2026-TW3", now=clock.now, units=["BID-PDN"])
    finish(engine, person_id(uow_factory, slug, KABID), 1, clock.advance(minutes=5))
    finish(engine, person_id(uow_factory, slug, KASUBID), 2, clock.advance(minutes=5))
    analis = person_id(uow_factory, slug, ANALIS)
    return engine, single_task(engine, analis, clock.now, 3), analis


def _value(uow_factory: UowFactory, slug: str, code: str) -> Decimal | None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        indicator = uow.indicators.indicator(org.id, code)
        assert indicator is not None
        current = uow.work.current_measurement(indicator.id, "2026-TW3")
        return None if current is None else current.value


def test_the_engine_holds_a_value_far_from_its_target(
    uow_factory: UowFactory, sample_org: str
) -> None:
    engine, task, analis = _entry_task(uow_factory, sample_org)
    lines = {line.code: line for line in engine.input_sheet(task, analis, now=Clock().now)}
    pdn05 = lines["PDN-05"]
    assert pdn05.checks is not None and pdn05.checks.target == Decimal(5)
    with pytest.raises(NeedsConfirmation) as held:
        engine.save_value(task, analis, pdn05.indicator_id, now=Clock().now, value=Decimal(1250))
    assert "nilai ini 250 kali target (5)" in str(held.value)
    assert _value(uow_factory, sample_org, "PDN-05") is None
    engine.save_value(
        task,
        analis,
        pdn05.indicator_id,
        now=Clock().now,
        value=Decimal(1250),
        confirmed=frozenset({"target"}),
    )
    assert _value(uow_factory, sample_org, "PDN-05") == Decimal(1250)


def test_the_indicator_sets_its_own_target_factor(uow_factory: UowFactory, sample_org: str) -> None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        indicator = uow.indicators.indicator(org.id, "PDN-05")
        assert indicator is not None
        indicator.target_factor = Decimal(500)
        org.oversight_policy = {"target_factor": 2}
        uow.commit()
    engine, task, analis = _entry_task(uow_factory, sample_org)
    lines = {line.code: line for line in engine.input_sheet(task, analis, now=Clock().now)}
    engine.save_value(
        task, analis, lines["PDN-05"].indicator_id, now=Clock().now, value=Decimal(1250)
    )
    with pytest.raises(NeedsConfirmation):  # the organisation's 2 for PDN-02
        engine.save_value(
            task, analis, lines["PDN-02"].indicator_id, now=Clock().now, value=Decimal(5)
        )


def test_the_cli_refuses_money_and_holds_a_far_value(sopbot, uow_factory, sample_org) -> None:  # type: ignore[no-untyped-def]
    _, task, _ = _entry_task(uow_factory, sample_org)
    args = ("task", "input", str(task), "--as", ANALIS, "--now", NOW)

    money = sopbot(*args, "PDN-02=Rp 1.250.000", ok=False)
    assert "PDN-02" in money.output and "uang" in money.output and "kegiatan" in money.output
    assert "Tidak ada yang disimpan" in money.output
    assert _value(uow_factory, sample_org, "PDN-02") is None

    held = sopbot(*args, "PDN-05=1.250", ok=False)
    assert "PDN-05: Perhatian: nilai ini 250 kali target (5)" in held.output
    assert "--yakin" in held.output and "Tersimpan" not in held.output
    assert _value(uow_factory, sample_org, "PDN-05") is None

    saved = sopbot(*args, "PDN-05=1.250", "--yakin")
    assert "Tersimpan sebagai draf (1 indikator)" in saved.output
    assert _value(uow_factory, sample_org, "PDN-05") == Decimal(1250)


def test_the_target_factor_column_of_the_targets_workbook(
    uow_factory: UowFactory, sample_org: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from bot.imports import ImportFailed
    from bot.imports.targets_import import import_targets
    from bot.imports.targets_template import (
        EXAMPLE_INDICATOR,
        EXAMPLE_TARGET,
        write_targets_workbook,
    )

    def load(path) -> None:  # type: ignore[no-untyped-def]
        with uow_factory() as uow:
            org = uow.orgs.organisation(sample_org)
            assert org is not None
            import_targets(uow, path, org)
            uow.commit()

    path = tmp_path / "faktor.xlsx"
    rows = [
        {**EXAMPLE_INDICATOR, "kode_unit": "BID-PDN", "kode": "F-1", "faktor_target": 50},
        {**EXAMPLE_INDICATOR, "kode_unit": "BID-PDN", "kode": "F-2"},
    ]
    write_targets_workbook(path, rows, [{**EXAMPLE_TARGET, "kode": "F-1"}])
    load(path)
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        one, two = (uow.indicators.indicator(org.id, code) for code in ("F-1", "F-2"))
        assert one is not None and one.target_factor == Decimal(50)
        assert two is not None and two.target_factor is None

    wrong = tmp_path / "salah.xlsx"
    rows = [{**EXAMPLE_INDICATOR, "kode_unit": "BID-PDN", "kode": "F-3", "faktor_target": "1"}]
    write_targets_workbook(wrong, rows, [{**EXAMPLE_TARGET, "kode": "F-3"}])
    with pytest.raises(ImportFailed) as failed:
        load(wrong)
    assert "kolom Faktor Target: 1 tidak sah: harus lebih dari 1" in failed.value.report()


def test_evidence_is_kept_once_per_task_and_seen_by_the_next_round(
    uow_factory: UowFactory, sample_org: str
) -> None:
    """Issue 16 (3): files for the whole input task, by run and unit (both backends)."""
    from bot.engine import actions
    from bot.engine.card import read_card
    from bot.engine.errors import EngineError

    _, task, analis = _entry_task(uow_factory, sample_org)
    photo = {"kind": "photo", "file_id": "F1", "file_unique_id": "U1"}
    document = {"kind": "document", "file_id": "F2", "file_unique_id": "U2", "file_name": "a.pdf"}
    with uow_factory() as uow:
        assert actions.add_task_evidence(uow, task, analis, photo, now=Clock().now)
        assert not actions.add_task_evidence(uow, task, analis, photo, now=Clock().now)
        assert actions.add_task_evidence(uow, task, analis, document, now=Clock().now)
        uow.commit()
    with uow_factory() as uow:
        card = read_card(uow, task, analis, Clock().now)
        assert [e["file_id"] for e in card.evidence] == ["F1", "F2"]
        assert card.evidence_count == 2
    kabid = person_id(uow_factory, sample_org, KABID)
    with uow_factory() as uow, pytest.raises(EngineError):  # not the Kabid's task
        actions.add_task_evidence(uow, task, kabid, {"file_id": "F3"}, now=Clock().now)
