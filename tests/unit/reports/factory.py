"""Reports built from hand-made facts, for the format tests (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.capaian import Aggregation, Polarity
from bot.domain.periods import Period
from bot.domain.rating import DEFAULT_SCALE
from bot.reports.build import (
    IndicatorFacts,
    MeasurementFacts,
    ReportHeader,
    UnitFacts,
    assemble,
)
from bot.reports.model import Letterhead, PerformanceReport, Provenance, Signature

WITA = ZoneInfo("Asia/Makassar")
GENERATED = datetime(2026, 10, 20, 9, 30, tzinfo=WITA)
HEADER = ReportHeader(
    organisation="Badan Kesatuan Bangsa dan Politik Kabupaten Jeneponto",
    instansi="BADAN KESATUAN BANGSA DAN POLITIK KABUPATEN JENEPONTO",
    sop_id="kesbangpol-jeneponto-pengumpulan-data-kinerja",
    sop_name="Pengumpulan Data Kinerja",
    dasar_hukum=("Peraturan Menteri PANRB Nomor 53 Tahun 2014",),
)


def measured(value: str | None, **extra: object) -> MeasurementFacts:
    return MeasurementFacts(
        value=None if value is None else Decimal(value),
        approved=True,
        provenance=Provenance(
            entered_by="Andi Analis",
            entered_at=datetime(2026, 10, 13, 10, 0, tzinfo=WITA),
            approved_by="Budi Kabid",
            approved_at=datetime(2026, 10, 15, 14, 0, tzinfo=WITA),
        ),
        **extra,  # type: ignore[arg-type]
    )


def indicator(code: str, name: str, year: int = 2026, **extra: object) -> IndicatorFacts:
    """An indicator with targets 25/50/75/100 per quarter and 100 for the year."""
    targets = {f"{year}-TW{q}": Decimal(25 * q) for q in range(1, 5)}
    targets[f"{year}-TAHUNAN"] = Decimal(100)
    base: dict[str, object] = {
        "code": code,
        "name": name,
        "sasaran": "Meningkatnya wawasan kebangsaan masyarakat",
        "satuan": "orang",
        "precision": 0,
        "targets": targets,
        "measurements": {},
    }
    base.update(extra)
    return IndicatorFacts(**base)  # type: ignore[arg-type]


LOGO = (Path(__file__).parents[3] / "examples" / "sample_org" / "logo-contoh.png").read_bytes()
KOP = Letterhead(
    pemerintah="Pemerintah Kabupaten Jeneponto",
    nama="Badan Kesatuan Bangsa dan Politik",
    alamat="Jl. Lanto Dg. Pasewang No. 34, Jeneponto 92311",
    telepon="(0419) 21001",
    tempat="Jeneponto",
    logo=LOGO,
)
COMPILED = Signature(
    caption="Disusun oleh",
    jabatan="Kepala Sub Bagian Perencanaan",
    name="Nurul Hidayah Contoh, S.E.",
    nip="999900000000000001",
    signed_at=datetime(2026, 10, 19, 10, 15, tzinfo=WITA),
    dated_as="Disusun pada",
    pangkat="Penata Tk. I (III/d)",
)
HEAD = Signature(
    caption="Mengetahui",
    jabatan="Kepala Badan Kesatuan Bangsa dan Politik",
    name="Ahmad Kepala Contoh, S.Sos., M.Si.",
    nip="999900000000000011",
    signed_at=None,
    pangkat="Pembina Utama Muda (IV/c)",
)


def letterheaded(report: PerformanceReport) -> PerformanceReport:
    """``report`` with the kop, a compiler and the head of office, as the database gives them."""
    return replace(report, kop=KOP, head=HEAD, signatures=(COMPILED, HEAD))


def quarterly_report(period: str = "2026-TW3", rows_per_unit: int = 3) -> PerformanceReport:
    """Two bidang: the first approved with a Plt signature, the second still draft."""
    p = Period.parse(period)
    signed = Signature(
        caption="Disetujui oleh",
        jabatan="Plt. Kabid Ideologi dan Wawasan Kebangsaan",
        name="Budi Santoso, S.Sos",
        nip="999900000000000002",
        signed_at=datetime(2026, 10, 15, 14, 0, tzinfo=WITA),
    )
    first = [
        indicator(
            f"IWK-{i:02d}",
            f"Jumlah peserta kegiatan wawasan kebangsaan {i}",
            measurements={
                period: measured(
                    str(60 + 5 * i),
                    kendala="Anggaran terlambat cair" if i == 1 else None,
                    tindak_lanjut="Koordinasi dengan BPKAD" if i == 1 else None,
                )
            },
        )
        for i in range(1, rows_per_unit + 1)
    ]
    second = [
        indicator(
            "PDN-01",
            "Persentase partai politik yang dibina",
            satuan="%",
            precision=2,
            measurements={period: measured("72.5")},
        ),
        indicator(
            "PDN-02",
            "Indeks kerawanan konflik",
            polarity=Polarity.LOWER_IS_BETTER,
            aggregation=Aggregation.LAST,
            precision=2,
            measurements={
                period: MeasurementFacts(None, no_data=True, no_data_reason="survei belum selesai")
            },
        ),
        indicator("PDN-03", "Jumlah dokumen", targets={}, measurements={period: measured("3")}),
    ]
    units = [
        UnitFacts("BID-IWK", "Bidang Ideologi dan Wawasan Kebangsaan", first, (signed,), True),
        UnitFacts("BID-PDN", "Bidang Politik Dalam Negeri", second),
    ]
    return assemble(HEADER, p, units, DEFAULT_SCALE, generated_at=GENERATED, run_id=7)


def yearly_report() -> PerformanceReport:
    """TW I-IV 2026 with 2025 for comparison; one indicator misses TW II."""

    def series(values: dict[str, str]) -> dict[str, MeasurementFacts]:
        return {k: measured(v) for k, v in values.items()}

    targets = {f"2025-TW{q}": Decimal(20 * q) for q in range(1, 5)}
    targets.update({f"2026-TW{q}": Decimal(25 * q) for q in range(1, 5)})
    targets.update({"2025-TAHUNAN": Decimal(80), "2026-TAHUNAN": Decimal(100)})
    facts = [
        indicator(
            "IWK-01",
            "Jumlah peserta",
            targets=targets,
            measurements=series(
                {
                    "2025-TW1": "10",
                    "2025-TW2": "20",
                    "2025-TW3": "20",
                    "2025-TW4": "20",
                    "2026-TW1": "20",
                    "2026-TW2": "30",
                    "2026-TW3": "25",
                    "2026-TW4": "30",
                }
            ),
        ),
        indicator(
            "IWK-02",
            "Indeks kepuasan",
            aggregation=Aggregation.AVERAGE,
            precision=2,
            measurements=series({"2026-TW1": "80", "2026-TW3": "90", "2026-TW4": "100"}),
        ),
    ]
    unit = UnitFacts("BID-IWK", "Bidang Ideologi dan Wawasan Kebangsaan", facts, (), True)
    return assemble(
        HEADER, Period.parse("2026-TAHUNAN"), [unit], DEFAULT_SCALE, generated_at=GENERATED
    )


def big_report(units: int = 6, per_unit: int = 50) -> PerformanceReport:
    """``units`` x ``per_unit`` rows (300 by default): pagination and speed."""
    p = "2026-TW3"
    facts = [
        UnitFacts(
            f"U{u:02d}",
            f"Unit {u}",
            [
                indicator(
                    f"U{u:02d}-{i:03d}",
                    f"Indikator nomor {i} unit {u} dengan nama "
                    "yang cukup panjang agar baris tabel membungkus",
                    measurements={p: measured(str(40 + (i * 7) % 80))},
                )
                for i in range(per_unit)
            ],
            approved=True,
        )
        for u in range(units)
    ]
    return assemble(HEADER, Period.parse(p), facts, DEFAULT_SCALE, generated_at=GENERATED)
