"""issue 19: the admin's morning in the chat, before the quarter starts (Friday 9 October).

The Kasubag Perencanaan, admin of the sample organisation, invites the analyst
of Bidang Politik Dalam Negeri with buttons (unit, role, person) and forwards
the link; she opens it. The admin looks at who has not joined yet, then sends
the revised targets of IWK-02 as a workbook: one cell has a letter O for a zero, the
bot names sheet, row and column and changes nothing; the corrected workbook is
previewed (what changes) and saved with "Simpan".
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.fakebotapi.records import StoredMessage
from bot.fakebotapi.users import FakeUser
from bot.imports.targets_template import write_targets_workbook

if TYPE_CHECKING:
    from bot.simulate.scenario import Stage

INVITED = (910007, "Fitri")
"""Fitriani Contoh, analis of BID-PDN in the sample file: no Telegram account yet."""
WORKBOOK = "target_2026_revisi.xlsx"
REVISED = {"kode": "IWK-02", "tahun": 2026, "tahunan": 420}
"""The Rencana Aksi revised: 20 more participants in TW IV (100 -> 120), the year 420."""
TYPO, CORRECTED = "12O", 120
"""TW IV as first typed, with the letter O for a zero; then as corrected."""


def _has(text: str) -> Callable[[StoredMessage], bool]:
    return lambda message: text in (message.text or "")


def _label(message: StoredMessage, starts: str) -> str:
    return next(b.text for row in message.buttons for b in row if b.text.startswith(starts))


async def _press(user: FakeUser, message: StoredMessage, label: str) -> StoredMessage:
    await user.press(message, label)
    return await user.wait_for_message()


async def _menu(admin: FakeUser) -> StoredMessage:
    await admin.send_command("/admin")
    return await admin.wait_for_message(_has("Menu admin"))


def _workbook(tw4: object) -> bytes:
    targets = [{**REVISED, "tw4": tw4}]
    with tempfile.TemporaryDirectory(prefix="sopbot-scene-") as folder:
        path = Path(folder) / WORKBOOK
        write_targets_workbook(path, [], targets)
        return path.read_bytes()


async def play(stage: Stage) -> None:
    admin = stage.people["kasubag"]
    stage.clock.at(9, 10, 0)
    units = await _press(admin, await _menu(admin), "Buat undangan")
    roles = await _press(admin, units, _label(units, "BID-PDN"))
    people = await _press(admin, roles, _label(roles, "Analis"))
    await admin.press(people, _label(people, "Fitriani Contoh"))
    await admin.wait_for_message(_has("Undangan dibuat"))
    link = await admin.wait_for_message(_has("?start="))
    code = (link.text or "").split("?start=")[1].split()[0]

    stage.clock.at(9, 10, 20)  # the link forwarded; Fitriani opens it
    invited = stage.api.user(*INVITED)
    await invited.send_command("/start", code)
    await invited.wait_for_message(_has("Selamat datang"))

    stage.clock.at(9, 10, 30)
    await _press(admin, await _menu(admin), "Belum bergabung")

    stage.clock.at(9, 11, 0)
    await _press(admin, await _menu(admin), "Unggah target (Excel)")
    await admin.wait_for_message(lambda m: "document" in m.json)  # the blank template
    await admin.send_document(_workbook(TYPO), WORKBOOK)
    await admin.wait_for_message(_has("belum dapat disimpan"))
    stage.clock.at(9, 11, 10)
    await admin.send_document(_workbook(CORRECTED), WORKBOOK)
    preview = await admin.wait_for_message(_has("Jika disimpan"))
    await _press(admin, preview, "Simpan")
