"""Issue 16 (6): 120 indicators through the fake Bot API, which refuses texts over 4,096
characters (``bot.fakebotapi.messaging.TEXT_LIMIT``) and keyboards over 100 buttons.

The summary, the submit and the Kasubid's card are split at row boundaries, with the
buttons on the last part.
"""

from __future__ import annotations

from decimal import Decimal

from bot.fakebotapi.messaging import TEXT_LIMIT
from bot.persistence.models import Indicator
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running
from tests.e2e.test_input import (
    ANALIS,
    KABID,
    KASUBID,
    ORG,
    fill_card,
    person,
    run_to_step,
    sheet,
)
from tests.integration.engine_helpers import single_task

EXTRA = 115  # the sample's 5 BID-IWK indicators and 115 more


def add_indicators(bot: Running) -> None:
    with bot.services.uow_factory() as uow:
        org = uow.orgs.organisation(ORG)
        assert org is not None
        unit = uow.orgs.unit(org.id, "BID-IWK")
        assert unit is not None
        for n in range(1, EXTRA + 1):
            indicator = Indicator(
                organisation_id=org.id,
                unit=unit,
                code=f"IWK-X{n:03d}",
                name=f"Jumlah kegiatan sosialisasi wawasan kebangsaan di kecamatan nomor {n}",
                satuan="kegiatan",
                precision=0,
            )
            uow.indicators.add(indicator)
            uow.indicators.set_target(indicator, 2026, "2026-TW3", Decimal(4))
        uow.commit()


async def test_120_indicators_summary_and_review_card_are_split(bot: Running) -> None:
    add_indicators(bot)
    analyst = await bot.join(7801, "analis", ANALIS)
    kabid = await bot.join(7802, "kabid", KABID)
    task = await run_to_step(bot, 3)
    engine, analis_id, now = bot.services.engine, person(bot.services, ANALIS), bot.clock.now
    lines = sheet(bot, task, ANALIS)
    assert len(lines) == 120
    for line in lines.values():
        value = line.target if line.target is not None else Decimal(1)
        engine.save_value(task, analis_id, line.indicator_id, now=now, value=value)

    card = await fill_card(bot, analyst, task)
    before = len(analyst.messages())
    await analyst.press(card, "Isi data indikator")  # all filled: the summary
    last = await analyst.wait_for_message(lambda m: "Kirim" in str(m.buttons))
    parts = analyst.messages()[before:]
    assert len(parts) >= 3, [len(m.text) for m in parts]
    assert parts[-1] is last
    assert all(len(m.text) <= TEXT_LIMIT for m in parts)
    assert all(not m.buttons for m in parts[:-1])
    assert sum(len(row) for row in last.buttons) <= 100
    assert parts[0].text.startswith("Ringkasan data kinerja")
    text = "\n".join(m.text for m in parts)
    for code in lines:  # every indicator is in one part, whole
        assert sum(f" {code} " in m.text or f"{code} " in m.text for m in parts) >= 1, code
    assert "Semua sudah terisi" in parts[-1].text and "IWK-X115" in text

    await analyst.press(last, "Kirim")
    await analyst.wait_for_message(lambda m: "Selanjutnya" in m.text)
    kasubid_id = person(bot.services, KASUBID)
    engine.complete_task(single_task(engine, kasubid_id, now, 4), kasubid_id, now=now)
    await dispatch_pending(bot.application.bot, bot.services)
    opener = await kabid.wait_for_message(lambda m: "Langkah 5" in m.text)
    assert opener.text.startswith("Tugas baru")
    before = len(kabid.messages())
    await kabid.press(opener, "Buka tugas")
    buttons = await kabid.wait_for_message(lambda m: "Setujui" in str(m.buttons))
    card_parts = kabid.messages()[before:]
    assert len(card_parts) >= 3 and card_parts[-1] is buttons
    assert all(len(m.text) <= TEXT_LIMIT for m in card_parts)
    assert all(not m.buttons for m in card_parts[:-1])
    assert "Langkah 5" in card_parts[0].text
    assert any("IWK-X115" in m.text for m in card_parts)

    # Approving edits the long card into its record: split the same way, nothing refused.
    before = len(kabid.messages())
    await kabid.press(buttons, "Setujui")
    record = await kabid.wait_for_message(lambda m: "Disetujui" in m.text)
    assert all(len(m.text) <= TEXT_LIMIT for m in kabid.messages())
    assert not record.buttons and len(kabid.messages()) > before
