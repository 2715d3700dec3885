"""From plain facts (targets, current measurements) to report rows and totals.

No database and no clock: :mod:`bot.reports.collect` reads the facts, this
module does the arithmetic every format shares.

* Monthly: the month's realisation against the month's target (Rencana Aksi),
  or, without one, the rule of :func:`bot.domain.targets.month_target`: a level
  (last/average) against its quarter's target, a cumulative count against none.
* Quarterly: the quarter's realisation against the quarter's target (Rencana Aksi).
* Semester: the quarters from January up to the semester's end ("s.d. Semester"),
  aggregated by the indicator's rule, against the quarterly targets aggregated
  by the same rule; beside it, the capaian against the yearly target (PK).
* Annual: all four quarters aggregated against the yearly target, with the
  previous year's figure where it exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.domain.capaian import (
    Aggregation,
    LowerFormula,
    Polarity,
    aggregate,
    capaian,
    round_half_up,
)
from bot.domain.periods import Period, PeriodKind
from bot.domain.rating import RatingScale
from bot.domain.targets import month_target
from bot.reports.model import (
    CategoryCount,
    IndicatorRow,
    PerformanceReport,
    Provenance,
    Signature,
    Summary,
    UnitSection,
    columns_for,
)

_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class MeasurementFacts:
    """The current revision of one indicator's realisation for one quarter."""

    value: Decimal | None
    no_data: bool = False
    no_data_reason: str | None = None
    kendala: str | None = None
    tindak_lanjut: str | None = None
    approved: bool = False
    provenance: Provenance = field(default_factory=Provenance)
    late: bool = False
    """Saved after the organisation's edit window closed (``"late"`` in its flags)."""


@dataclass(frozen=True)
class IndicatorFacts:
    """An indicator with its targets and measurements, keyed by period text (``2026-TW1``)."""

    code: str
    name: str
    sasaran: str
    satuan: str
    precision: int = 2
    polarity: Polarity = Polarity.HIGHER_IS_BETTER
    lower_formula: LowerFormula = LowerFormula.TWO_T_MINUS_R
    aggregation: Aggregation = Aggregation.CUMULATIVE
    targets: Mapping[str, Decimal] = field(default_factory=dict)
    measurements: Mapping[str, MeasurementFacts] = field(default_factory=dict)


def reported_quarters(period: Period) -> tuple[Period, ...]:
    """The quarters a report over ``period`` adds up: the quarter itself, or January to its end.

    A month is reported on its own: its "quarters" are the month itself.
    """
    if period.kind in (PeriodKind.TRIWULAN, PeriodKind.BULANAN):
        return (period,)
    last = period.quarters()[-1].index
    return tuple(Period.quarter(period.year, i) for i in range(1, last + 1))


def build_rows(
    indicators: Sequence[IndicatorFacts], period: Period, scale: RatingScale, *, first_no: int = 1
) -> tuple[IndicatorRow, ...]:
    """One row per indicator, numbered from ``first_no``."""
    build = {PeriodKind.TRIWULAN: _quarter_row, PeriodKind.BULANAN: _month_row}.get(
        period.kind, _aggregate_row
    )
    return tuple(build(facts, period, scale, first_no + i) for i, facts in enumerate(indicators))


def _rated(
    facts: IndicatorFacts, target: Decimal | None, value: Decimal | None, scale: RatingScale
) -> tuple[Decimal | None, str | None, str | None]:
    """(capaian rounded, reason when not computable, category)."""
    result = capaian(target, value, facts.polarity, facts.lower_formula)
    if result.value is None:
        return None, result.reason, None
    return result.rounded(2), None, scale.rate(result.value)


def _quarter_row(
    facts: IndicatorFacts, period: Period, scale: RatingScale, no: int
) -> IndicatorRow:
    key = str(period)
    target = facts.targets.get(key)
    m = facts.measurements.get(key)
    value = m.value if m else None
    result, reason, category = _rated(facts, target, value, scale)
    return IndicatorRow(
        **_identity(facts, no),
        target=target,
        realisasi=value,
        capaian=result,
        capaian_note=reason,
        kategori=category,
        kendala=(m.kendala or "") if m else "",
        tindak_lanjut=(m.tindak_lanjut or "") if m else "",
        note=_with_late(_no_data_note(m), m is not None and m.late),
        provenance=m.provenance if m else Provenance(),
    )


def _month_row(facts: IndicatorFacts, period: Period, scale: RatingScale, no: int) -> IndicatorRow:
    """A month's figure against its target, or what stands in for it (``month_target``)."""
    row = _quarter_row(facts, period, scale, no)
    chosen = month_target(facts.targets, period, facts.aggregation)
    if chosen.source == period:
        return row
    result, reason, category = _rated(facts, chosen.value, row.realisasi, scale)
    note = "; ".join(part for part in (row.note, chosen.note) if part)
    return replace(
        row,
        target=chosen.value,
        capaian=result,
        capaian_note=reason,
        kategori=category,
        note=note,
    )


