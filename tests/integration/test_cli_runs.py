"""SOP 004 for one bidang, moved from the command line alone.

The Kabid, Kasubid and Analis of Bidang Ideologi (BID-IWK) take their turns
with ``sopbot task ... --as NIP``; the Kabid returns the report once, then
approves it, and ``sopbot status`` follows every move. The clock is ``--now``.
"""

from __future__ import annotations

import re

KABID, KASUBID, ANALIS = "999900000000000002", "999900000000000003", "999900000000000004"
MONDAY = "2026-10-12T{}"


def _task(output: str, step: int, unit: str = "BID-IWK") -> str:
    """The id of the open task at ``step`` for ``unit`` in a command's summary lines."""
    match = re.search(rf"Tugas (\d+), langkah {step}, {unit}:", output)
    assert match, output
    return match.group(1)


def test_one_bidang_from_start_to_approval(sopbot) -> None:
    started = sopbot("start", "kesbangpol", "--period", "2026-TW3", "--now", MONDAY.format("08:00"))
    assert re.search(
        r"Pelaksanaan \d+ dimulai: Pengumpulan Data Kinerja, Triwulan III 2026", started.output
    )
    assert "Kabid Andi Baso Fiktif; batas Senin, 12 Oktober 2026 08.15 WITA" in started.output
    assert "menunggu unit BID-IWK, BID-KNPK, BID-PDN" in started.output
    again = sopbot("start", "kesbangpol", "--period", "2026-TW3", ok=False)
    assert "sudah berjalan" in again.output

    listed = sopbot("task", "list", "--as", KABID, "--now", MONDAY.format("08:05"))
    assert "Tugas terbuka Andi Baso Fiktif" in listed.output
    step1 = _task(started.output, 1)
    assert listed.output.splitlines()[3].startswith(step1)

    # Only the holder of the role may act: the Analis cannot do the Kabid's step.
    refused = sopbot("task", "done", step1, "--as", ANALIS, ok=False)
    assert "Bapak/Ibu tidak memegang peran itu" in refused.output

    moved = sopbot("task", "done", step1, "--as", KABID, "--now", MONDAY.format("08:05"))
    moved = sopbot("task", "done", _task(moved.output, 2), "--as", KASUBID)
    step3 = _task(moved.output, 3)

    shown = sopbot("task", "show", step3, "--as", ANALIS, "--now", MONDAY.format("08:30"))
    assert "Langkah 3 (putaran 1): Menyerahkan bahan laporan kinerja" in shown.output
    assert re.search(r"\*IWK-01 .* 82,50 .* belum diisi", shown.output)
    assert f"sopbot task input {step3} --as {ANALIS}" in shown.output

    early = sopbot("task", "done", step3, "--as", ANALIS, ok=False)
    assert "Belum lengkap: 5 indikator" in early.output
    typo = sopbot("task", "input", step3, "--as", ANALIS, "IWK-01=82,5", "IWK-02=1.5", ok=False)
    assert "Tidak ada yang disimpan" in typo.output and "gunakan koma" in typo.output
    filled = sopbot(
        "task", "input", step3, "--as", ANALIS, "--now", MONDAY.format("09:00"),
        "IWK-01=82,5%", "iwk-02=160", "IWK-03=3", "IWK-04=1",
        "--no-data", "IWK-05=Survei indeks belum selesai",
    )  # fmt: skip
    assert "IWK-01: '82,5%' dibaca sebagai 82,5%" in filled.output
    assert "IWK-02: '160' dibaca sebagai 160 orang" in filled.output
    assert re.search(r"IWK-02 .* 150 .* 160 .* 106,67%", filled.output)
    assert "Semua indikator terisi" in filled.output

    moved = sopbot("task", "done", step3, "--as", ANALIS, "--now", MONDAY.format("09:05"))
    moved = sopbot("task", "done", _task(moved.output, 4), "--as", KASUBID)
    review = _task(moved.output, 5)
    returned = sopbot(
        "task", "return", review, "--as", KABID, "--now", MONDAY.format("10:10"),
        "--reason", "IWK-02 tidak sesuai daftar hadir", "--correct", "IWK-02",
    )  # fmt: skip
    fix = _task(returned.output, 4)

    status = sopbot("status", "--unit", "BID-IWK", "--now", MONDAY.format("10:15"))
    assert "putaran 2" in status.output and "dikembalikan:" in status.output
    assert "Rahmawati Sampel" in status.output and "sisa 8 jam 25 menit" in status.output

    locked = sopbot("task", "input", fix, "--as", KASUBID, "IWK-01=80", ok=False)
    assert "yang dapat diubah: IWK-02" in locked.output
    sopbot("task", "input", fix, "--as", KASUBID, "IWK-02=155")
    moved = sopbot("task", "done", fix, "--as", KASUBID, "--now", MONDAY.format("10:25"))
    approved = sopbot("task", "approve", _task(moved.output, 5), "--as", KABID)
    assert "disetujui oleh Andi Baso Fiktif" in approved.output
    assert "menunggu unit BID-KNPK, BID-PDN" in approved.output

    # The other bidang never started: at 10.30 their step 1 is overdue, reported once.
    late = sopbot("status", "--now", MONDAY.format("10:30"))
    assert "TERLAMBAT 2 JAM 15 MENIT" in late.output
    assert "2 langkah melewati batas waktu" in late.output
    reported = sopbot("deadlines", "--now", MONDAY.format("10:30")).output
    # Says what it recorded: each late task, its step, role and unit, not only a count.
    assert "2 keterlambatan dicatat" in reported
    assert "langkah 1 (Kabid, Bidang Kewaspadaan Nasional" in reported
    assert "langkah 1 (Kabid, Bidang Politik Dalam Negeri" in reported
    assert (
        "Tidak ada tugas yang terlambat"
        in sopbot("deadlines", "--now", MONDAY.format("10:31")).output
    )


def test_status_without_runs_and_bad_options(sopbot) -> None:
    assert "Tidak ada pelaksanaan SOP yang sedang berjalan" in sopbot("status").output
    assert "tidak dikenali" in sopbot("status", "--period", "TW9", ok=False).output
    assert "Unit 'BID-XX' tidak ada" in sopbot("status", "--unit", "BID-XX", ok=False).output
    assert "Tidak ada pegawai dengan NIP 1" in sopbot("task", "list", "--as", "1", ok=False).output
    assert "bukan waktu ISO" in sopbot("status", "--now", "kemarin", ok=False).output
    unknown = sopbot("start", "tidak-ada", "--period", "2026-TW3", ok=False)
    assert "SOP 'tidak-ada' tidak ditemukan" in unknown.output
