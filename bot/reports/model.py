"""What a performance report says, independent of how it is drawn.

One :class:`PerformanceReport` feeds every format (XLSX, HTML, PDF, chart), so
the figures in the spreadsheet and in the signed PDF cannot drift apart. The
table's columns are data too (:func:`columns_for`): a quarterly report, a
semester one and the annual LKjIP table differ only in their column list.

Plain Python, no I/O: the report is assembled by :mod:`bot.reports.build`
from facts :mod:`bot.reports.collect` reads out of the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from bot.domain.numbers import format_number, format_percent
from bot.domain.periods import Period, PeriodKind


class ReportError(ValueError):
    """A report that cannot be made as asked (unknown unit, no such period...).

    Here rather than in :mod:`bot.reports.collect`, which raises it: the bot's handlers
    catch it, and the collector loads only when a report is made."""


class ColumnKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    """A figure in the indicator's satuan, with the indicator's precision."""
    PERCENT = "percent"
    """A capaian in percent, two decimals."""
    INTEGER = "integer"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: ColumnKind
    width: int
    """Width in characters (XLSX) and the basis of the HTML/PDF proportions."""


def _text(key: str, title: str, width: int) -> Column:
    return Column(key, title, ColumnKind.TEXT, width)


_NO = Column("no", "No", ColumnKind.INTEGER, 5)
_INDICATOR = _text("indikator", "Sasaran / Indikator Kinerja", 44)
_SATUAN = _text("satuan", "Satuan", 10)
_KATEGORI = _text("kategori", "Kategori", 14)
_KENDALA = _text("kendala", "Kendala", 28)
_TINDAK = _text("tindak_lanjut", "Tindak Lanjut", 28)


def columns_for(kind: PeriodKind, quarters: tuple[Period, ...] = ()) -> tuple[Column, ...]:
    """The table columns of a report over a period of ``kind``.

    ``quarters`` are the quarters whose realisation the semester and annual
    tables show one by one before the aggregate.
    """
    if kind in (PeriodKind.TRIWULAN, PeriodKind.BULANAN):
        return (
            _NO,
            _INDICATOR,
            _SATUAN,
            Column("target", "Target", ColumnKind.NUMBER, 12),
            Column("realisasi", "Realisasi", ColumnKind.NUMBER, 12),
            Column("capaian", "Capaian (%)", ColumnKind.PERCENT, 11),
            _KATEGORI,
            _KENDALA,
            _TINDAK,
        )
    per_quarter = tuple(
        Column(f"tw{q.index}", f"Realisasi TW {_roman(q.index)}", ColumnKind.NUMBER, 11)
        for q in quarters
    )
    if kind is PeriodKind.SEMESTER:
        return (
            _NO,
            _INDICATOR,
            _SATUAN,
            Column("target_tahunan", "Target Tahunan", ColumnKind.NUMBER, 12),
            Column("target", "Target s.d. Semester", ColumnKind.NUMBER, 12),
            *per_quarter,
            Column("realisasi", "Realisasi s.d. Semester", ColumnKind.NUMBER, 12),
            Column("capaian", "Capaian Semester (%)", ColumnKind.PERCENT, 11),
            Column("capaian_tahunan", "Capaian thd. Target Tahunan (%)", ColumnKind.PERCENT, 12),
            _KATEGORI,
            _KENDALA,
            _TINDAK,
        )
    return (
        _NO,
        _INDICATOR,
        _SATUAN,
        Column("target", "Target (PK)", ColumnKind.NUMBER, 12),
        *per_quarter,
        Column("realisasi", "Realisasi", ColumnKind.NUMBER, 12),
        Column("capaian", "Capaian (%)", ColumnKind.PERCENT, 11),
        _KATEGORI,
        Column("realisasi_lalu", "Realisasi Tahun Lalu", ColumnKind.NUMBER, 12),
        Column("capaian_lalu", "Capaian Tahun Lalu (%)", ColumnKind.PERCENT, 11),
        _KENDALA,
        _TINDAK,
    )


def _roman(index: int) -> str:
    return ("I", "II", "III", "IV")[index - 1]


@dataclass(frozen=True)
class Provenance:
    """Who put a figure in and who approved it, and when (local time)."""

    entered_by: str | None = None
    entered_at: datetime | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None


@dataclass(frozen=True)
class IndicatorRow:
    """One line of the table: an indicator's figures for the report's period."""

    no: int
    code: str
    sasaran: str
    name: str
    satuan: str
    precision: int
    target: Decimal | None
    realisasi: Decimal | None
    capaian: Decimal | None
    """Rounded to two places; ``None`` when not computable (see ``capaian_note``)."""
    capaian_note: str | None
    kategori: str | None
    kendala: str = ""
    tindak_lanjut: str = ""
    note: str = ""
    """What a reader must know about the row: "belum ada data", quarters missing."""
    target_tahunan: Decimal | None = None
    capaian_tahunan: Decimal | None = None
    quarter_values: dict[int, Decimal | None] = field(default_factory=dict)
    realisasi_lalu: Decimal | None = None
    capaian_lalu: Decimal | None = None
    provenance: Provenance = field(default_factory=Provenance)
    quarter_provenance: dict[int, Provenance] = field(default_factory=dict)
    """Semester and annual rows: who entered and approved each quarter's figure."""

    @property
    def indikator(self) -> str:
        return self.name

    def value(self, key: str) -> Decimal | int | str | None:
        """The raw cell value of column ``key`` (numbers stay numbers)."""
        if key.startswith("tw") and key[2:].isdigit():
            return self.quarter_values.get(int(key[2:]))
        if key == "kategori":
            return self.kategori or ""
        return getattr(self, key)

    def text(self, column: Column) -> str:
        """The cell as printed in HTML and PDF: Indonesian number style, reasons for gaps."""
        raw = self.value(column.key)
        if column.kind is ColumnKind.NUMBER:
            return "-" if raw is None else format_number(Decimal(raw), self.precision)
        if column.kind is ColumnKind.PERCENT:
            if raw is None:
                return (self.capaian_note or "-") if column.key == "capaian" else "-"
            return format_percent(Decimal(raw))
        return "" if raw is None else str(raw)


