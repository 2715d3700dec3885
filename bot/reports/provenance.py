"""Where a report's figures come from, and a fingerprint of its data.

Every format lists, per figure, who entered it and who approved it and when
("Asal Data"), and carries a *stamp*: the identity needed to make the report
again and the SHA-256 of its data::

    sopbot:v1 org=contoh-kesbangpol-jeneponto sop=kesbangpol-jeneponto-...
    period=2026-TW3 unit=- sha256=<64 hex digits>

(one line).

``sopbot verify FILE`` reads the stamp, rebuilds the report from the database
and compares the digests.

The digest (:func:`data_digest`) is the SHA-256 of a canonical JSON text
(:func:`canonical_data`: keys sorted, no spaces, UTF-8) of the report's *data*
only: the organisation (name and slug), the SOP id, the period, the unit
filter, whether it is final, the signature blocks, and per unit its code,
name, approval and rows; per row the indicator's code, name and satuan, the
target, realisation, capaian (and why it is missing), category, kendala,
tindak lanjut, the row's note, the semester and annual columns (quarter
values, yearly target and capaian, last year's figures), and the provenance
of each figure: names, and times in UTC ISO 8601 to the second. Numbers are
written as plain decimals without trailing zeros (``82.5``, ``90``). Not in
it: when the report was generated, the title wording, number formatting,
layout, or anything else that does not change with the data. Each row also
has a short digest of its own (:func:`row_digests`, the first 16 hex digits
of the SHA-256 of the row with its unit code), printed in the "Asal Data"
table and kept in the PDF's keywords, so ``verify`` can name the figures
that changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bot.domain.periods import Period, PeriodKind
from bot.reports.model import IndicatorRow, PerformanceReport, Provenance, Signature

VERSION = "v1"
STAMP_PREFIX = f"sopbot:{VERSION}"
ROWS_PREFIX = f"sopbot-rows:{VERSION}"
ROW_DIGEST_LENGTH = 16
NONE = "-"
"""Written for an empty slug or unit in the stamp."""

_STAMP = re.compile(
    r"sopbot:v1\s+org=(?P<org>\S+)\s+sop=(?P<sop>\S+)\s+period=(?P<period>\S+)"
    r"\s+unit=(?P<unit>\S+)\s+sha256=(?P<sha256>[0-9a-f]{64})"
)
_ROW = re.compile(r"(?P<key>[^\s,=]+/[^\s,=]+)=(?P<digest>[0-9a-f]{16})")


@dataclass(frozen=True)
class Stamp:
    """What a report file says about itself: which report it is and its data's digest."""

    org: str | None
    sop: str
    period: str
    unit: str | None
    sha256: str

    @property
    def text(self) -> str:
        return (
            f"{STAMP_PREFIX} org={self.org or NONE} sop={self.sop} period={self.period} "
            f"unit={self.unit or NONE} sha256={self.sha256}"
        )


def stamp_of(report: PerformanceReport) -> Stamp:
    return Stamp(
        org=report.organisation_slug,
        sop=report.sop_id,
        period=str(report.period),
        unit=report.unit_code,
        sha256=data_digest(report),
    )


def parse_stamp(text: str) -> Stamp | None:
    """The first stamp in ``text`` (a cell, PDF metadata or page text, an HTML page)."""
    found = _STAMP.search(text)
    if found is None:
        return None
    org, unit = found["org"], found["unit"]
    return Stamp(
        org=None if org == NONE else org,
        sop=found["sop"],
        period=found["period"],
        unit=None if unit == NONE else unit,
        sha256=found["sha256"],
    )


# --- the canonical data ------------------------------------------------------------------


def data_digest(report: PerformanceReport) -> str:
    """SHA-256 (hex) of :func:`canonical_data`: the same for the same data in every format."""
    return _sha256(canonical_data(report))


def canonical_data(report: PerformanceReport) -> dict[str, Any]:
    """The report's data as plain JSON values (see the module doc for what is in it)."""
    return {
        "format": STAMP_PREFIX,
        "organisation": report.organisation,
        "organisation_slug": report.organisation_slug,
        "sop": report.sop_id,
        "period": str(report.period),
        "unit": report.unit_code,
        "final": report.final,
        "signatures": [_signature(s) for s in report.signatures],
        "units": [
            {
                "code": unit.code,
                "name": unit.name,
                "approved": unit.approved,
                "signatures": [_signature(s) for s in unit.signatures],
                "rows": [_row(row) for row in unit.rows],
            }
            for unit in report.units
        ],
    }


def row_key(unit_code: str, row: IndicatorRow) -> str:
    """``BID-IWK/IWK-01``: a row's name in the stamp's row list and in ``verify``'s answer."""
    return f"{unit_code}/{row.code}"


