"""Plausibility at entry through the engine, the targets import and the CLI (both backends).

BID-IWK of the sample organisation, Triwulan III 2026. IWK-02 (orang, cumulative,
target 150) had 35 in Triwulan II, so 147 is 4,2 times the previous quarter.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from bot.definitions import load_catalog
from bot.engine import Engine, InputLine, KendalaRequired, NeedsConfirmation
from bot.imports import ImportFailed
from bot.imports.targets_import import import_targets
from bot.imports.targets_template import EXAMPLE_INDICATOR, EXAMPLE_TARGET, write_targets_workbook
from bot.persistence.uow import SqlAlchemyUnitOfWork
from tests.integration.engine_helpers import (
    ROOT,
    Clock,
    finish,
    make_engine,
    person_id,
    single_task,
)
from tests.integration.seed004_play import BIDANG, SOP
from tests.integration.test_report_collect import MONTHLY, monthly_definition

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
KABID, KASUBID, ANALIS = BIDANG["BID-IWK"]


@pytest.fixture
def sop_engine(uow_factory: UowFactory, sample_org: str) -> Engine:
    return make_engine(uow_factory)


def _codes(engine: Engine, task: int, person: int, now) -> dict[str, InputLine]:  # type: ignore[no-untyped-def]
    return {line.code: line for line in engine.input_sheet(task, person, now=now)}


def _previous_quarter(
    uow_factory: UowFactory, slug: str, code: str, value: str, *, period: str = "2026-TW2"
) -> None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        indicator = uow.indicators.indicator(org.id, code)
        assert indicator is not None
        uow.work.record_measurement(indicator.id, period, value=Decimal(value), entered_by_id=None)
        uow.commit()


def _entry_task(
    engine: Engine,
    uow_factory: UowFactory,
    slug: str,
    clock: Clock,
    *,
    sop: str = SOP,
    period: str = "2026-TW3",
) -> tuple[int, int]:
    """Steps 1-2 for BID-IWK; (the analyst's input task, the analyst)."""
    engine.start_run(sop, slug, period, now=clock.now, units=["BID-IWK"])
    finish(engine, person_id(uow_factory, slug, KABID), 1, clock.advance(minutes=5))
    finish(engine, person_id(uow_factory, slug, KASUBID), 2, clock.advance(minutes=5))
    analis = person_id(uow_factory, slug, ANALIS)
    return single_task(engine, analis, clock.now, 3), analis


def _flags(uow_factory: UowFactory, indicator_id: int) -> list[str]:
    with uow_factory() as uow:
        current = uow.work.current_measurement(indicator_id, "2026-TW3")
        assert current is not None
        return list(current.flags)


def _jump_refused(
    engine: Engine, task: int, analis: int, clock: Clock, previous_period: str
) -> tuple[InputLine, NeedsConfirmation]:
    """IWK-02 is compared with 35 (``previous_period``'s figure): 147 is refused as a jump."""
    iwk02 = _codes(engine, task, analis, clock.now)["IWK-02"]
    assert iwk02.checks is not None and iwk02.checks.previous == Decimal(35)
    assert iwk02.checks.previous_period == previous_period
    with pytest.raises(NeedsConfirmation) as refused:
        engine.save_value(task, analis, iwk02.indicator_id, now=clock.now, value=Decimal(147))
    assert [c.kind.value for c in refused.value.concerns] == ["jump"]
    return iwk02, refused.value


def test_a_jump_must_be_confirmed_and_is_kept_as_a_flag(
    sop_engine: Engine, uow_factory: UowFactory, sample_org: str
) -> None:
    clock = Clock()
    _previous_quarter(uow_factory, sample_org, "IWK-02", "35")
    task, analis = _entry_task(sop_engine, uow_factory, sample_org, clock)
    iwk02, refused = _jump_refused(sop_engine, task, analis, clock, "2026-TW2")
    assert "Perhatian: nilai ini 4,2 kali triwulan lalu (35)" in str(refused)
    with uow_factory() as uow:  # nothing was saved
        assert uow.work.current_measurement(iwk02.indicator_id, "2026-TW3") is None
    with pytest.raises(NeedsConfirmation):  # confirming another kind does not do
        sop_engine.save_value(
            task, analis, iwk02.indicator_id, now=clock.now, value=Decimal(147),
            confirmed={"over_100"},
        )  # fmt: skip

    sop_engine.save_value(
        task, analis, iwk02.indicator_id, now=clock.now, value=Decimal(147), confirmed={"jump"}
    )
    assert _flags(uow_factory, iwk02.indicator_id) == ["jump"]
    # Adding a kendala repeats the value: not asked again, the flag stays.
    sop_engine.save_value(
        task, analis, iwk02.indicator_id, now=clock.now, value=Decimal(147), kendala="Tidak ada"
    )
    assert _flags(uow_factory, iwk02.indicator_id) == ["jump"]
    # A new, ordinary value drops it.
    sop_engine.save_value(task, analis, iwk02.indicator_id, now=clock.now, value=Decimal(60))
    assert _flags(uow_factory, iwk02.indicator_id) == []


def test_a_monthly_figure_is_checked_against_the_month_before(
    uow_factory: UowFactory, sample_org: str, tmp_path: Path
) -> None:
    """The card's checks and the save's read the same earlier figures: for a month, the
    month before (not only the quarters)."""
    catalog = load_catalog([ROOT / "sop_definitions", monthly_definition(tmp_path / "m.yaml")])
    engine, clock = Engine(uow_factory, catalog), Clock()
    _previous_quarter(uow_factory, sample_org, "IWK-02", "35", period="2026-09")
    task, analis = _entry_task(
        engine, uow_factory, sample_org, clock, sop=MONTHLY, period="2026-10"
    )
    _jump_refused(engine, task, analis, clock, "2026-09")


def test_the_indicator_and_the_organisation_decide_how_strict(
    sop_engine: Engine, uow_factory: UowFactory, sample_org: str
) -> None:
    clock = Clock()
    _previous_quarter(uow_factory, sample_org, "IWK-02", "35")
    _previous_quarter(uow_factory, sample_org, "IWK-03", "3")
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        iwk02 = uow.indicators.indicator(org.id, "IWK-02")
        assert iwk02 is not None
        iwk02.jump_factor = Decimal(5)
        uow.commit()
    task, analis = _entry_task(sop_engine, uow_factory, sample_org, clock)
    lines = _codes(sop_engine, task, analis, clock.now)
    # IWK-02 allows five times; IWK-03 keeps the organisation's three.
    sop_engine.save_value(
        task, analis, lines["IWK-02"].indicator_id, now=clock.now, value=Decimal(147)
    )
    with pytest.raises(NeedsConfirmation):
        sop_engine.save_value(
            task, analis, lines["IWK-03"].indicator_id, now=clock.now, value=Decimal(12)
        )
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        org.oversight_policy = {"plausibility_checks": False}
        uow.commit()
    sop_engine.save_value(
        task, analis, lines["IWK-03"].indicator_id, now=clock.now, value=Decimal(12)
    )
    assert _flags(uow_factory, lines["IWK-03"].indicator_id) == []


def test_below_the_threshold_kendala_and_tindak_lanjut_are_required_to_submit(
    sop_engine: Engine, uow_factory: UowFactory, sample_org: str
) -> None:
    clock = Clock()
    task, analis = _entry_task(sop_engine, uow_factory, sample_org, clock)
    lines = _codes(sop_engine, task, analis, clock.now)
    figures = {"IWK-01": "82.5", "IWK-02": "90", "IWK-03": "3", "IWK-04": "1", "IWK-05": "40"}
    for code, value in figures.items():
        sop_engine.save_value(
            task, analis, lines[code].indicator_id, now=clock.now, value=Decimal(value)
        )
    # IWK-02 90 of 150 is 60 %; IWK-05 40 of 68 is 58,82 %.
    with pytest.raises(KendalaRequired) as refused:
        sop_engine.complete_task(task, analis, now=clock.now)
    message = str(refused.value)
    assert (
        "2 indikator dengan capaian di bawah 90% wajib diisi kendala dan tindak lanjut" in message
    )
    assert "IWK-02 Jumlah peserta pendidikan wawasan kebangsaan" in message and "IWK-05" in message

    iwk02, iwk05 = lines["IWK-02"].indicator_id, lines["IWK-05"].indicator_id
    sop_engine.save_value(task, analis, iwk02, now=clock.now, value=Decimal(90), kendala="Hujan")
    sop_engine.save_value(
        task, analis, iwk05, now=clock.now, value=Decimal(40),
        kendala="Survei belum selesai", tindak_lanjut="Survei susulan",
    )  # fmt: skip
    with pytest.raises(KendalaRequired) as still:  # a kendala alone is not enough
        sop_engine.complete_task(task, analis, now=clock.now)
    assert "1 indikator" in str(still.value) and "IWK-05" not in str(still.value)
    sop_engine.save_value(
        task, analis, iwk02, now=clock.now, value=Decimal(90), tindak_lanjut="Jadwal ulang"
    )
    sop_engine.complete_task(task, analis, now=clock.now)


def test_an_organisation_sets_its_own_threshold(
    sop_engine: Engine, uow_factory: UowFactory, sample_org: str
) -> None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        org.oversight_policy = {"kendala_below_percent": 50}
        uow.commit()
    clock = Clock()
    task, analis = _entry_task(sop_engine, uow_factory, sample_org, clock)
    lines = _codes(sop_engine, task, analis, clock.now)
    for line in lines.values():
        value = line.target * Decimal("0.6") if line.target else Decimal(1)
        sop_engine.save_value(task, analis, line.indicator_id, now=clock.now, value=value)
    sop_engine.complete_task(task, analis, now=clock.now)  # 60 % is above 50 %


# --- the targets import ---------------------------------------------------------------------
def _import(uow_factory: UowFactory, slug: str, path: Path) -> None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        import_targets(uow, path, org)
        uow.commit()


def test_the_jump_factor_column_of_the_targets_workbook(
    uow_factory: UowFactory, sample_org: str, tmp_path: Path
) -> None:
    path = tmp_path / "faktor.xlsx"
    rows = [
        {**EXAMPLE_INDICATOR, "kode_unit": "BID-IWK", "kode": "J-1", "faktor_lonjakan": "2,5"},
        {**EXAMPLE_INDICATOR, "kode_unit": "BID-IWK", "kode": "J-2"},
    ]
    write_targets_workbook(path, rows, [{**EXAMPLE_TARGET, "kode": "J-1"}])
    _import(uow_factory, sample_org, path)
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        found = {code: uow.indicators.indicator(org.id, code) for code in ("J-1", "J-2")}
        assert found["J-1"] is not None and found["J-1"].jump_factor == Decimal("2.5")
        assert found["J-2"] is not None and found["J-2"].jump_factor is None

    wrong = tmp_path / "salah.xlsx"
    rows = [
        {**EXAMPLE_INDICATOR, "kode_unit": "BID-IWK", "kode": "J-3", "faktor_lonjakan": 1},
        {**EXAMPLE_INDICATOR, "kode_unit": "BID-IWK", "kode": "J-4", "faktor_lonjakan": "tiga"},
    ]
    write_targets_workbook(wrong, rows, [{**EXAMPLE_TARGET, "kode": "J-3"}])
    with pytest.raises(ImportFailed) as failed:
        _import(uow_factory, sample_org, wrong)
    report = failed.value.report()
    assert (
        "Sheet Indikator, baris 2, kolom Faktor Lonjakan: 1 tidak sah: harus lebih dari 1" in report
    )
    assert "Sheet Indikator, baris 3, kolom Faktor Lonjakan: 'tiga' bukan angka" in report


# --- the command line -----------------------------------------------------------------------


def test_the_cli_shows_concerns_saves_with_yakin_and_requires_kendala(
    sopbot,
    uow_factory: UowFactory,
    sample_org: str,  # type: ignore[no-untyped-def]
) -> None:
    _previous_quarter(uow_factory, sample_org, "IWK-02", "35")
    engine = make_engine(uow_factory)
    task, _ = _entry_task(engine, uow_factory, sample_org, Clock())
    now = "2026-10-12T10:00"
    args = ("task", "input", str(task), "--as", ANALIS, "--now", now)

    help_text = sopbot("task", "input", "--help").output
    assert "--yakin" in help_text and "--kendala" in help_text

    asked = sopbot(*args, "IWK-01=82,5", "IWK-02=147", ok=False)
    assert "IWK-02: Perhatian: nilai ini 4,2 kali triwulan lalu (35)" in asked.output
    assert "Tidak ada yang disimpan" in asked.output and "--yakin" in asked.output
    assert "Tersimpan" not in asked.output

    saved = sopbot(*args, "IWK-01=82,5", "IWK-02=147", "--yakin")
    assert "Tersimpan sebagai draf (2 indikator)" in saved.output
    low = sopbot(*args, "IWK-03=3", "IWK-04=1", "IWK-05=40")
    assert "Wajib diisi kendala dan tindak lanjut (capaian di bawah 90%): IWK-05." in low.output
    assert '--kendala IWK-05="..."' in low.output

    refused = sopbot("task", "done", str(task), "--as", ANALIS, "--now", now, ok=False)
    assert "capaian di bawah 90% wajib diisi kendala dan tindak lanjut" in refused.output
    noted = sopbot(
        *args,
        "--kendala",
        "IWK-05=Survei belum selesai",
        "--tindak-lanjut",
        "IWK-05=Survei susulan",
    )
    assert "Semua indikator terisi" in noted.output
    sopbot("task", "done", str(task), "--as", ANALIS, "--now", now)
    lines = _codes(engine, task, person_id(uow_factory, sample_org, ANALIS), Clock().now)
    assert lines["IWK-05"].kendala == "Survei belum selesai"
    assert lines["IWK-05"].value == Decimal(40)
    assert _flags(uow_factory, lines["IWK-02"].indicator_id) == ["jump"]


def test_the_engine_applies_the_hard_limits_for_every_front_end(uow_factory, sample_org) -> None:
    """The chat refuses these before saving; the engine refuses them too (CLI, scripts)."""
    from decimal import Decimal

    from bot.engine import InvalidInput
    from tests.integration.engine_helpers import Clock, finish, make_engine, person_id
    from tests.integration.seed004_play import BIDANG, SOP

    engine, clock = make_engine(uow_factory), Clock()
    engine.start_run(SOP, sample_org, "2026-TW3", now=clock.now, units=["BID-IWK"])
    kabid, kasubid, analis = (person_id(uow_factory, sample_org, n) for n in BIDANG["BID-IWK"])
    finish(engine, kabid, 1, clock.now)
    finish(engine, kasubid, 2, clock.now)
    [task] = [t.task_id for t in engine.open_tasks(analis, now=clock.now)]
    lines = {
        line.code: line.indicator_id for line in engine.input_sheet(task, analis, now=clock.now)
    }
    with pytest.raises(InvalidInput, match=r"IWK-01: .*melebihi batas"):
        engine.save_value(task, analis, lines["IWK-01"], value=Decimal(850), now=clock.now)
    with pytest.raises(InvalidInput, match="IWK-02: Nilai tidak boleh negatif"):
        engine.save_value(task, analis, lines["IWK-02"], value=Decimal(-3), now=clock.now)
    with pytest.raises(InvalidInput, match="terlalu besar"):
        engine.save_value(task, analis, lines["IWK-02"], value=Decimal("1e14"), now=clock.now)
    with uow_factory() as uow:
        assert uow.work.current_measurement(lines["IWK-01"], "2026-TW3") is None
