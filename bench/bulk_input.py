"""Many figures at once (issue 16): what 50 figures cost an analyst, and how fast a sheet is read.

The real bot against the fake Bot API, on the sample organisation with BID-IWK
grown to 50 indicators (45 added, target 100 each). One analyst:

* *text*: "Isi sekaligus" on the task card, every figure in one message by the
  list's numbers, the one confirmation, until the summary offers "Kirim" with
  nothing missing. Counted: messages typed, confirmation presses.
* *Excel*: "Lembar Excel" on the card, the 50 rows filled, the document sent
  back, the one confirmation. Counted: documents sent, confirmation presses;
  timed: from sending the document to the bot's answer (download, read, check
  each figure against its indicator, the echo), median of a few returns, and
  the same read alone (``batch_input.read_sheet`` in one unit of work).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import Figure

INDICATORS, QUICK_INDICATORS = 50, 10
UNIT = "BID-IWK"
SLUG = "contoh-kesbangpol-jeneponto"
ANALIS, KABID, KASUBID = "999900000000000004", "999900000000000002", "999900000000000003"
SOP = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RETURNS = 5
"""Sheets sent back for the timing (the first also counts the messages)."""


def _grow(services: Any, count: int) -> None:
    """BID-IWK with ``count`` indicators in all (the sample has 5)."""
    from bot.persistence.models import Indicator

    with services.uow_factory() as uow:
        org = uow.orgs.organisation(SLUG)
        unit = uow.orgs.unit(org.id, UNIT)
        have = len(uow.indicators.indicators_of_unit(unit.id))
        for n in range(have + 1, count + 1):
            indicator = Indicator(
                organisation_id=org.id,
                unit_id=unit.id,
                code=f"IWK-{n:02d}",
                name=f"Jumlah dokumen kegiatan {n}",
                satuan="dokumen",
            )
            uow.indicators.add(indicator)
            for q in range(1, 5):
                uow.indicators.set_target(indicator, 2026, f"2026-TW{q}", Decimal(100))
            uow.indicators.set_target(indicator, 2026, "2026-TAHUNAN", Decimal(400))
        uow.commit()


def _person(services: Any, nip: str) -> int:
    with services.uow_factory() as uow:
        org = uow.orgs.organisation(SLUG)
        return uow.orgs.person_by_nip(org.id, nip).id


def _invite(services: Any, now: datetime) -> str:
    from bot.imports.invites import create_invite

    with services.uow_factory() as uow:
        org = uow.orgs.organisation(SLUG)
        code = create_invite(
            uow, org, role_key="analis", unit_code=UNIT, person_ref=ANALIS, days=7, now=now
        ).code
        uow.commit()
        return code


def _target_text(value: Decimal | None) -> str:
    from bot.domain.numbers import format_number

    exact = (value or Decimal(1)).normalize()
    exponent = exact.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_number(exact, places)


async def _round(app: Any, services: Any, now: datetime, user: Any, period: str) -> tuple[int, Any]:
    """A run of BID-IWK for ``period`` up to the analyst's card; (task id, the card message)."""
    from bot.telegram.outbox import dispatch_pending

    engine = services.engine
    engine.start_run(SOP, SLUG, period, now=now, units=[UNIT])
    for nip, step in ((KABID, 1), (KASUBID, 2)):
        person = _person(services, nip)
        task = next(t for t in engine.open_tasks(person, now=now) if t.step_no == step)
        engine.complete_task(task.task_id, person, now=now)
    await dispatch_pending(app.bot, services)
    analyst = _person(services, ANALIS)
    task = next(
        t for t in engine.open_tasks(analyst, now=now) if t.step_no == 3 and t.period == period
    ).task_id
    notice = await user.wait_for_message(lambda m: m.find_button("Buka tugas") is not None)
    await user.press(notice, "Buka tugas")
    card = await user.wait_for_message(lambda m: m.find_button("Isi sekaligus") is not None)
    return task, card


def _saving(message: Any) -> str | None:
    for row in message.buttons:
        for button in row:
            if button.text.startswith(("Simpan semua", "Ya, semua benar")):
                return button.text
    return None


async def _confirm(user: Any) -> int:
    """Press the echo's one confirmation until the bot says the figures are saved.

    (Not until the summary: a 50-row summary is longer than Telegram's 4,096 characters
    until the long-message split of issue 16 is merged; "Ajukan" on the card submits.)
    """
    presses = 0
    while True:
        message = await user.wait_for_message(
            lambda m: _saving(m) is not None or "tersimpan sebagai draf" in (m.text or ""),
            timeout=30,
        )
        label = _saving(message)
        if label is None:
            return presses
        await user.press(message, label)
        presses += 1


