"""/laporan and the report sent when a quarter's run completes, through the fake Bot API."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from bot.domain.periods import Period
from bot.fakebotapi.records import StoredMessage
from bot.services.report_menu import ReportChoice
from bot.telegram.callbacks import Action, Callback
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running
from tests.integration.seed004_play import KASUBAG_PERENCANAAN, play_quarter

ORG = "contoh-kesbangpol-jeneponto"
KABID_IWK, ANALIS_IWK = "999900000000000002", "999900000000000004"


def _content(bot: Running, message: StoredMessage) -> bytes:
    media = message.json.get("document") or message.json["photo"][-1]
    return bot.api.bot_state().files[media["file_id"]].content


def _is_file(message: StoredMessage) -> bool:
    return "document" in message.json or "photo" in message.json


async def test_a_kabid_picks_period_and_unit_and_receives_the_files(bot: Running) -> None:
    kabid = await bot.join(7001, "kabid", KABID_IWK)
    play_quarter(bot.services.engine, bot.services.uow_factory, ORG, "2026-TW3", bot.clock)

    await kabid.send_command("/laporan")
    menu = await kabid.wait_for_message()
    assert "Pilih periode laporan" in menu.text and "Pengumpulan Data Kinerja" in menu.text
    await kabid.press(menu, "Triwulan III 2026")
    units = await kabid.wait_for_edit(menu)
    labels = [b["text"] for row in units.reply_markup["inline_keyboard"] for b in row]
    assert labels[0] == "Seluruh organisasi (gabungan)"
    assert any(label.startswith("BID-IWK") for label in labels)
    assert not any(label.startswith("SEKR") for label in labels)  # no indicators there

    await kabid.press(units, labels[1])  # BID-IWK
    xlsx, pdf, chart = [await kabid.wait_for_message(_is_file) for _ in range(3)]
    assert xlsx.json["document"]["file_name"] == "laporan-kinerja-2026-TW3-BID-IWK.xlsx"
    assert "Triwulan III 2026" in xlsx.text and "Final" in xlsx.text
    book = load_workbook(BytesIO(_content(bot, xlsx)))
    assert "BID-IWK" in book.sheetnames and "BID-PDN" not in book.sheetnames
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(_content(bot, pdf))).pages)
    assert "IWK-01" in text or "Persentase peserta sosialisasi" in text
    assert _content(bot, chart).startswith(b"\x89PNG")
    done = await kabid.wait_for_edit(menu, edits=3)
    assert "Laporan terkirim" in done.text


async def test_staff_see_their_own_unit_only_and_forged_presses_are_refused(bot: Running) -> None:
    analis = await bot.join(7002, "analis", ANALIS_IWK)
    await analis.send_command("/laporan")
    menu = await analis.wait_for_message()
    await analis.press(menu, "Triwulan III 2026")
    units = await analis.wait_for_edit(menu)
    labels = [b["text"] for row in units.reply_markup["inline_keyboard"] for b in row]
    assert len(labels) == 1 and labels[0].startswith("BID-IWK")

    number = ReportChoice(0, Period.parse("2026-TW3")).number()
    for unit_id in (0, 999):  # the whole organisation, a unit of somebody else
        forged = Callback(Action.REPORT_UNIT, number, unit_id).encode()
        await analis.press(units, forged, force=True)
        refused = await analis.wait_for_message()
        assert "tidak dapat Bapak/Ibu minta" in refused.text
    assert not any(_is_file(m) for m in analis.messages())


async def test_a_stranger_gets_no_report(bot: Running) -> None:
    stranger = bot.api.user(7099, "Orang Asing")
    await stranger.send_command("/laporan")
    answer = await stranger.wait_for_message()
    assert "undangan" in answer.text.lower()


async def test_the_completed_quarter_reaches_the_kasubag_perencanaan_once(bot: Running) -> None:
    kasubag = await bot.join(7003, "kasubag_perencanaan", KASUBAG_PERENCANAAN, unit="SUBAG-PRC")
    play_quarter(bot.services.engine, bot.services.uow_factory, ORG, "2026-TW3", bot.clock)
    await dispatch_pending(bot.application.bot, bot.services)
    files = [await kasubag.wait_for_message(_is_file) for _ in range(3)]
    names = [m.json["document"]["file_name"] for m in files if "document" in m.json]
    assert names == ["laporan-kinerja-2026-TW3.xlsx", "laporan-kinerja-2026-TW3.pdf"]
    book = load_workbook(BytesIO(_content(bot, files[0])))
    assert {"BID-IWK", "BID-PDN", "BID-KNPK"} <= set(book.sheetnames)

    before = len(kasubag.messages())
    await dispatch_pending(bot.application.bot, bot.services)
    assert len(kasubag.messages()) == before  # sent once
