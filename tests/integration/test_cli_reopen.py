"""``sopbot task reopen`` and the completeness line of ``sopbot status``."""

from __future__ import annotations

import re

from tests.integration.engine_helpers import Clock, make_engine
from tests.integration.seed004_play import KASUBAG_PERENCANAAN, play_quarter

KABID, KASUBID = "999900000000000002", "999900000000000003"


def test_reopen_from_the_command_line(sopbot, uow_factory, sample_org: str) -> None:
    run_id = str(
        play_quarter(make_engine(uow_factory), uow_factory, sample_org, "2026-TW3", Clock())
    )
    shown = sopbot("status", "--period", "2026-TW3", "--now", "2026-10-20T08:00")
    assert f"Pelaksanaan {run_id} (Triwulan III 2026): Kelengkapan 3/3 unit, tepat waktu 3/3." in (
        shown.output
    )

    args = ["task", "reopen", "--run", run_id, "--unit", "BID-IWK", "--now", "2026-10-20T09:00"]
    refused = sopbot(*args, "--as", KABID, "--reason", "salah", ok=False)
    assert "hanya admin organisasi" in refused.output
    no_reason = sopbot(*args, "--as", KASUBAG_PERENCANAAN, "--reason", " ", ok=False)
    assert "wajib disertai alasan" in no_reason.output

    done = sopbot(*args, "--as", KASUBAG_PERENCANAAN, "--reason", "Angka IWK-01 keliru")
    assert f"Data BID-IWK di pelaksanaan {run_id} dibuka kembali oleh" in done.output
    assert "Alasan: Angka IWK-01 keliru" in done.output
    match = re.search(r"Tugas (\d+), langkah 4, BID-IWK: Kasubid/ Kasubag", done.output)
    assert match, done.output
    assert "menunggu unit BID-IWK" in done.output

    shown = sopbot("status", "--now", "2026-10-20T09:05")
    assert "berjalan" in shown.output
    assert "dikembalikan:" in shown.output and "Angka IWK-01" in shown.output
    assert "Kelengkapan 2/3 unit, tepat waktu 2/3" in shown.output
    sheet = sopbot("task", "show", match.group(1), "--as", KASUBID, "--now", "2026-10-20T09:05")
    assert "Dikembalikan dengan alasan: Angka IWK-01 keliru" in sheet.output
