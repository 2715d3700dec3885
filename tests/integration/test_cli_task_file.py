"""``sopbot task sheet`` and ``sopbot task input --file``: the chat's Excel input sheet on the
command line, read with the same all-or-nothing rules and stale-sheet refusals."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.persistence.uow import UowFactory
from tests.integration.conftest import SAMPLE_DIR

KABID, KASUBID, ANALIS = "999900000000000002", "999900000000000003", "999900000000000004"
NOW = "2026-10-12T{}"


def _task(output: str, step: int) -> str:
    match = re.search(rf"Tugas (\d+), langkah {step}, BID-IWK:", output)
    assert match, output
    return match.group(1)


def _fill(path: Path, figures: dict[str, Any], out: Path) -> Path:
    book = load_workbook(BytesIO(path.read_bytes()))
    sheet = book["Isian"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Realisasi") + 1
    rows = {sheet.cell(row=r, column=2).value: r for r in range(2, sheet.max_row + 1)}
    for code, value in figures.items():
        sheet.cell(row=rows[code], column=column, value=value)
    book.save(out)
    return out


def test_sheet_out_and_back_in(sopbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    started = sopbot("start", "kesbangpol", "--period", "2026-TW3", "--now", NOW.format("08:00"))
    moved = sopbot("task", "done", _task(started.output, 1), "--as", KABID)
    moved = sopbot("task", "done", _task(moved.output, 2), "--as", KASUBID)
    step3 = _task(moved.output, 3)
    blank = tmp_path / "isian.xlsx"
    written = sopbot("task", "sheet", step3, "--as", ANALIS, "-o", str(blank))
    assert f"ditulis ke {blank}" in written.output and "5 indikator" in written.output
    assert f"sopbot task input {step3} --file {blank} --as {ANALIS}" in written.output

    bad = _fill(blank, {"IWK-01": "82,5", "IWK-02": "1.5"}, tmp_path / "salah.xlsx")
    refused = sopbot("task", "input", step3, "--as", ANALIS, "--file", str(bad), ok=False)
    assert "Impor dibatalkan, tidak ada data yang diubah" in refused.output
    assert "Sheet Isian, baris 3, kolom Realisasi" in refused.output
    assert "gunakan koma" in refused.output
    shown = sopbot("task", "show", step3, "--as", ANALIS)
    assert "draf" not in shown.output  # the good row was not kept either

    figures = {"IWK-01": 82.5, "IWK-02": "142", "IWK-03": 3, "IWK-04": 1, "IWK-05": "70,4"}
    good = _fill(blank, figures, tmp_path / "terisi.xlsx")
    saved = sopbot("task", "input", step3, "--as", ANALIS, "--file", str(good))
    assert "IWK-01: dibaca 82,5%, capaian 100,00%" in saved.output
    assert "Tersimpan sebagai draf (5 indikator dari terisi.xlsx)" in saved.output
    assert f"sopbot task done {step3} --as {ANALIS}" in saved.output

    sopbot("task", "done", step3, "--as", ANALIS)
    stale = sopbot("task", "input", step3, "--as", ANALIS, "--file", str(good), ok=False)
    assert "Tidak ada yang disimpan" in stale.output and "sudah selesai" in stale.output

    targets = str(SAMPLE_DIR / "targets_2026.xlsx")
    other = sopbot("task", "input", step3, "--as", ANALIS, "--file", targets, ok=False)
    assert "bukan lembar isian sopbot" in other.output


def test_a_concern_in_the_sheet_needs_yakin(  # type: ignore[no-untyped-def]
    sopbot, uow_factory: UowFactory, sample_org: str, tmp_path: Path
) -> None:
    with uow_factory() as uow:  # last quarter's IWK-02: 35 orang
        org = uow.orgs.organisation(sample_org)
        indicator = uow.indicators.indicator(org.id, "IWK-02")  # type: ignore[union-attr]
        assert indicator is not None
        uow.work.record_measurement(indicator.id, "2026-TW2", value=Decimal(35), entered_by_id=None)
        uow.commit()
    started = sopbot("start", "kesbangpol", "--period", "2026-TW3", "--now", NOW.format("08:00"))
    moved = sopbot("task", "done", _task(started.output, 1), "--as", KABID)
    moved = sopbot("task", "done", _task(moved.output, 2), "--as", KASUBID)
    step3 = _task(moved.output, 3)
    blank = tmp_path / "isian.xlsx"
    sopbot("task", "sheet", step3, "--as", ANALIS, "-o", str(blank))
    odd = _fill(blank, {"IWK-02": 147}, tmp_path / "aneh.xlsx")  # 4,2 times last quarter
    held = sopbot("task", "input", step3, "--as", ANALIS, "--file", str(odd), ok=False)
    assert "IWK-02: Perhatian: nilai ini 4,2 kali triwulan lalu (35)" in held.output
    assert "Tidak ada yang disimpan" in held.output and "--yakin" in held.output
    kept = sopbot("task", "input", step3, "--as", ANALIS, "--file", str(odd), "--yakin")
    assert "Tersimpan sebagai draf (1 indikator" in kept.output
