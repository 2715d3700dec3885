"""`sopbot simulate`: a whole quarter of SOP 004 through the real bot, with transcripts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.cli import cli
from bot.simulate.scenario import simulate


async def test_a_quarter_from_assignment_to_hand_off(tmp_path: Path) -> None:
    chats = await simulate(tmp_path / "out")
    kabid, kasubid, analis, kasubag = (chats[k] for k in ("kabid", "kasubid", "analis", "kasubag"))

    # The run starts on Monday 12 October (10 October was a Saturday) for TW III.
    assert "[Senin, 12 Oktober 2026 08.00] bot:\n    Tugas baru" in kabid
    assert "Langkah 2: Memerintahkan Analis" in kasubid
    # The reminder sweep reminds the Kasubid the next morning; it opens the task card.
    assert "Pengingat: langkah 4" in kasubid
    # Issue 16: the analyst types all five figures in one message, numbered as the list,
    # and confirms them once; 142 is 3,6 times last quarter's 40, named in that confirmation.
    assert "[pressed: Isi sekaligus]" in analis
    assert "Muh.:\n    1. 82,5%\n    2. 142\n    3. 3\n    4. 1\n    5. 70,4\n" in analis
    assert "Terbaca 5 nilai" in analis and "• IWK-02: 142 orang (target 150)" in analis
    assert "⚠️ nilai ini 3,6 kali triwulan lalu (40)" in analis
    assert "1 nilai perlu dipastikan: IWK-02" in analis
    assert analis.count("[pressed: Ya, semua benar, simpan (5)]") == 1
    assert "Silakan ketik nilai realisasinya" not in analis  # no question per indicator
    # The return with its reason reaches the Kasubid, who corrects IWK-02.
    reason = "IWK-02: jumlah peserta tidak sesuai daftar hadir, mohon dicek ulang"
    assert f"Alasan: {reason}" in kabid
    assert f"Alasan pengembalian: {reason}" in kasubid
    # ...by the Excel sheet: downloaded from the card, filled, sent back, confirmed once.
    assert "[pressed: Lembar Excel]" in kasubid
    assert "bot:\n    [document: isian-2026-TW3-" in kasubid
    assert "Rahmawati:\n    [document: isian-2026-TW3-" in kasubid
    assert "Terbaca 1 nilai dari lembar Excel" in kasubid and "• IWK-02: 148 orang" in kasubid
    assert "[pressed: Ya, semua benar, simpan (1)]" in kasubid
    # The correction was late: reminded each morning, and the Kabid told after two days.
    assert "[Kamis, 15 Oktober 2026 07.30] bot:\n    Terlambat" in kasubid
    assert "Perlu perhatian: Rahmawati Sampel (Kasubid/ Kasubag" in kabid
    # Approved, handed off to the Kasubag Perencanaan, and the run ends.
    assert "Disetujui oleh Andi Baso Fiktif" in kabid
    assert "Langkah 6: Merekomendasikan laporan kinerja" in kasubag
    assert "telah menyelesaikan semua langkahnya" in kasubag

    # issue 19: the admin's scene, in the chat, before the quarter (bot/simulate/admin_scene.py).
    assert "Nurul [pressed: Buat undangan]" in kasubag
    assert "➜ Dipilih: Fitriani Contoh (999900000000000007)" in kasubag
    assert "Yth. Bapak/Ibu Fitriani Contoh," in kasubag and "?start=" in kasubag
    assert "• Kabid: Syamsuddin Fiktif — belum diundang" in kasubag
    assert "Fitriani Contoh — belum diundang" not in kasubag  # she opened her link
    assert "(1 masalah):\n    • Sheet Target, baris 2, kolom TW4: '12O' bukan angka" in kasubag
    assert "• Target IWK-02 Triwulan IV 2026: 100 → 120 (diubah)" in kasubag
    assert "Tersimpan: berkas target_2026_revisi.xlsx." in kasubag

    # The office group: the admin registers it, and one pinned board follows the quarter.
    group = chats["grup"]
    assert "Nurul:\n    /daftargrup" in group and "Grup Kesbangpol Jeneponto terdaftar" in group
    assert "Papan pesan 3 (disematkan): setiap versi" in group
    versions = group.split("setiap versi", 1)[1]
    states = ["belum mulai", "sedang diisi", "diajukan", "dikembalikan (putaran 2)", "disetujui"]
    positions = [versions.index(f": {state}") for state in states]
    assert positions == sorted(positions)  # in the order the work went
    assert "dikembalikan (putaran 2) — terlambat 6 jam" in versions  # Thursday morning
    assert "(selesai)\n    \n    ✅ Bidang Ideologi" in versions.rsplit("versi", 1)[1]

    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [
        "01-kabid.txt",
        "02-kasubid.txt",
        "03-analis.txt",
        "04-kasubag.txt",
        "05-grup.txt",
        "laporan-kinerja-2026-TW3-grafik.png",
        "laporan-kinerja-2026-TW3.pdf",
        "laporan-kinerja-2026-TW3.xlsx",
        "semua.txt",
    ]
    book = load_workbook(tmp_path / "out" / "laporan-kinerja-2026-TW3.xlsx")
    assert book.sheetnames == ["Ringkasan", "BID-IWK", "Asal Data"]
    sheet = book["BID-IWK"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert 148 in values  # the corrected IWK-02, not the 142 first typed
    pdf = PdfReader(tmp_path / "out" / "laporan-kinerja-2026-TW3.pdf")
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Triwulan III 2026" in text and "148" in text
    png = (tmp_path / "out" / "laporan-kinerja-2026-TW3-grafik.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_the_command_prints_the_transcripts(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["simulate", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Percakapan kabid (Andi)" in result.output
    assert f"Transkrip dan laporan ditulis ke {tmp_path}" in result.output