@dataclass(frozen=True)
class CategoryCount:
    label: str
    count: int


@dataclass(frozen=True)
class Summary:
    """Totals of a table: how many indicators, how many rated, the mean capaian."""

    indicators: int
    with_data: int
    with_capaian: int
    average_capaian: Decimal | None
    average_kategori: str | None
    categories: tuple[CategoryCount, ...]

    @property
    def average_text(self) -> str:
        return "-" if self.average_capaian is None else format_percent(self.average_capaian)


@dataclass(frozen=True)
class Signature:
    """The signature block, filled from the approval record."""

    caption: str
    """"Disetujui oleh", "Mengetahui"..."""
    jabatan: str
    """The role as printed: "Kabid", "Plt. Kabid", "a.n. Kepala Badan"..."""
    name: str | None
    nip: str | None
    signed_at: datetime | None
    """When it was approved or compiled (local time); ``None`` for a signature on paper."""
    dated_as: str = "Disetujui pada"
    """What the date under the name says the moment was ("Disusun pada" for the compiler)."""
    pangkat: str | None = None
    """Pangkat/golongan where the organisation file gives it ("Pembina Tk. I (IV/b)")."""

    @property
    def nip_text(self) -> str:
        return f"NIP. {self.nip}" if self.nip else ""


@dataclass(frozen=True)
class Letterhead:
    """The kop surat of the organisation file (``organisasi.kop``), and its place name.

    ``logo`` is the image itself (PNG or JPEG bytes), read when the file was imported.
    """

    pemerintah: str = ""
    """"PEMERINTAH KABUPATEN JENEPONTO"."""
    nama: str = ""
    """The office: "BADAN KESATUAN BANGSA DAN POLITIK"."""
    alamat: str = ""
    telepon: str = ""
    tempat: str = ""
    """Where documents are signed: the "Jeneponto" of "Jeneponto, 19 Oktober 2026"."""
    logo: bytes | None = None


@dataclass(frozen=True)
class UnitSection:
    """The table of one unit (bidang, seksi...)."""

    code: str
    name: str
    rows: tuple[IndicatorRow, ...]
    summary: Summary
    signatures: tuple[Signature, ...] = ()
    approved: bool = False
    timeliness: str | None = None
    """Quarterly reports: "Tepat waktu", "Terlambat 3 hari", "Belum lengkap (2/5 indikator)"."""


@dataclass(frozen=True)
class PerformanceReport:
    """A Laporan Kinerja for one organisation (or one unit) and one period."""

    title: str
    organisation: str
    instansi: str
    sop_id: str
    sop_name: str
    period: Period
    columns: tuple[Column, ...]
    units: tuple[UnitSection, ...]
    summary: Summary
    signatures: tuple[Signature, ...]
    generated_at: datetime
    final: bool
    """False while some unit's data is not approved: every format says "DRAFT"."""
    status_note: str
    rating_bands: tuple[str, ...]
    """The rating scale, described for the legend ("> 90: Sangat Tinggi")."""
    dasar_hukum: tuple[str, ...] = ()
    """The SOP's legal basis, for Bab I of the annual report."""
    previous_summary: Summary | None = None
    """Annual report: the same totals for the previous year, where data exists."""
    run_id: int | None = None
    unit_code: str | None = None
    """Set when the report covers one unit only."""
    timeliness: str | None = None
    """The organisation's completeness and timeliness for the period's quarters, in words."""
    organisation_slug: str | None = None
    """Which organisation, for ``sopbot verify`` to rebuild the report (see provenance.py)."""
    kop: Letterhead | None = None
    """The letterhead; ``None`` prints the organisation's name as the head instead."""
    head: Signature | None = None
    """The head of office, who signs the annual LKjIP (and acknowledges the others)."""

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def heading(self) -> str:
        """Title and period in one line, without saying "Triwulan" twice."""
        if self.period.kind is PeriodKind.TAHUNAN:
            return f"Laporan Kinerja Instansi Pemerintah (LKjIP) {self.period.label}"
        return f"Laporan Kinerja {self.period.label}"

    @property
    def rows(self) -> tuple[IndicatorRow, ...]:
        return tuple(row for unit in self.units for row in unit.rows)

    @property
    def file_stem(self) -> str:
        """``laporan-kinerja-2026-TW3`` or ``...-2026-TW3-BID-IWK``: safe in any file system."""
        stem = f"laporan-kinerja-{self.period}"
        return f"{stem}-{self.unit_code}" if self.unit_code else stem
