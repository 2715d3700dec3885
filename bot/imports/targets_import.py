"""``sopbot targets import``: indicators and their yearly, quarterly and monthly targets.

Upsert by indicator code within the organisation and by (indicator, period)
for targets; a blank target cell leaves a stored target alone. Monthly targets
(``2026-10``) come from the optional sheet "Target Bulanan". Consistency of
quarters with the year, and of a quarter's three months with the quarter, is
reported as warnings, not errors: Rencana Aksi practice differs between units.
The whole workbook is checked first; one problem anywhere and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.domain.capaian import Aggregation, LowerFormula, Polarity
from bot.domain.periods import Period, PeriodKind
from bot.imports.cells import Record
from bot.imports.org_import import Change, Counts, _update, noted, numbers
from bot.imports.problems import Location, Problems
from bot.imports.tables import sheet_records
from bot.imports.targets_layout import (
    AGGREGATION,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    LOWER_FORMULA,
    MONTH_KEYS,
    MONTHLY_COLUMNS,
    MONTHLY_SHEET,
    POLARITY,
    QUARTER_KEYS,
    TARGET_COLUMNS,
    TARGET_SHEET,
)
from bot.persistence.models import Indicator, Organisation, Target
from bot.persistence.uow import AbstractUnitOfWork

JUMP_FACTOR_LIMIT = 1000
TARGET_FACTOR_LIMIT = 100000


@dataclass
class TargetImportResult:
    slug: str
    indicators: Counts = field(default_factory=Counts)
    targets: Counts = field(default_factory=Counts)
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    """What is new or changed, in file order (issue 19: the preview before "Simpan")."""

    def summary(self) -> str:
        lines = [
            f"Organisasi {self.slug}.",
            f"Indikator: {self.indicators}",
            f"Target: {self.targets}",
        ]
        lines += [f"Peringatan: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True)
class _TargetRow:
    record: Record
    code: str
    year: int
    values: dict[str, Decimal]
    """Period string -> value, only for the cells that were filled."""
    columns: dict[str, str]
    """Period string -> the column (key) it was read from, for messages."""
    monthly: bool = False


def import_targets(
    uow: AbstractUnitOfWork, path: Path, org: Organisation, *, actor_id: int | None = None
) -> TargetImportResult:
    """Read the workbook and write it into ``org``; raise ``ImportFailed`` on any problem.

    ``actor_id``: the admin who sent the workbook in the chat (None: the command line)."""
    problems = Problems()
    indicator_records, target_records, monthly_records = _read(path, problems)
    result = TargetImportResult(org.slug)
    indicators = _indicators(
        uow, org, indicator_records, problems, result.indicators, result.changes
    )
    rows = [row for r in target_records if (row := _target_row(r)) is not None]
    rows += [row for r in monthly_records if (row := _month_row(r)) is not None]
    seen: set[tuple[str, int, bool]] = set()
    checked: list[tuple[_TargetRow, Indicator]] = []
    for row in rows:
        indicator = indicators.get(row.code) or uow.indicators.indicator(org.id, row.code)
        if indicator is None:
            row.record.fail("kode", f"indikator '{row.code}' tidak ada di sheet Indikator")
            continue
        if (row.code, row.year, row.monthly) in seen:
            row.record.fail("tahun", f"target {row.code} tahun {row.year} sudah ada di atas")
            continue
        seen.add((row.code, row.year, row.monthly))
        _check_values(row, indicator, result.warnings)
        checked.append((row, indicator))
    _check_months(checked, result.warnings)
    problems.raise_if_any()
    for row, indicator in checked:
        _write_targets(uow, indicator, row, result.targets, result.changes)
    uow.audit.record(
        "targets_import",
        "organisation",
        org.id,
        actor_id=actor_id,
        after={"indicators": numbers(result.indicators), "targets": numbers(result.targets)},
    )
    return result


def _read(path: Path, problems: Problems) -> tuple[list[Record], list[Record], list[Record]]:
    from openpyxl import load_workbook

    if path.suffix.lower() != ".xlsx":
        problems.add(Location(), None, "berkas target harus .xlsx (buat dengan targets template)")
        problems.raise_if_any()
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        problems.add(Location(), None, f"berkas XLSX tidak dapat dibaca ({exc})")
        problems.raise_if_any()
        raise
    try:
        indicators = sheet_records(
            workbook, [INDICATOR_SHEET], INDICATOR_COLUMNS, problems, required=False
        )
        targets = sheet_records(workbook, [TARGET_SHEET], TARGET_COLUMNS, problems)
        monthly = sheet_records(
            workbook, [MONTHLY_SHEET], MONTHLY_COLUMNS, problems, required=False
        )
    finally:
        workbook.close()
    return indicators, targets, monthly


def _indicators(
    uow: AbstractUnitOfWork,
    org: Organisation,
    records: list[Record],
    problems: Problems,
    counts: Counts,
    changes: list[Change],
) -> dict[str, Indicator]:
    units = {u.code: u for u in uow.orgs.units(org.id)}
    found: dict[str, Indicator] = {}
    for r in records:
        values = _indicator_values(r, units)
        code = r.text("kode", required=True)
        if code is None or values is None:
            continue
        if code in found:
            r.fail("kode", f"kode indikator '{code}' sudah dipakai di atas")
            continue
        indicator = uow.indicators.indicator(org.id, code)
        if indicator is None:
            indicator = Indicator(organisation_id=org.id, code=code, **values)
            if not problems:
                uow.indicators.add(indicator)
            status = counts.tally(True, False, code)
        else:
            status = counts.tally(False, _update(indicator, values), code)
        noted(changes, status, f"Indikator {code} {values['name']}")
        found[code] = indicator
    return found


def _indicator_values(r: Record, units: dict[str, Any]) -> dict[str, Any] | None:
    unit_code = r.text("kode_unit", required=True)
    unit = units.get(unit_code) if unit_code else None
    if unit_code and unit is None:
        r.fail("kode_unit", f"unit '{unit_code}' tidak ada; impor organisasi dulu")
    name, satuan = r.text("nama", required=True), r.text("satuan", required=True)
    polarity = r.choice("polaritas", POLARITY, default=Polarity.HIGHER_IS_BETTER.value)
    formula = r.choice("rumus", LOWER_FORMULA, default=LowerFormula.TWO_T_MINUS_R.value)
    aggregation = r.choice("agregasi", AGGREGATION, default=Aggregation.CUMULATIVE.value)
    precision = r.integer("presisi")
    if precision is not None and not 0 <= precision <= 6:
        r.fail("presisi", f"{precision} di luar 0-6")
        precision = None
    allow_negative = r.boolean("boleh_negatif", default=False)
    maximum = r.number("maks")
    jump_factor = _jump_factor(r)
    target_factor = _factor(r, "faktor_target", "10 = sepuluh kali target")
    if None in (unit, name, satuan, polarity, formula, aggregation):
        return None
    return {
        "unit": unit,
        "name": name,
        "sasaran": r.text("sasaran") or "",
        "satuan": satuan,
        "polarity": polarity,
        "lower_formula": formula,
        "aggregation": aggregation,
        "precision": 2 if precision is None else precision,
        "allow_negative": allow_negative,
        "max_value": maximum,
        "jump_factor": jump_factor,
        "target_factor": target_factor,
    }


def _jump_factor(r: Record) -> Decimal | None:
    """The indicator's own jump factor (as the oversight policy's: above 1, at most 1000)."""
    factor = r.number("faktor_lonjakan")
    if factor is not None and not 1 < factor <= JUMP_FACTOR_LIMIT:
        r.fail(
            "faktor_lonjakan",
            f"{_shown(factor)} tidak sah: harus lebih dari 1 dan paling besar "
            f"{JUMP_FACTOR_LIMIT} (mis. 3 = tiga kali triwulan lalu)",
        )
        return None
    return factor


def _factor(r: Record, key: str, example: str) -> Decimal | None:
    """An indicator's own factor (as the oversight policy's: above 1, at most the limit)."""
    factor = r.number(key)
    if factor is not None and not 1 < factor <= TARGET_FACTOR_LIMIT:
        r.fail(
            key,
            f"{_shown(factor)} tidak sah: harus lebih dari 1 dan paling besar "
            f"{TARGET_FACTOR_LIMIT} (mis. {example})",
        )
        return None
    return factor


def _year(r: Record) -> int | None:
    """The row's ``tahun``, or ``None`` (the problem recorded) when missing or absurd."""
    year = r.integer("tahun", required=True)
    if year is not None and not 2000 <= year <= 2100:
        r.fail("tahun", f"{year} bukan tahun yang masuk akal")
        return None
    return year


