"""The bot's commands: registered with Telegram at start and listed by /bantuan."""

from __future__ import annotations

COMMANDS: tuple[tuple[str, str], ...] = (
    ("tugas", "Tugas saya yang masih terbuka"),
    ("status", "Kemajuan pengumpulan data periode ini"),
    ("laporan", "Laporan kinerja (Excel, PDF, grafik) per periode dan unit"),
    ("bantuan", "Petunjuk memakai bot"),
    ("batal", "Keluar dari isian yang sedang berjalan (draf tetap tersimpan)"),
)
