"""`sopbot simulate`: a whole quarter of SOP 004 through the real bot, with transcripts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

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
    # The analyst's figures, echoed and confirmed, with a kendala.
    assert "Realisasi yang terbaca: 142 orang" in analis
    assert "Data peserta dari dua kecamatan belum masuk" in analis
    # The return with its reason reaches the Kasubid, who corrects IWK-02.
    reason = "IWK-02: jumlah peserta tidak sesuai daftar hadir, mohon dicek ulang"
    assert f"Alasan: {reason}" in kabid
    assert f"Alasan pengembalian: {reason}" in kasubid
    assert "Tersimpan: IWK-02 = 148." in kasubid
    # The correction was late: reminded each morning, and the Kabid told after two days.
    assert "[Kamis, 15 Oktober 2026 07.30] bot:\n    Terlambat" in kasubid
    assert "Perlu perhatian: Rahmawati Sampel (Kasubid/ Kasubag" in kabid
    # Approved, handed off to the Kasubag Perencanaan, and the run ends.
    assert "Disetujui oleh Andi Baso Fiktif" in kabid
    assert "Langkah 6: Merekomendasikan laporan kinerja" in kasubag
    assert "telah menyelesaikan semua langkahnya" in kasubag

    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [
        "01-kabid.txt",
        "02-kasubid.txt",
        "03-analis.txt",
        "04-kasubag.txt",
        "semua.txt",
    ]


def test_the_command_prints_the_transcripts(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["simulate", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Percakapan kabid (Andi)" in result.output
    assert f"Transkrip ditulis ke {tmp_path}" in result.output