def _target_row(r: Record) -> _TargetRow | None:
    code, year = r.text("kode", required=True), _year(r)
    values: dict[str, Decimal] = {}
    columns: dict[str, str] = {}
    for key in ("tahunan", *QUARTER_KEYS):
        value = r.number(key)
        if value is not None and year is not None:
            if key == "tahunan":
                period = Period(year, PeriodKind.TAHUNAN)
            else:
                period = Period.quarter(year, int(key[-1]))
            values[str(period)] = value
            columns[str(period)] = key
    if code is None or year is None:
        return None
    if not values:
        r.fail("tahunan", "tidak ada target yang diisi pada baris ini")
        return None
    return _TargetRow(r, code, year, values, columns)


def _month_row(r: Record) -> _TargetRow | None:
    """A row of the "Target Bulanan" sheet: an indicator's monthly targets for a year."""
    code, year = r.text("kode", required=True), _year(r)
    values: dict[str, Decimal] = {}
    columns: dict[str, str] = {}
    for month, key in enumerate(MONTH_KEYS, start=1):
        value = r.number(key)
        if value is not None and year is not None:
            period = str(Period.month(year, month))
            values[period], columns[period] = value, key
    if code is None or year is None:
        return None
    if not values:
        r.fail("b01", "tidak ada target bulanan yang diisi pada baris ini")
        return None
    return _TargetRow(r, code, year, values, columns, monthly=True)


