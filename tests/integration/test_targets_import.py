"""``targets import`` and the template: sample data, Indonesian numbers, precise errors."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from bot.imports import ImportFailed
from bot.imports.targets_import import TargetImportResult, import_targets
from bot.imports.targets_template import (
    EXAMPLE_INDICATOR,
    EXAMPLE_TARGET,
    write_targets_workbook,
)
from bot.persistence.models import Organisation, Unit, UnitKind
from bot.persistence.uow import SqlAlchemyUnitOfWork
from tests.integration.conftest import SAMPLE_DIR, SAMPLE_SLUG, table_snapshot

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def _import(uow_factory: UowFactory, path: Path, slug: str = SAMPLE_SLUG) -> TargetImportResult:
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        result = import_targets(uow, path, org)
        uow.commit()
        return result


def _indicator(**changes: Any) -> dict[str, Any]:
    return {**EXAMPLE_INDICATOR, "kode_unit": "BID-IWK", **changes}


def _target(**changes: Any) -> dict[str, Any]:
    return {**EXAMPLE_TARGET, **changes}


def test_sample_targets(uow_factory: UowFactory, sample_org: str) -> None:
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        indicators = {i.code: i for i in uow.indicators.indicators(org.id)}
        assert len(indicators) == 16
        assert {i.unit.code for i in indicators.values()} == {"BID-IWK", "BID-PDN", "BID-KNPK"}
        konflik = indicators["KNPK-01"]
        assert (konflik.polarity, konflik.lower_formula, konflik.aggregation) == (
            "lower",
            "2t_minus_r",
            "cumulative",
        )
        respons = indicators["KNPK-06"]
        assert (respons.lower_formula, respons.aggregation) == ("t_over_r", "average")
        assert indicators["IWK-05"].aggregation == "last"
        iwk01 = uow.indicators.targets(indicators["IWK-01"].id, 2026)
        assert {t.period: t.value for t in iwk01} == {
            "2026-TAHUNAN": Decimal(80),
            "2026-TW1": Decimal(75),
            "2026-TW2": Decimal("77.5"),  # typed as text "77,5"
            "2026-TW3": Decimal("82.5"),
            "2026-TW4": Decimal(85),
        }
        assert {i.satuan for i in indicators.values()} >= {
            "%",
            "orang",
            "dokumen",
            "kegiatan",
            "kali",
        }


def test_reimport_is_idempotent(uow_factory: UowFactory, sample_org: str, engine: Engine) -> None:
    before = table_snapshot(engine)
    before.pop("audit_events")
    result = _import(uow_factory, SAMPLE_DIR / "targets_2026.xlsx")
    assert (result.indicators.created, result.indicators.updated) == (0, 0)
    assert (result.targets.created, result.targets.updated, result.targets.unchanged) == (0, 0, 80)
    assert result.warnings == []
    after = table_snapshot(engine)
    after.pop("audit_events")
    assert after == before


def test_bad_cells_are_named_and_nothing_changes(
    uow_factory: UowFactory, sample_org: str, engine: Engine, tmp_path: Path
) -> None:
    before = table_snapshot(engine)
    path = tmp_path / "bad.xlsx"
    indicators = [
        _indicator(kode="NEW-1"),  # valid, must not be written either
        _indicator(kode="NEW-2", kode_unit="BID-XYZ"),
        _indicator(kode="NEW-3", polaritas="naik turun"),
    ]
    targets = [_target(kode=f"IWK-0{n}") for n in range(1, 6)]
    targets.append(_target(kode="IWK-02", tahun=2027, tw2="sepuluh"))  # sheet row 7
    targets.append(_target(kode="TIDAK-ADA"))
    targets.append(_target(kode="IWK-03", tahun=2027, tw1="1.5"))
    write_targets_workbook(path, indicators, targets)
    with pytest.raises(ImportFailed) as failed:
        _import(uow_factory, path)
    report = failed.value.report()
    assert "Sheet Target, baris 7, kolom TW2: 'sepuluh' bukan angka" in report
    assert "Sheet Indikator, baris 3, kolom Kode Unit: unit 'BID-XYZ' tidak ada" in report
    assert "Sheet Indikator, baris 4, kolom Polaritas: 'naik turun' tidak dikenal" in report
    assert "Sheet Target, baris 8, kolom Kode Indikator: indikator 'TIDAK-ADA' tidak ada" in report
    assert "Sheet Target, baris 9, kolom TW1: '1.5' bukan angka yang sah" in report
    assert report.startswith("Impor dibatalkan, tidak ada data yang diubah")
    assert table_snapshot(engine) == before


def test_limits_and_duplicates(uow_factory: UowFactory, sample_org: str, tmp_path: Path) -> None:
    path = tmp_path / "limits.xlsx"
    write_targets_workbook(
        path,
        [_indicator(kode="P-1", maks=100)],
        [_target(kode="P-1", tw3=120), _target(kode="P-1", tw1=-5)],
    )
    with pytest.raises(ImportFailed) as failed:
        _import(uow_factory, path)
    report = failed.value.report()
    assert "Sheet Target, baris 2, kolom TW3: 120 melebihi nilai maksimum 100" in report
    assert "Sheet Target, baris 3, kolom Tahun: target P-1 tahun 2026 sudah ada di atas" in report


def test_quarters_that_do_not_add_up_give_a_warning(
    uow_factory: UowFactory, sample_org: str, tmp_path: Path
) -> None:
    path = tmp_path / "warn.xlsx"
    write_targets_workbook(
        path,
        [_indicator(kode="W-1", agregasi="kumulatif", satuan="orang", maks=None)],
        [_target(kode="W-1", tahunan=100, tw1=10, tw2=10, tw3=10, tw4=10)],
    )
    result = _import(uow_factory, path)
    assert result.targets.created == 5
    assert result.warnings == [
        "Sheet Target, baris 2: W-1 agregasi cumulative TW1-TW4 = 40, target tahunan 100"
    ]


def test_missing_target_sheet(uow_factory: UowFactory, sample_org: str, tmp_path: Path) -> None:
    path = tmp_path / "no_target.xlsx"
    write_targets_workbook(path, [_indicator(kode="X-1")], [])
    workbook = load_workbook(path)
    del workbook["Target"]
    workbook.save(path)
    with pytest.raises(ImportFailed, match="Sheet Target: sheet ini tidak ada di berkas"):
        _import(uow_factory, path)


def test_template_has_dropdowns_and_imports_as_is(uow_factory: UowFactory, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_targets_workbook(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Petunjuk", "Indikator", "Target", "Target Bulanan"]
    monthly_headers = [c.value for c in workbook["Target Bulanan"][1]]
    assert monthly_headers[:3] == ["Kode Indikator", "Tahun", "Januari"]
    assert monthly_headers[-1] == "Desember"
    sheet = workbook["Indikator"]
    headers = [c.value for c in sheet[1]]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    polarity = f"{chr(65 + headers.index('Polaritas'))}2:{chr(65 + headers.index('Polaritas'))}1000"
    assert lists[polarity] == '"tinggi,rendah"'
    assert '"kumulatif,terakhir,rata-rata"' in lists.values()
    with uow_factory() as uow:
        org = Organisation(slug="tpl", name="Templat")
        uow.orgs.add(org)
        uow.orgs.add(Unit(organisation=org, code="BID-1", name="Bidang 1", kind=UnitKind.BIDANG))
        uow.commit()
    result = _import(uow_factory, path, "tpl")
    assert (result.indicators.created, result.targets.created) == (1, 5)


def _monthly(**values: Any) -> dict[str, Any]:
    return {"kode": "IWK-01", "tahun": 2026, **values}


def test_monthly_targets_are_imported(
    uow_factory: UowFactory, sample_org: str, tmp_path: Path
) -> None:
    path = tmp_path / "bulanan.xlsx"
    targets = [_target(kode="IWK-01", tahunan=80, tw1=75, tw2="77,5", tw3="82,5", tw4=85)]
    monthly = [
        _monthly(b10=84, b11=85, b12=86),  # average 85 = TW4
        _monthly(kode="IWK-02", b01=10, b02=20, b03=30),  # cumulative 60, TW1 target 50
    ]
    write_targets_workbook(path, [], targets, monthly=monthly)
    result = _import(uow_factory, path)
    assert result.targets.created == 6
    assert result.warnings == [
        "Sheet Target Bulanan, baris 3: IWK-02 agregasi cumulative bulan 1-3 = 60, "
        "target Triwulan I 2026 50"
    ]
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        assert org is not None
        iwk01 = uow.indicators.indicator(org.id, "IWK-01")
        assert iwk01 is not None
        found = {t.period: t.value for t in uow.indicators.targets(iwk01.id, 2026)}
        assert found["2026-10"] == Decimal(84) and found["2026-12"] == Decimal(86)
        assert found["2026-TW4"] == Decimal(85)
    again = _import(uow_factory, path)
    assert (again.targets.created, again.targets.updated) == (0, 0)


def test_bad_monthly_cells_are_named_and_nothing_changes(
    uow_factory: UowFactory, sample_org: str, engine: Engine, tmp_path: Path
) -> None:
    before = table_snapshot(engine)
    path = tmp_path / "bulanan-salah.xlsx"
    monthly = [
        _monthly(b10="delapan puluh", b11=85),  # row 2
        _monthly(kode="TIDAK-ADA", b01=1),  # row 3
        _monthly(b11=85),  # row 4: IWK-01 2026 again
        _monthly(kode="IWK-02"),  # row 5: nothing filled
        _monthly(kode="IWK-03", b02=-1),  # row 6
    ]
    # The Target sheet is valid and would be written without the monthly sheet's problems.
    write_targets_workbook(path, [], [_target(kode="IWK-01", tw1=70)], monthly=monthly)
    with pytest.raises(ImportFailed) as failed:
        _import(uow_factory, path)
    report = failed.value.report()
    assert "Sheet Target Bulanan, baris 2, kolom Oktober: 'delapan puluh' bukan angka" in report
    assert (
        "Sheet Target Bulanan, baris 3, kolom Kode Indikator: indikator 'TIDAK-ADA' tidak ada"
    ) in report
    assert (
        "Sheet Target Bulanan, baris 4, kolom Tahun: target IWK-01 tahun 2026 sudah ada di atas"
    ) in report
    assert (
        "Sheet Target Bulanan, baris 5, kolom Januari: tidak ada target bulanan yang diisi"
    ) in report
    assert "Sheet Target Bulanan, baris 6, kolom Februari: -1 negatif" in report
    assert table_snapshot(engine) == before
