"""Regenerate ``targets_2026.xlsx``: the SAMPLE indicators and 2026 targets (fictional).

    python examples/sample_org/make_targets.py

The figures are invented for demos and tests; the indicator names follow what
a Kesbangpol's Rencana Strategis typically measures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.imports.targets_template import write_targets_workbook

HERE = Path(__file__).resolve().parent
IWK = "Meningkatnya pemahaman dan pengamalan ideologi Pancasila dan wawasan kebangsaan"
PDN = "Meningkatnya partisipasi politik masyarakat dan tertibnya administrasi ormas"
KNPK = "Terciptanya kondusivitas wilayah melalui kewaspadaan dini dan penanganan konflik"

# code, unit, sasaran, name, satuan, polaritas, rumus, agregasi, desimal, maks,
# tahunan, TW1-TW4 (text cells such as "77,5" show that Indonesian-typed
# numbers import too)
# fmt: off
ROWS: list[tuple[Any, ...]] = [
    ("IWK-01", "BID-IWK", IWK, "Persentase peserta sosialisasi wawasan kebangsaan yang "
     "meningkat pemahamannya", "%", "tinggi", None, "rata-rata", 2, 100,
     80, 75, "77,5", "82,5", 85),
    ("IWK-02", "BID-IWK", IWK, "Jumlah peserta pendidikan wawasan kebangsaan", "orang",
     "tinggi", None, "kumulatif", 0, None, 400, 50, 100, 150, 100),
    ("IWK-03", "BID-IWK", IWK, "Jumlah kegiatan pembinaan ideologi Pancasila dan karakter "
     "bangsa", "kegiatan", "tinggi", None, "kumulatif", 0, None, 12, 3, 3, 3, 3),
    ("IWK-04", "BID-IWK", IWK, "Jumlah dokumen laporan pembauran kebangsaan", "dokumen",
     "tinggi", None, "kumulatif", 0, None, 4, 1, 1, 1, 1),
    ("IWK-05", "BID-IWK", IWK, "Indeks pemahaman ideologi Pancasila masyarakat", "indeks",
     "tinggi", None, "terakhir", 2, 100, 70, 65, 67, 68, 70),
    ("PDN-01", "BID-PDN", PDN, "Persentase ormas terdaftar yang melaporkan keberadaannya",
     "%", "tinggi", None, "terakhir", 2, 100, 60, 45, 50, 55, 60),
    ("PDN-02", "BID-PDN", PDN, "Jumlah kegiatan pendidikan politik bagi masyarakat",
     "kegiatan", "tinggi", None, "kumulatif", 0, None, 8, 2, 2, 2, 2),
    ("PDN-03", "BID-PDN", PDN, "Jumlah dokumen hasil pemantauan situasi politik daerah",
     "dokumen", "tinggi", None, "kumulatif", 0, None, 4, 1, 1, 1, 1),
    ("PDN-04", "BID-PDN", PDN, "Persentase partai politik penerima bantuan keuangan yang "
     "menyampaikan laporan pertanggungjawaban tepat waktu", "%", "tinggi", None,
     "rata-rata", 2, 100, 100, 100, 100, 100, 100),
    ("PDN-05", "BID-PDN", PDN, "Jumlah organisasi kemasyarakatan yang dibina", "organisasi",
     "tinggi", None, "kumulatif", 0, None, 20, 5, 5, 5, 5),
    ("KNPK-01", "BID-KNPK", KNPK, "Jumlah konflik sosial yang terjadi", "kali", "rendah",
     "(2T-R)/T", "kumulatif", 0, None, 4, 1, 1, 1, 1),
    ("KNPK-02", "BID-KNPK", KNPK, "Persentase konflik sosial yang tertangani", "%", "tinggi",
     None, "rata-rata", 2, 100, 100, 100, 100, 100, 100),
    ("KNPK-03", "BID-KNPK", KNPK, "Jumlah rapat koordinasi Forum Kewaspadaan Dini "
     "Masyarakat (FKDM)", "kali", "tinggi", None, "kumulatif", 0, None, 8, 2, 2, 2, 2),
    ("KNPK-04", "BID-KNPK", KNPK, "Jumlah laporan deteksi dini potensi konflik", "dokumen",
     "tinggi", None, "kumulatif", 0, None, 12, 3, 3, 3, 3),
    ("KNPK-05", "BID-KNPK", KNPK, "Jumlah anggota Tim Terpadu Penanganan Konflik Sosial "
     "yang dilatih", "orang", "tinggi", None, "kumulatif", 0, None, 30, 10, 10, 5, 5),
    ("KNPK-06", "BID-KNPK", KNPK, "Rata-rata waktu respons penanganan laporan potensi "
     "konflik", "hari", "rendah", "T/R", "rata-rata", 1, None, 3, 3, 3, 3, 3),
]
# fmt: on
INDICATOR_KEYS = ("kode", "kode_unit", "sasaran", "nama", "satuan", "polaritas", "rumus")
INDICATOR_KEYS += ("agregasi", "presisi", "maks")


def main(path: Path = HERE / "targets_2026.xlsx") -> Path:
    indicators = [
        {**dict(zip(INDICATOR_KEYS, row[:10], strict=True)), "boleh_negatif": "tidak"}
        for row in ROWS
    ]
    quarters = ("tahunan", "tw1", "tw2", "tw3", "tw4")
    targets = [
        {"kode": row[0], "tahun": 2026, **dict(zip(quarters, row[10:15], strict=True))}
        for row in ROWS
    ]
    write_targets_workbook(
        path,
        indicators,
        targets,
        note="DATA CONTOH (fiktif) untuk organisasi contoh-kesbangpol-jeneponto; "
        "dibuat oleh examples/sample_org/make_targets.py",
    )
    return path


if __name__ == "__main__":
    print(f"ditulis: {main()}")
