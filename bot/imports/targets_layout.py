"""The layout of the targets workbook: sheets, columns and the words each choice accepts.

Shared by the reader (``targets_import``) and the writer (``targets_template``),
so the template always offers exactly what the import accepts.
"""

from __future__ import annotations

from bot.domain.capaian import Aggregation, LowerFormula, Polarity
from bot.domain.locale_id import MONTH_NAMES
from bot.imports.cells import Choices
from bot.imports.tables import Column

INDICATOR_SHEET = "Indikator"
TARGET_SHEET = "Target"
MONTHLY_SHEET = "Target Bulanan"
"""Optional: monthly targets where the Rencana Aksi breaks quarters into months."""
GUIDE_SHEET = "Petunjuk"

INDICATOR_COLUMNS = (
    Column("kode_unit", "Kode Unit", ("unit",), required=True),
    Column("kode", "Kode Indikator", ("kode", "code"), required=True),
    Column("sasaran", "Sasaran", ("sasaran strategis",)),
    Column("nama", "Indikator Kinerja", ("indikator", "nama indikator", "nama"), required=True),
    Column("satuan", "Satuan", required=True),
    Column("polaritas", "Polaritas", ("polarity",)),
    Column("rumus", "Rumus Polaritas Rendah", ("rumus", "lower formula")),
    Column("agregasi", "Agregasi", ("aggregation",)),
    Column("presisi", "Desimal", ("presisi", "precision")),
    Column("boleh_negatif", "Boleh Negatif", ("allow negative",)),
    Column("maks", "Nilai Maksimum", ("maks", "max", "max value")),
    Column("faktor_lonjakan", "Faktor Lonjakan", ("lonjakan", "jump factor")),
    Column("faktor_target", "Faktor Target", ("target factor",)),
)
QUARTER_KEYS = ("tw1", "tw2", "tw3", "tw4")
_ROMAN = ("I", "II", "III", "IV")
TARGET_COLUMNS = (
    Column("kode", "Kode Indikator", ("kode", "code"), required=True),
    Column("tahun", "Tahun", ("year",), required=True),
    Column("tahunan", "Tahunan", ("target tahunan", "pk", "tahun ini")),
    *(
        Column(key, f"TW{n}", (f"TW {_ROMAN[n - 1]}", f"Triwulan {n}", f"Q{n}"))
        for n, key in enumerate(QUARTER_KEYS, start=1)
    ),
)

MONTH_KEYS = tuple(f"b{n:02d}" for n in range(1, 13))
MONTHLY_COLUMNS = (
    Column("kode", "Kode Indikator", ("kode", "code"), required=True),
    Column("tahun", "Tahun", ("year",), required=True),
    *(
        Column(key, name, (name[:3], f"Bulan {n}", f"B{n}", f"{n:02d}"))
        for n, (key, name) in enumerate(zip(MONTH_KEYS, MONTH_NAMES, strict=True), start=1)
    ),
)

POLARITY = Choices(
    {
        Polarity.HIGHER_IS_BETTER: ("tinggi", "naik", "positif", "higher"),
        Polarity.LOWER_IS_BETTER: ("rendah", "turun", "negatif", "lower"),
    }
)
LOWER_FORMULA = Choices(
    {
        LowerFormula.TWO_T_MINUS_R: ("(2T-R)/T", "2T-R", "2t_minus_r"),
        LowerFormula.T_OVER_R: ("T/R", "t_over_r"),
    }
)
AGGREGATION = Choices(
    {
        Aggregation.CUMULATIVE: ("kumulatif", "jumlah", "cumulative"),
        Aggregation.LAST: ("terakhir", "posisi akhir", "last"),
        Aggregation.AVERAGE: ("rata-rata", "rerata", "average"),
    }
)
YES_NO = ("ya", "tidak")

GUIDE = (
    "Petunjuk pengisian target kinerja (sopbot targets import)",
    "",
    "Sheet Indikator: satu baris per indikator. Kode Indikator unik dalam organisasi;",
    "impor ulang memperbarui indikator dengan kode yang sama.",
    "Polaritas: tinggi = semakin tinggi semakin baik; rendah = semakin rendah semakin baik.",
    "Rumus Polaritas Rendah: (2T-R)/T (bawaan) atau T/R; hanya untuk polaritas rendah.",
    "Agregasi (triwulan menjadi tahunan): kumulatif (dijumlah), terakhir, rata-rata.",
    "Desimal: jumlah angka di belakang koma yang ditampilkan (bawaan 2).",
    "Faktor Lonjakan (boleh kosong): nilai lebih dari sekian kali (atau kurang dari",
    "1/sekian) triwulan lalu diminta dikonfirmasi; kosong = ketentuan organisasi (bawaan 3).",
    "Faktor Target (boleh kosong): nilai lebih dari sekian kali (atau kurang dari 1/sekian)",
    "target periodenya diminta dikonfirmasi; kosong = ketentuan organisasi (bawaan 10).",
    "",
    "Sheet Target: satu baris per indikator dan tahun: Tahunan (PK) dan TW1-TW4",
    "(Rencana Aksi). Sel kosong berarti tidak ada target untuk periode itu.",
    "",
    "Sheet Target Bulanan (boleh tidak ada atau kosong): satu baris per indikator dan tahun,",
    "kolom Januari-Desember, bila Rencana Aksi memuat target per bulan. Laporan bulanan",
    "membandingkan realisasi bulan dengan target bulan itu; tanpa target bulanan, indikator",
    "rata-rata/terakhir memakai target triwulannya dan indikator kumulatif tanpa target.",
    "Angka boleh berupa angka Excel atau teks: 12,5 atau 1.234 (koma = desimal).",
    "Baris contoh boleh diganti atau dihapus.",
)