def row_digests(report: PerformanceReport) -> dict[str, str]:
    """Each row's short digest, by :func:`row_key`, in report order."""
    return {
        row_key(unit.code, row): _sha256({"unit": unit.code, "row": _row(row)})[:ROW_DIGEST_LENGTH]
        for unit in report.units
        for row in unit.rows
    }


def rows_text(report: PerformanceReport, digests: Mapping[str, str] | None = None) -> str:
    """``sopbot-rows:v1, BID-IWK/IWK-01=<16 hex>, ...`` (the PDF keywords); ``digests``
    are :func:`row_digests` when the caller has them already."""
    digests = row_digests(report) if digests is None else digests
    return ", ".join([ROWS_PREFIX, *(f"{k}={v}" for k, v in digests.items())])


def parse_rows(text: str) -> dict[str, str]:
    """The row digests in ``text`` (keywords, or any text holding ``key=digest`` pairs)."""
    return {found["key"]: found["digest"] for found in _ROW.finditer(text)}


def changed_rows(recorded: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    """Row keys whose digest differs, that are new, or that are gone, in report order."""
    keys = list(current) + [key for key in recorded if key not in current]
    return [key for key in keys if recorded.get(key) != current.get(key)]


def _sha256(data: object) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _row(row: IndicatorRow) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "satuan": row.satuan,
        "target": _number(row.target),
        "realisasi": _number(row.realisasi),
        "capaian": _number(row.capaian),
        "capaian_note": row.capaian_note,
        "kategori": row.kategori,
        "kendala": row.kendala,
        "tindak_lanjut": row.tindak_lanjut,
        "note": row.note,
        "target_tahunan": _number(row.target_tahunan),
        "capaian_tahunan": _number(row.capaian_tahunan),
        "quarters": {str(q): _number(v) for q, v in sorted(row.quarter_values.items())},
        "realisasi_lalu": _number(row.realisasi_lalu),
        "capaian_lalu": _number(row.capaian_lalu),
        "provenance": _provenance(row.provenance),
        "quarter_provenance": {
            str(q): _provenance(p) for q, p in sorted(row.quarter_provenance.items())
        },
    }


def _provenance(p: Provenance) -> dict[str, Any]:
    return {
        "entered_by": p.entered_by,
        "entered_at": _moment(p.entered_at),
        "approved_by": p.approved_by,
        "approved_at": _moment(p.approved_at),
    }


def _signature(s: Signature) -> dict[str, Any]:
    return {
        "caption": s.caption,
        "jabatan": s.jabatan,
        "name": s.name,
        "nip": s.nip,
        "signed_at": _moment(s.signed_at),
    }


def _number(value: Decimal | int | None) -> str | None:
    """``82.5``, ``90``, ``0``: the value, not how many places the database kept."""
    if value is None:
        return None
    number = Decimal(value)
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def _moment(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(microsecond=0).isoformat()


# --- the "Asal Data" table ---------------------------------------------------------------


@dataclass(frozen=True)
class ProvenanceLine:
    """One figure of the report with where it came from (a line of "Asal Data")."""

    key: str
    """The row's key (``BID-IWK/IWK-01``)."""
    digest: str
    """The row's short digest (the same on each quarter's line of a row)."""
    unit_code: str
    unit_name: str
    code: str
    name: str
    period_label: str
    value: Decimal | None
    precision: int
    satuan: str
    missing: str
    """Why there is no value ("Belum diisi", "Belum ada data: ..."); empty when there is one."""
    provenance: Provenance


def provenance_lines(
    report: PerformanceReport, digests: Mapping[str, str] | None = None
) -> list[ProvenanceLine]:
    """Per figure who entered and who approved it: one line per row, or per quarter of a row."""
    digests = row_digests(report) if digests is None else digests
    lines = []
    for unit in report.units:
        for row in unit.rows:
            key = row_key(unit.code, row)
            common = {
                "key": key,
                "digest": digests[key],
                "unit_code": unit.code,
                "unit_name": unit.name,
                "code": row.code,
                "name": row.name,
                "precision": row.precision,
                "satuan": row.satuan,
            }
            if report.period.kind in (PeriodKind.TRIWULAN, PeriodKind.BULANAN):
                missing = row.note if row.realisasi is None else ""
                lines.append(
                    ProvenanceLine(
                        **common,
                        period_label=report.period.label,
                        value=row.realisasi,
                        missing=missing or ("Belum diisi" if row.realisasi is None else ""),
                        provenance=row.provenance,
                    )
                )
                continue
            for q, value in sorted(row.quarter_values.items()):
                lines.append(
                    ProvenanceLine(
                        **common,
                        period_label=Period.quarter(report.period.year, q).label,
                        value=value,
                        missing=_quarter_missing(value, q in row.quarter_provenance),
                        provenance=row.quarter_provenance.get(q, Provenance()),
                    )
                )
    return lines


def _quarter_missing(value: Decimal | None, recorded: bool) -> str:
    if value is not None:
        return ""
    return "Belum ada data" if recorded else "Belum diisi"
