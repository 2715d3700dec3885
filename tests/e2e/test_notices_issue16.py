"""Issue 16 (5): notices say what happened to the reader, under a short step title.

SOP 004 on BID-IWK: the Kabid returns step 5 to the Kasubid (step 4, round 2); the Kasubid
changes IWK-01 and submits again; the Kabid's notice for step 5 round 2 is a re-review.
"""

from __future__ import annotations

from decimal import Decimal

from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running
from tests.integration.engine_helpers import fill_all, finish, single_task

ORG = "contoh-kesbangpol-jeneponto"
KABID, KASUBID, ANALIS = "999900000000000002", "999900000000000003", "999900000000000004"
LONG = "jika disetujui diserahkan pada kasubid/kasubag"


async def test_return_and_re_review_notices_say_what_happened(bot: Running) -> None:
    kabid = await bot.join(7701, "kabid", KABID)
    kasubid = await bot.join(7702, "kasubid", KASUBID)
    engine, now = bot.services.engine, bot.clock.now
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=now, units=["BID-IWK"])
    kabid_id, kasubid_id = bot.person_id(KABID), bot.person_id(KASUBID)
    analis_id = bot.person_id(ANALIS)
    finish(engine, kabid_id, 1, now)
    finish(engine, kasubid_id, 2, now)
    entry = single_task(engine, analis_id, now, 3)
    fill_all(engine, entry, analis_id, now, Decimal(80))
    engine.complete_task(entry, analis_id, now=now)
    finish(engine, kasubid_id, 4, bot.clock.advance(minutes=5))
    await dispatch_pending(bot.application.bot, bot.services)

    first = await kabid.wait_for_message(lambda m: "Langkah 5" in m.text)
    assert first.text.startswith("Tugas baru")
    assert "Langkah 5: Memeriksa laporan kinerja" in first.text
    assert LONG not in first.text  # the 200-character uraian is not repeated

    review = single_task(engine, kabid_id, bot.clock.now, 5)
    sheet = {line.code: line for line in engine.input_sheet(review, kabid_id, now=bot.clock.now)}
    engine.decide(
        review,
        kabid_id,
        approve=False,
        reason="IWK-01 belum sesuai bukti dukung",
        correct=[sheet["IWK-01"].indicator_id],
        now=bot.clock.advance(minutes=10),
    )
    await dispatch_pending(bot.application.bot, bot.services)
    returned = await kasubid.wait_for_message(
        lambda m: "Langkah 4" in m.text and "putaran" in m.text
    )
    assert returned.text.startswith("Pekerjaan Bapak/Ibu dikembalikan untuk diperbaiki")
    assert "putaran 2" in returned.text
    assert "Alasan pengembalian: IWK-01 belum sesuai bukti dukung" in returned.text

    fix = single_task(engine, kasubid_id, bot.clock.now, 4)
    engine.save_value(
        fix,
        kasubid_id,
        sheet["IWK-01"].indicator_id,
        value=Decimal("82.5"),
        now=bot.clock.advance(minutes=10),
    )
    engine.complete_task(fix, kasubid_id, now=bot.clock.advance(minutes=5))
    await dispatch_pending(bot.application.bot, bot.services)
    again = await kabid.wait_for_message(lambda m: "Langkah 5" in m.text and m is not first)
    assert again.text.startswith("Periksa kembali (putaran 2)"), again.text
    assert "dikembalikan untuk diperbaiki" not in again.text.lower()
    assert "Berubah sejak pemeriksaan Bapak/Ibu terakhir: 1 indikator" in again.text
    assert "IWK-01: 80 → 82,5" in again.text
    assert "IWK-02" not in again.text

    # The card shows the short title; the full uraian is one press away.
    await kabid.press(again, "Buka tugas")
    card = await kabid.wait_for_message(lambda m: "Setujui" in str(m.buttons))
    assert "Langkah 5: Memeriksa laporan kinerja" in card.text and LONG not in card.text
    await kabid.press(card, "Uraian lengkap")
    full = await kabid.wait_for_message(lambda m: LONG in m.text)
    assert "Langkah 5" in full.text