def _check_values(row: _TargetRow, indicator: Indicator, warnings: list[str]) -> None:
    for period, value in row.values.items():
        column = row.columns[period]
        if value < 0 and not indicator.allow_negative:
            row.record.fail(column, f"{value} negatif, padahal indikator tidak boleh negatif")
        if indicator.max_value is not None and value > indicator.max_value:
            row.record.fail(column, f"{value} melebihi nilai maksimum {indicator.max_value}")
        if value == 0 and indicator.polarity == Polarity.LOWER_IS_BETTER:
            where = row.record.location.cell(row.record.labels.get(column))
            warnings.append(
                f"{where}: target 0 untuk indikator 'rendah lebih baik' "
                "membuat capaian tidak dapat dihitung"
            )
    if not row.monthly:
        _check_consistency(row, indicator, warnings)


def _check_months(checked: list[tuple[_TargetRow, Indicator]], warnings: list[str]) -> None:
    """A quarter whose three monthly targets do not aggregate to its target: a warning."""
    quarterly = {
        (indicator.code, row.year): row.values for row, indicator in checked if not row.monthly
    }
    for row, indicator in checked:
        if not row.monthly:
            continue
        stored = {t.period: t.value for t in indicator.targets}
        known = {**stored, **quarterly.get((indicator.code, row.year), {})}
        how = Aggregation(indicator.aggregation)
        for index in range(1, 5):
            quarter = Period.quarter(row.year, index)
            months = [row.values.get(str(Period.month(row.year, m))) for m in _months_of(quarter)]
            target = known.get(str(quarter))
            if target is None or any(m is None for m in months):
                continue
            combined = _aggregate([m for m in months if m is not None], how)
            if combined != target:
                first, last = _months_of(quarter)[0], _months_of(quarter)[-1]
                warnings.append(
                    f"{row.record.location.cell(None)}: {indicator.code} agregasi {how.value} "
                    f"bulan {first}-{last} = {_shown(combined)}, target {quarter.label} "
                    f"{_shown(target)}"
                )


def _months_of(quarter: Period) -> range:
    return range(quarter.first_month, quarter.first_month + 3)


def _aggregate(values: list[Decimal], how: Aggregation) -> Decimal:
    if how is Aggregation.CUMULATIVE:
        return sum(values, Decimal(0))
    if how is Aggregation.LAST:
        return values[-1]
    return sum(values, Decimal(0)) / len(values)


def _check_consistency(row: _TargetRow, indicator: Indicator, warnings: list[str]) -> None:
    year = row.values.get(f"{row.year}-TAHUNAN")
    quarters = [row.values.get(f"{row.year}-TW{n}") for n in (1, 2, 3, 4)]
    if year is None or any(q is None for q in quarters):
        return
    values = [q for q in quarters if q is not None]
    how = Aggregation(indicator.aggregation)
    if how is Aggregation.CUMULATIVE:
        combined = sum(values, Decimal(0))
    elif how is Aggregation.LAST:
        combined = values[-1]
    else:
        combined = sum(values, Decimal(0)) / len(values)
    if combined != year:
        warnings.append(
            f"{row.record.location.cell(None)}: {indicator.code} agregasi {how.value} TW1-TW4 = "
            f"{_shown(combined)}, target tahunan {_shown(year)}"
        )


def _shown(value: Decimal) -> str:
    """Indonesian notation with the decimals the value needs: 40, 77,5."""
    from bot.domain.numbers import format_number

    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, min(places, 6))


def _write_targets(
    uow: AbstractUnitOfWork,
    indicator: Indicator,
    row: _TargetRow,
    counts: Counts,
    changes: list[Change],
) -> None:
    existing = {t.period: t for t in indicator.targets}
    for period, value in row.values.items():
        target = existing.get(period)
        what = f"Target {indicator.code} {Period.parse(period).label}"
        if target is None:
            indicator.targets.append(Target(year=row.year, period=period, value=value))
            noted(
                changes,
                counts.tally(True, False, f"{indicator.code} {period}"),
                f"{what}: {_shown(value)}",
            )
        elif target.value != value:
            was, target.value = target.value, value
            status = counts.tally(False, True, f"{indicator.code} {period}")
            noted(changes, status, f"{what}: {_shown(was)} → {_shown(value)}")
        else:
            counts.tally(False, False)