def _identity(facts: IndicatorFacts, no: int) -> dict[str, Any]:
    """The columns that say which indicator a row is, whatever the period."""
    return {
        "no": no,
        "code": facts.code,
        "sasaran": facts.sasaran,
        "name": facts.name,
        "satuan": facts.satuan,
        "precision": facts.precision,
    }


def _no_data_note(m: MeasurementFacts | None) -> str:
    if m is None or (m.value is None and not m.no_data):
        return "Belum diisi"
    if m.no_data:
        return f"Belum ada data: {m.no_data_reason}" if m.no_data_reason else "Belum ada data"
    return ""


LATE_NOTE = "Diisi terlambat"


def _with_late(note: str, late: bool | str) -> str:
    """The row's note with "Diisi terlambat" (and which quarters, when it says)."""
    if not late:
        return note
    text = LATE_NOTE if late is True else f"{LATE_NOTE} {late}"
    return f"{note}; {text}" if note else text


def _late_quarters(facts: IndicatorFacts, quarters: tuple[Period, ...]) -> str:
    late = [q for q in quarters if (m := facts.measurements.get(str(q))) is not None and m.late]
    return ", ".join(f"TW {_ROMAN[q.index - 1]}" for q in late)


def _aggregate_row(
    facts: IndicatorFacts, period: Period, scale: RatingScale, no: int
) -> IndicatorRow:
    quarters = reported_quarters(period)
    how = facts.aggregation
    values = {q.index: _value(facts, q) for q in quarters}
    realisasi = aggregate(values, how)
    yearly = facts.targets.get(str(Period(period.year, PeriodKind.TAHUNAN)))
    quarter_targets = {q.index: facts.targets.get(str(q)) for q in quarters}
    aggregated_target = (
        aggregate(quarter_targets, how)
        if all(v is not None for v in quarter_targets.values())
        else None
    )
    if period.kind is PeriodKind.SEMESTER:
        target = aggregated_target if aggregated_target is not None else yearly
    else:
        target = yearly if yearly is not None else aggregated_target
    result, reason, category = _rated(facts, target, realisasi, scale)
    row = IndicatorRow(
        **_identity(facts, no),
        target=target,
        realisasi=realisasi,
        capaian=result,
        capaian_note=reason,
        kategori=category,
        kendala=_joined(facts, quarters, "kendala"),
        tindak_lanjut=_joined(facts, quarters, "tindak_lanjut"),
        note=_with_late(_missing_note(values), _late_quarters(facts, quarters)),
        target_tahunan=yearly,
        quarter_values=values,
        provenance=_latest_provenance(facts, quarters),
        quarter_provenance={
            q.index: m.provenance
            for q in quarters
            if (m := facts.measurements.get(str(q))) is not None
        },
    )
    if period.kind is PeriodKind.SEMESTER:
        yearly_capaian, _, _ = _rated(facts, yearly, realisasi, scale)
        return replace(row, capaian_tahunan=yearly_capaian)
    last_year = period.previous()
    previous = aggregate({q.index: _value(facts, q) for q in reported_quarters(last_year)}, how)
    previous_target = facts.targets.get(str(last_year))
    previous_capaian, _, _ = _rated(facts, previous_target, previous, scale)
    return replace(row, realisasi_lalu=previous, capaian_lalu=previous_capaian)


def _value(facts: IndicatorFacts, quarter: Period) -> Decimal | None:
    m = facts.measurements.get(str(quarter))
    return m.value if m else None


def _joined(facts: IndicatorFacts, quarters: tuple[Period, ...], attr: str) -> str:
    """Each quarter's kendala (or tindak lanjut) prefixed by its quarter, in order."""
    parts = []
    for q in quarters:
        m = facts.measurements.get(str(q))
        text = (getattr(m, attr) or "").strip() if m else ""
        if text:
            parts.append(f"TW {_ROMAN[q.index - 1]}: {text}")
    return "\n".join(parts)


def _missing_note(values: Mapping[int, Decimal | None]) -> str:
    missing = [f"TW {_ROMAN[q - 1]}" for q, v in sorted(values.items()) if v is None]
    return f"Belum ada data {', '.join(missing)}" if missing else ""


def _latest_provenance(facts: IndicatorFacts, quarters: tuple[Period, ...]) -> Provenance:
    for q in reversed(quarters):
        m = facts.measurements.get(str(q))
        if m is not None and m.value is not None:
            return m.provenance
    return Provenance()