def _fill(content: bytes, values: dict[str, str]) -> bytes:
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(content))
    sheet = book["Isian"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Realisasi") + 1
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row=row, column=2).value
        if code in values:
            sheet.cell(row=row, column=column, value=values[code])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


async def _play(count: int, workdir: Path) -> list[Figure]:
    from bot.fakebotapi import FakeBotApi
    from bot.services import batch_input
    from bot.simulate.setup import open_sample_services, running_bot

    zone = ZoneInfo("Asia/Makassar")
    now = datetime(2026, 10, 12, 9, 0, tzinfo=zone)
    services = open_sample_services(workdir, lambda: now)
    _grow(services, count)
    figures: list[Figure] = []
    try:
        async with FakeBotApi() as api, running_bot(api.url, api.token, services) as app:
            user = api.user(950001, "Analis")
            await user.send_command("/start", _invite(services, now))
            await user.wait_for_message()
            analyst = _person(services, ANALIS)

            # --- by text: one message with every figure, numbered as the bot lists them
            task, card = await _round(app, services, now, user, "2026-TW3")
            lines = services.engine.input_sheet(task, analyst, now=now)
            values = {line.code: _target_text(line.target) for line in lines}
            typed_before = _typed(api, user)
            await user.press(card, "Isi sekaligus")
            await user.wait_for_message(lambda m: "Isi sekaligus" in (m.text or ""))
            text = "\n".join(f"{n}. {values[line.code]}" for n, line in enumerate(lines, 1))
            await user.send_text(text)
            presses = await _confirm(user)
            messages = _typed(api, user) - typed_before
            figures += [
                Figure(f"text: messages typed for {count} figures", messages, "msg", 3),
                Figure(f"text: confirmations for {count} figures", presses, "press", 1),
            ]
            await _send(user, card)

            # --- by Excel: the sheet from the card, filled, sent back (next quarter's run)
            task, card = await _round(app, services, now, user, "2026-TW4")
            await user.press(card, "Lembar Excel")
            document = await user.wait_for_message(lambda m: "document" in m.json)
            sent = document.json["document"]
            blank = api.bot_state().files[sent["file_id"]].content
            filled = _fill(blank, values)
            answered: list[float] = []
            documents = 0
            for _ in range(RETURNS):
                started = time.perf_counter()
                await user.send_document(filled, sent["file_name"], XLSX)
                echo = await user.wait_for_message(lambda m: _saving(m) is not None, timeout=30)
                answered.append(time.perf_counter() - started)
                whole = f"Terbaca {count} nilai dari lembar Excel" in echo.text
                documents = documents or (len(answered) if whole else 0)
            read = []
            for _ in range(RETURNS):
                started = time.perf_counter()
                with services.uow_factory() as uow:
                    org_id = uow.orgs.organisation(SLUG).id
                    found = batch_input.read_sheet(uow, analyst, org_id, now, filled)
                read.append(time.perf_counter() - started)
                assert found.ok and len(found.figures) == count, (found.stale, found.problems)
            await user.press(echo, _saving(echo) or "")  # the last echo's one confirmation
            presses = 1 + await _confirm(user)
            await _send(user, card)
            figures += [
                Figure(
                    f"Excel: documents sent for {count} figures",
                    documents or RETURNS + 1,
                    "doc",
                    1,
                    note=f"{RETURNS} sent for the timing",
                ),
                Figure(f"Excel: confirmations for {count} figures", presses, "press", 1),
                Figure(
                    f"Excel: {count}-row sheet sent back -> answer (median)",
                    statistics.median(answered) * 1000,
                    "ms",
                    1000,
                    note=f"max {max(answered) * 1000:.0f} ms of {RETURNS}, via the fake Bot API",
                ),
                Figure(
                    f"Excel: reading the {count}-row sheet alone (median)",
                    statistics.median(read) * 1000,
                    "ms",
                    note="batch_input.read_sheet in one unit of work, no Telegram",
                ),
            ]
    finally:
        services.close()
    return figures


def _typed(api: Any, user: Any) -> int:
    return sum(1 for e in api.transcript(user.user_id) if e.sender != "bot" and e.kind == "text")


async def _send(user: Any, card: Any) -> None:
    """ "Ajukan" on the task card: refused with what is missing unless every figure is in."""
    await user.press(card, "Ajukan")
    await user.wait_for_message(lambda m: "telah dikirim" in (m.text or ""), timeout=30)


def run(quick: bool = False) -> list[Figure]:
    count = QUICK_INDICATORS if quick else INDICATORS
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as workdir:
        return asyncio.run(_play(count, Path(workdir)))


if __name__ == "__main__":
    for figure in run():
        print(figure.line())
