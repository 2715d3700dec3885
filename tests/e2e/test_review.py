"""Task cards, plain tasks, reviews with two reviewers, stale buttons, /status and /batal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.enums import Acting
from bot.fakebotapi import FakeBotApi
from bot.persistence.models import RoleAssignment
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running, open_sample_services, running_sopbot
from tests.integration.engine_helpers import Clock, fill_all, single_task

ORG = "contoh-kesbangpol-jeneponto"
NIP = {
    "kabid": "999900000000000002",
    "kasubid": "999900000000000003",
    "analis": "999900000000000004",
    "plh": "999900000000000001",  # the Kasubag Perencanaan, Plh Kabid IWK this quarter
}


@pytest.fixture
async def bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Running]:
    clock = Clock()
    services = open_sample_services(tmp_path, clock)
    with services.uow_factory() as uow:
        plh = uow.orgs.person_by_nip(1, NIP["plh"])
        unit = uow.orgs.unit(1, "BID-IWK")
        assert plh is not None and unit is not None
        uow.orgs.add(
            RoleAssignment(
                person_id=plh.id,
                role_key="kabid",
                unit_id=unit.id,
                acting=Acting.PLH,
                valid_from=date(2026, 10, 1),
                valid_to=date(2026, 10, 31),
            )
        )
        uow.commit()
    async with running_sopbot(fake_api, services, clock) as running:
        yield running


async def test_card_done_review_return_and_a_second_reviewer(bot: Running) -> None:
    kabid = await bot.join(7001, "kabid", NIP["kabid"])
    kasubid = await bot.join(7002, "kasubid", NIP["kasubid"])
    plh = await bot.join(7004, "kabid", NIP["plh"])
    engine = bot.services.engine
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    await dispatch_pending(bot.application.bot, bot.services)

    # The notice opens the card; the plain step is finished with one press.
    notice = await kabid.wait_for_message()
    await kabid.press(notice, "Buka tugas")
    card = await kabid.wait_for_message()
    assert "Langkah 1: Menugaskan Kasubag/Kasubid" in card.text
    await kabid.press(card, "Selesai")
    done = await kabid.wait_for_edit(card)
    assert "Selesai oleh Andi Baso Fiktif" in done.text
    assert done.buttons == []

    # The Kasubid opens the task from /tugas.
    order = await kasubid.wait_for_message(lambda m: "Langkah 2" in m.text)
    assert order.buttons  # "Buka tugas"
    await kasubid.send_command("/tugas")
    listing = await kasubid.wait_for_message(lambda m: "Tugas Bapak/Ibu" in m.text)
    await kasubid.press(listing, listing.buttons[0][0].text)
    card2 = await kasubid.wait_for_message(lambda m: "Langkah 2" in m.text and m.buttons)
    await kasubid.press(card2, "Selesai")
    await kasubid.wait_for_edit(card2)

    # Steps 3 and 4 through the engine (the input conversation has its own tests).
    analis, kasubid_id = bot.person_id(NIP["analis"]), bot.person_id(NIP["kasubid"])
    task3 = single_task(engine, analis, bot.clock.now, 3)
    fill_all(engine, task3, analis, bot.clock.now, value=Decimal(80))
    engine.complete_task(task3, analis, now=bot.clock.now)
    engine.complete_task(
        single_task(engine, kasubid_id, bot.clock.now, 4), kasubid_id, now=bot.clock.now
    )
    await dispatch_pending(bot.application.bot, bot.services)

    # Both the Kabid and the Plh get the review; the Plh opens it first.
    review_notice = await plh.wait_for_message(lambda m: "Langkah 5" in m.text)
    await plh.press(review_notice, "Buka tugas")
    plh_card = await plh.wait_for_message(lambda m: m.buttons and "Setujui" in str(m.buttons))
    kabid_notice = await kabid.wait_for_message(lambda m: "Langkah 5" in m.text)
    await kabid.press(kabid_notice, "Buka tugas")
    card5 = await kabid.wait_for_message(lambda m: "Setujui" in str(m.buttons))
    assert "Target" in card5.text and "Realisasi" in card5.text and "Capaian" in card5.text

    # The Kabid returns it: ticks one indicator, types the reason.
    await kabid.press(card5, "Kembalikan")
    await kabid.wait_for_message(lambda m: "ketik alasan" in m.text)
    ticks = card5.buttons
    first = ticks[0][0].text
    await kabid.press(card5, first)
    await kabid.wait_until(lambda: card5.buttons and card5.buttons[0][0].text.startswith("☑"))
    await kabid.send_text("Realisasi IWK-01 belum sesuai bukti dukung")
    await kabid.wait_until(lambda: "Dikembalikan" in card5.text and not card5.buttons)
    assert "Realisasi IWK-01 belum sesuai bukti dukung" in card5.text

    # The second reviewer's card is now stale: pressing it changes nothing.
    before = len(engine.open_tasks(kasubid_id, now=bot.clock.now))
    stale = await plh.wait_answered(await plh.press(plh_card, "Setujui"))
    assert "diproses" in (stale.answer.get("text") or "")  # a toast, and the buttons go
    await plh.wait_until(lambda: not plh_card.buttons)
    after = engine.open_tasks(kasubid_id, now=bot.clock.now)
    assert len(after) == before == 1
    assert after[0].round == 2 and after[0].reason == "Realisasi IWK-01 belum sesuai bukti dukung"

    # A forged or stale button with data the bot never made.
    forged = await kabid.press(card5, "zz:1", force=True)
    answered = await kabid.wait_answered(forged)
    assert "tidak berlaku" in answered.answer.get("text", "")
    await kabid.press(card5, "a:999999", force=True)
    refused = await kabid.wait_for_message(lambda m: "tidak ditemukan" in m.text)
    assert refused.text == "Tugas tidak ditemukan."


async def test_status_and_batal(bot: Running) -> None:
    kabid = await bot.join(7101, "kabid", NIP["kabid"])
    await kabid.send_command("/status")
    assert "Tidak ada SOP yang sedang berjalan" in (await kabid.wait_for_message()).text
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    bot.clock.advance(hours=1)
    await kabid.send_command("/status")
    status = await kabid.wait_for_message(lambda m: "Pengumpulan Data Kinerja" in m.text)
    assert "Triwulan III 2026 (berjalan)" in status.text
    assert "Langkah 1, Bidang Ideologi" in status.text
    assert "terlambat 45 menit" in status.text
    assert "menunggu" in status.text  # the join waits for the three bidang
    await kabid.send_command("/batal")
    assert "tetap tersimpan" in (await kabid.wait_for_message()).text


async def test_status_shows_a_unit_member_only_their_unit(bot: Running) -> None:
    analis = await bot.join(7201, "analis", NIP["analis"])
    kabid = await bot.join(7202, "kabid", NIP["kabid"])
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    await analis.send_command("/status")
    own = (await analis.wait_for_message(lambda m: "berjalan" in m.text)).text
    assert "Langkah 1, Bidang Ideologi" in own
    assert "Langkah 1, Bidang Politik" not in own  # only the join waiting on all names it
    await kabid.send_command("/status")  # the Kabid reviews: every bidang
    everything = (await kabid.wait_for_message(lambda m: "berjalan" in m.text)).text
    assert "Langkah 1, Bidang Ideologi" in everything
    assert "Langkah 1, Bidang Politik" in everything