def summarise(rows: Sequence[IndicatorRow], scale: RatingScale) -> Summary:
    """Totals where they mean something: counts, the mean capaian, rows per category.

    Figures in different satuan are never summed; the mean capaian is the usual
    "rata-rata capaian" of a LKjIP table, over the rows that have one.
    """
    rated = [row.capaian for row in rows if row.capaian is not None]
    average = round_half_up(sum(rated, Decimal(0)) / len(rated), 2) if rated else None
    counts = {band.label: 0 for band in reversed(scale.bands)}
    for row in rows:
        if row.kategori is not None:
            counts[row.kategori] = counts.get(row.kategori, 0) + 1
    return Summary(
        indicators=len(rows),
        with_data=sum(1 for row in rows if row.realisasi is not None),
        with_capaian=len(rated),
        average_capaian=average,
        average_kategori=scale.rate(average) if average is not None else None,
        categories=tuple(CategoryCount(label, n) for label, n in counts.items()),
    )


def describe_scale(scale: RatingScale) -> tuple[str, ...]:
    """The bands, highest first, as a legend: ``> 90: Sangat Tinggi`` ... ``<= 50: ...``."""
    lines = []
    bands = scale.bands
    for i in range(len(bands) - 1, -1, -1):
        band = bands[i]
        if band.lower is not None:
            lines.append(f"{band.describe_lower()}: {band.label}")
            continue
        above = bands[1] if len(bands) > 1 else None
        if above is None:
            lines.append(f"semua nilai: {band.label}")
        else:
            sign = "<=" if above.min_exclusive is not None else "<"
            lines.append(f"{sign} {above.lower}: {band.label}")
    return tuple(lines)


_TITLES = {
    PeriodKind.BULANAN: "Laporan Kinerja Bulanan",
    PeriodKind.TRIWULAN: "Laporan Kinerja Triwulan",
    PeriodKind.SEMESTER: "Laporan Kinerja Semester",
    PeriodKind.TAHUNAN: "Laporan Kinerja Tahunan",
}


@dataclass(frozen=True)
class UnitFacts:
    """One unit's indicators and the approval record of its part."""

    code: str
    name: str
    indicators: Sequence[IndicatorFacts]
    signatures: tuple[Signature, ...] = ()
    approved: bool = False
    timeliness: str | None = None


@dataclass(frozen=True)
class ReportHeader:
    """Who the report is of and which procedure produced it."""

    organisation: str
    instansi: str
    sop_id: str
    sop_name: str
    dasar_hukum: tuple[str, ...] = ()


def assemble(
    header: ReportHeader,
    period: Period,
    units: Sequence[UnitFacts],
    scale: RatingScale,
    *,
    generated_at: datetime,
    signatures: tuple[Signature, ...] = (),
    run_id: int | None = None,
    unit_code: str | None = None,
    timeliness: str | None = None,
) -> PerformanceReport:
    """The whole report: one table per unit, numbered from 1 each, and the totals."""
    sections = tuple(
        UnitSection(
            code=unit.code,
            name=unit.name,
            rows=(rows := build_rows(unit.indicators, period, scale)),
            summary=summarise(rows, scale),
            signatures=unit.signatures,
            approved=unit.approved,
            timeliness=unit.timeliness,
        )
        for unit in units
    )
    every_row = [row for section in sections for row in section.rows]
    approved = sum(1 for section in sections if section.approved)
    final = bool(sections) and approved == len(sections)
    previous = None
    if period.kind is PeriodKind.TAHUNAN:
        earlier = [
            replace(
                row,
                realisasi=row.realisasi_lalu,
                capaian=row.capaian_lalu,
                kategori=_rate(scale, row.capaian_lalu),
            )
            for row in every_row
            if row.realisasi_lalu is not None
        ]
        previous = summarise(earlier, scale) if earlier else None
    return PerformanceReport(
        title=_TITLES[period.kind],
        organisation=header.organisation,
        instansi=header.instansi,
        sop_id=header.sop_id,
        sop_name=header.sop_name,
        period=period,
        columns=columns_for(period.kind, reported_quarters(period)),
        units=sections,
        summary=summarise(every_row, scale),
        signatures=signatures,
        generated_at=generated_at,
        final=final,
        status_note=_status_note(final, approved, len(sections)),
        rating_bands=describe_scale(scale),
        dasar_hukum=header.dasar_hukum,
        previous_summary=previous,
        run_id=run_id,
        unit_code=unit_code,
        timeliness=timeliness,
    )


def _rate(scale: RatingScale, value: Decimal | None) -> str | None:
    return scale.rate(value) if value is not None else None


def _status_note(final: bool, approved: int, total: int) -> str:
    if final:
        return "Final: seluruh data telah disetujui."
    if total == 0:
        return "DRAFT: belum ada unit dengan indikator bertarget pada periode ini."
    return f"DRAFT: data {approved} dari {total} unit telah disetujui."
