"""Issue 16 (4) in the chat: the absurd inputs of the issue, through the fake Bot API.

BID-PDN of the sample organisation, Triwulan III 2026: PDN-02 (kegiatan, target 2) and
PDN-05 (organisasi, target 5).
"""

from __future__ import annotations

from decimal import Decimal

from bot.fakebotapi.records import StoredMessage
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running
from tests.e2e.test_input import ORG, answer, fill_card, is_question, person, press, sheet
from tests.integration.engine_helpers import finish, single_task
from tests.integration.seed004_play import BIDANG, SOP

KABID, KASUBID, ANALIS = BIDANG["BID-PDN"]


def labels(message: StoredMessage) -> list[str]:
    return [b.text for row in message.buttons for b in row]


async def pdn_entry(bot: Running, *, saved: tuple[str, ...]) -> int:
    """The BID-PDN analyst's input task, with ``saved`` indicators already at their target."""
    engine, now = bot.services.engine, bot.clock.now
    engine.start_run(SOP, ORG, "2026-TW3", now=now, units=["BID-PDN"])
    finish(engine, person(bot.services, KABID), 1, now)
    finish(engine, person(bot.services, KASUBID), 2, now)
    analyst = person(bot.services, ANALIS)
    await dispatch_pending(bot.application.bot, bot.services)
    task = single_task(engine, analyst, now, 3)
    lines = sheet(bot, task, ANALIS)
    for code in saved:
        target = lines[code].target
        assert target is not None
        engine.save_value(task, analyst, lines[code].indicator_id, now=now, value=target)
    return task


async def test_money_for_a_count_is_refused_in_the_chat(bot: Running) -> None:
    analyst = await bot.join(7601, "analis", ANALIS)
    task = await pdn_entry(bot, saved=("PDN-01",))
    card = await fill_card(bot, analyst, task)
    question = await press(analyst, card, "Isi data indikator")
    assert "PDN-02" in question.text
    refused = await answer(analyst, "Rp 1.250.000")
    assert is_question(refused) and "PDN-02" in refused.text
    assert "tampak seperti nilai uang" in refused.text and "kegiatan" in refused.text
    assert sheet(bot, task, ANALIS)["PDN-02"].value is None


async def test_a_value_far_from_its_target_is_held_for_confirmation_in_the_chat(
    bot: Running,
) -> None:
    analyst = await bot.join(7602, "analis", ANALIS)
    task = await pdn_entry(bot, saved=("PDN-01", "PDN-02", "PDN-03", "PDN-04"))
    card = await fill_card(bot, analyst, task)
    question = await press(analyst, card, "Isi data indikator")
    assert "PDN-05" in question.text
    echo = await answer(analyst, "1.250")
    assert "Realisasi yang terbaca: 1.250 organisasi" in echo.text
    assert "Perhatian: nilai ini 250 kali target (5); batas kewajaran 10 kali." in echo.text
    assert labels(echo) == ["Ya, nilai ini benar", "Ketik ulang"]
    assert sheet(bot, task, ANALIS)["PDN-05"].value is None
    saved = await press(analyst, echo, "Ya, nilai ini benar")
    assert "Tersimpan: PDN-05 = 1.250" in saved.text
    line = sheet(bot, task, ANALIS)["PDN-05"]
    assert line.value == Decimal(1250)
    with bot.services.uow_factory() as uow:
        current = uow.work.current_measurement(line.indicator_id, "2026-TW3")
        assert current is not None and "target" in current.flags
