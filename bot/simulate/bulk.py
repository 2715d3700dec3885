"""The two ways to enter many figures at once, as a person in the simulation does them.

* ``enter_at_once``: "Isi sekaligus" on the task card, every figure typed in one
  message by the sheet's numbering, one "Simpan semua", then "Kirim".
* ``enter_by_sheet``: "Lembar Excel" on the task card, the document filled in
  (as in a spreadsheet program) and sent back, one "Simpan semua", then "Kirim".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from bot.fakebotapi import FakeBotApi
from bot.fakebotapi.records import StoredMessage
from bot.fakebotapi.users import FakeUser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _has(text: str) -> Callable[[StoredMessage], bool]:
    return lambda message: text in (message.text or "")


def _saving(message: StoredMessage) -> str | None:
    """The label of the echo's one confirmation ("Simpan semua (5)" or, with a warning,
    "Ya, semua benar, simpan (5)")."""
    for row in message.buttons:
        for button in row:
            if button.text.startswith(("Simpan semua", "Ya, semua benar")):
                return button.text
    return None


async def _save_and_send(user: FakeUser, evidence: bytes | None = None) -> None:
    """One "Simpan semua"; ``evidence``: a photo sent once for the task ("Bukti dukung" on
    the summary, then "Selesai"); then "Kirim"."""
    echo = await user.wait_for_message(lambda m: _saving(m) is not None)
    label = _saving(echo)
    assert label is not None
    await user.press(echo, label)
    summary = await user.wait_for_message(lambda m: m.find_button("Kirim") is not None)
    if evidence is not None:
        await user.press(summary, "Bukti dukung")
        asked = await user.wait_for_message(lambda m: m.find_button("Selesai") is not None)
        await user.send_photo(evidence, caption="daftar hadir sosialisasi")
        asked = await user.wait_for_message(_has("berkas"))
        await user.press(asked, "Selesai")
        summary = await user.wait_for_message(lambda m: m.find_button("Kirim") is not None)
    await user.press(summary, "Kirim")
    await user.wait_for_message(_has("telah dikirim"))


async def enter_at_once(
    user: FakeUser,
    card: StoredMessage,
    figures: Mapping[str, str],
    *,
    evidence: bytes | None = None,
) -> None:
    """Every figure in one message, numbered as the bot's list numbers them; ``evidence``:
    a photo for the task after the figures."""
    await user.press(card, "Isi sekaligus")
    listed = await user.wait_for_message(_has("Isi sekaligus"))
    numbers = {}
    for line in (listed.text or "").splitlines():
        number, _, rest = line.partition(". ")
        if number.isdigit() and rest:
            numbers[rest.split()[0]] = number
    await user.send_text("\n".join(f"{numbers[code]}. {typed}" for code, typed in figures.items()))
    await _save_and_send(user, evidence)


async def enter_by_sheet(
    api: FakeBotApi, user: FakeUser, card: StoredMessage, figures: Mapping[str, Any]
) -> None:
    """The input sheet downloaded from the card, its Realisasi filled in, sent back."""
    await user.press(card, "Lembar Excel")
    document = await user.wait_for_message(lambda m: "document" in m.json)
    sent = document.json["document"]
    content = api.bot_state().files[sent["file_id"]].content
    await user.send_document(_filled(content, figures), sent["file_name"], XLSX)
    await _save_and_send(user)


def _filled(content: bytes, figures: Mapping[str, Any]) -> bytes:
    book = load_workbook(BytesIO(content))
    sheet = book["Isian"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Realisasi") + 1
    rows = {sheet.cell(row=r, column=2).value: r for r in range(2, sheet.max_row + 1)}
    for code, value in figures.items():
        sheet.cell(row=rows[code], column=column, value=value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
