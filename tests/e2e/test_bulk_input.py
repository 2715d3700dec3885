"""Many figures at once through real PTB against the fake Bot API: every figure in one typed
message, or the Excel input sheet downloaded from the task card and sent back as a document.
Either way one confirmation saves them all."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.fakebotapi import FakeBotApi
from bot.fakebotapi.records import StoredMessage
from bot.fakebotapi.users import FakeUser
from tests.e2e.sopbot_app import Running, open_sample_services, running_sopbot
from tests.e2e.test_input import ANALIS, run_to_step, sheet
from tests.integration.engine_helpers import Clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _has(text: str) -> Any:
    return lambda message: text in (message.text or "")


def _button(label: str) -> Any:
    return lambda message: message.find_button(label) is not None


async def _card(analyst: FakeUser) -> StoredMessage:
    notice = await analyst.wait_for_message(_button("Buka tugas"))
    await analyst.press(notice, "Buka tugas")
    return await analyst.wait_for_message(_button("Isi sekaligus"))


def _typed(analyst: FakeUser) -> list[str]:
    return [e.text for e in analyst.transcript() if e.sender != "bot" and e.kind == "text"]


async def _submit(analyst: FakeUser, echo: StoredMessage, label: str) -> None:
    await analyst.press(echo, label)
    await analyst.wait_for_message(_has("nilai tersimpan sebagai draf"))
    summary = await analyst.wait_for_message(_button("Kirim"))
    assert "Semua sudah terisi" in summary.text, summary.text
    await analyst.press(summary, "Kirim")
    await analyst.wait_for_message(_has("telah dikirim"))


async def test_every_figure_in_one_message_and_one_confirmation(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    clock = Clock()
    services = open_sample_services(tmp_path, clock)
    async with running_sopbot(fake_api, services, clock) as bot:
        analyst = await bot.join(7003, "analis", ANALIS)
        task = await run_to_step(bot, 3)
        card = await _card(analyst)
        await analyst.press(card, "Isi sekaligus")
        listed = await analyst.wait_for_message(_has("Isi sekaligus"))
        assert "1. IWK-01" in listed.text and "5. IWK-05" in listed.text
        await analyst.send_text("IWK-01 82,5; IWK-02 142\nIWK-03 = 3\n4. 1\nIWK-09 7")
        echo = await analyst.wait_for_message()
        assert "Terbaca 4 nilai" in echo.text, echo.text
        assert "• IWK-01: 82,5% (target 82,5) → 100,00% Sangat Tinggi" in echo.text
        assert "«IWK-09 7»: kode IWK-09 tidak ada di tugas ini" in echo.text
        assert "Belum diisi (1): IWK-05." in echo.text
        assert sheet(bot, task, ANALIS)["IWK-01"].value is None  # not before the confirmation
        await analyst.send_text("5. 70,4")  # only the rest
        echo = await analyst.wait_for_message()
        assert "Terbaca 5 nilai" in echo.text and "Tidak terbaca" not in echo.text
        await _submit(analyst, echo, "Simpan semua (5)")
        assert _typed(analyst)[-2:] == [
            "IWK-01 82,5; IWK-02 142\nIWK-03 = 3\n4. 1\nIWK-09 7",
            "5. 70,4",
        ]
        values = {code: line.value for code, line in sheet(bot, task, ANALIS).items()}
        assert values == {
            "IWK-01": Decimal("82.5"),
            "IWK-02": Decimal(142),
            "IWK-03": Decimal(3),
            "IWK-04": Decimal(1),
            "IWK-05": Decimal("70.4"),
        }


def _content(bot: Running, message: StoredMessage) -> bytes:
    return bot.api.bot_state().files[message.json["document"]["file_id"]].content


def _filled(content: bytes, figures: dict[str, Any]) -> bytes:
    book = load_workbook(BytesIO(content))
    isian = book["Isian"]
    header = [cell.value for cell in isian[1]]
    rows = {isian.cell(row=r, column=2).value: r for r in range(2, isian.max_row + 1)}
    for code, value in figures.items():
        isian.cell(row=rows[code], column=header.index("Realisasi") + 1, value=value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


async def test_the_excel_sheet_from_the_card_sent_back_and_confirmed_once(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    clock = Clock()
    services = open_sample_services(tmp_path, clock)
    async with running_sopbot(fake_api, services, clock) as bot:
        analyst = await bot.join(7003, "analis", ANALIS)
        task = await run_to_step(bot, 3)
        card = await _card(analyst)
        await analyst.press(card, "Lembar Excel")
        document = await analyst.wait_for_message(lambda m: "document" in m.json)
        assert document.json["document"]["file_name"].endswith(f"-tugas-{task}.xlsx")
        assert "kirim kembali" in (document.json.get("caption") or "")
        blank = _content(bot, document)

        broken = _filled(blank, {"IWK-01": "82.5"})
        await analyst.send_document(broken, "isian.xlsx", XLSX)
        refused = await analyst.wait_for_message()
        assert "Sheet Isian, baris 2, kolom Realisasi" in refused.text, refused.text
        assert "gunakan koma" in refused.text

        figures = {"IWK-01": 82.5, "IWK-02": 142, "IWK-03": 3, "IWK-04": 1, "IWK-05": "70,4"}
        await analyst.send_document(_filled(blank, figures), "isian.xlsx", XLSX)
        echo = await analyst.wait_for_message()
        assert "Terbaca 5 nilai dari lembar Excel" in echo.text, echo.text
        await _submit(analyst, echo, "Simpan semua (5)")
        assert sheet(bot, task, ANALIS)["IWK-05"].value == Decimal("70.4")

        # The same sheet again, after the figures were sent: the task is done, nothing read.
        await analyst.send_document(_filled(blank, {"IWK-01": 90}), "isian.xlsx", XLSX)
        stale = await analyst.wait_for_message(_has("Lembar Excel tidak dipakai"))
        assert "sudah selesai" in stale.text, stale.text
        assert sheet(bot, task, ANALIS)["IWK-01"].value == Decimal("82.5")
