"""A person Telegram no longer delivers to: marked once, retries stop, the admin and the
superior are told the role is uncovered; writing to the bot again makes them reachable."""

from __future__ import annotations

from datetime import datetime

from bot.domain.enums import ReminderState
from bot.fakebotapi.users import FakeUser
from bot.telegram.outbox import dispatch_pending
from bot.telegram.reminders import send_due_reminders
from tests.e2e.sopbot_app import Running
from tests.integration.engine_helpers import WITA, single_task

ORG = "contoh-kesbangpol-jeneponto"
ADMIN, KABID, KASUBID = "999900000000000001", "999900000000000002", "999900000000000003"
UNREACHABLE = "Tidak dapat dihubungi"


def _refused(bot: Running) -> int:
    """Every send Telegram refused so far (403 blocked/deactivated, 400 chat not found)."""
    errors = bot.api.stats()["errors"]
    return sum(n for key, n in errors.items() if key.split(":")[1] in ("400", "403"))


def _reachable(bot: Running, nip: str) -> bool:
    with bot.services.uow_factory() as uow:
        person = uow.orgs.person_by_id(bot.person_id(nip))
        assert person is not None
        return person.reachable


def _notices(user: FakeUser, words: str) -> list[str]:
    return [m.text for m in user.messages() if words in (m.text or "")]


async def _dispatch(bot: Running) -> None:
    """Two passes: the refused send, then the notice its failure queued."""
    await dispatch_pending(bot.application.bot, bot.services)
    await dispatch_pending(bot.application.bot, bot.services)


async def test_a_kasubid_who_blocks_the_bot(bot: Running) -> None:
    admin = await bot.join(6101, "kasubag_perencanaan", ADMIN, unit="SUBAG-PRC")
    kabid = await bot.join(6102, "kabid", KABID)
    kasubid = await bot.join(6103, "kasubid", KASUBID)
    engine = bot.services.engine
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now, units=["BID-IWK"])
    await dispatch_pending(bot.application.bot, bot.services)
    await kabid.wait_for_message(lambda m: "Tugas baru" in m.text)

    await kasubid.block()
    kabid_id = bot.person_id(KABID)
    bot.clock.now = datetime(2026, 10, 12, 8, 5, tzinfo=WITA)
    step1 = single_task(engine, kabid_id, bot.clock.now, 1)
    engine.complete_task(step1, kabid_id, now=bot.clock.now)
    refused = _refused(bot)
    await _dispatch(bot)
    assert _refused(bot) == refused + 1  # step 2's notice, once
    assert not _reachable(bot, KASUBID)

    for user in (kabid, admin):
        told = await user.wait_for_message(lambda m: UNREACHABLE in m.text)
        assert "Rahmawati Sampel" in told.text and "memblokir bot" in told.text
        assert "Kasubid/ Kasubag, Bidang Ideologi" in told.text
        assert "langkah 2" in told.text and "Memerintahkan Analis" in told.text
        assert "sopbot invite" in told.text and "Plh" in told.text
    with bot.services.uow_factory() as uow:
        kasubid_id = bot.person_id(KASUBID)
        step2 = single_task(engine, kasubid_id, bot.clock.now, 2)
        (failed,) = [r for r in uow.audit.reminders_for_task(step2) if r.recipient_id == kasubid_id]
        assert failed.state is ReminderState.FAILED and "blocked" in (failed.error or "")
        assert uow.audit.pending_events() == []

    # Days of reminders later: no attempt at the blocked chat, the Kabid escalated once,
    # and nobody is told a second time that the Kasubid is unreachable.
    refused = _refused(bot)
    for day in (13, 14, 15):
        bot.clock.now = datetime(2026, 10, day, 7, 30, tzinfo=WITA)
        await send_due_reminders(bot.application.bot, bot.services)
    await dispatch_pending(bot.application.bot, bot.services)
    assert _refused(bot) == refused
    await kabid.wait_for_message(lambda m: "Perlu perhatian" in m.text)
    assert len(_notices(kabid, UNREACHABLE)) == 1 and len(_notices(admin, UNREACHABLE)) == 1

    # The Kasubid writes again (that unblocks the bot): reachable, the two told once.
    await kasubid.send_command("/tugas")
    listed = await kasubid.wait_for_message(lambda m: "Memerintahkan Analis" in m.text)
    assert listed.buttons
    assert _reachable(bot, KASUBID)
    for user in (kabid, admin):
        back = await user.wait_for_message(lambda m: "Dapat dihubungi lagi" in m.text)
        assert "Rahmawati Sampel" in back.text
    await kasubid.send_text("halo")
    await kasubid.wait_for_message()
    await dispatch_pending(bot.application.bot, bot.services)
    assert len(_notices(admin, "Dapat dihubungi lagi")) == 1

    # Reminders reach the Kasubid again.
    bot.clock.now = datetime(2026, 10, 16, 7, 30, tzinfo=WITA)
    await send_due_reminders(bot.application.bot, bot.services)
    await kasubid.wait_for_message(lambda m: "Terlambat" in m.text)


async def test_a_deactivated_kabid_is_reported_to_the_admin(bot: Running) -> None:
    admin = await bot.join(6111, "kasubag_perencanaan", ADMIN, unit="SUBAG-PRC")
    kabid = await bot.join(6112, "kabid", KABID)
    await kabid.deactivate()
    bot.services.engine.start_run(
        "kesbangpol", ORG, "2026-TW3", now=bot.clock.now, units=["BID-IWK"]
    )
    await _dispatch(bot)
    assert not _reachable(bot, KABID)
    told = await admin.wait_for_message(lambda m: UNREACHABLE in m.text)
    assert "Andi Baso Fiktif" in told.text and "dinonaktifkan" in told.text
    assert "Kabid, Bidang Ideologi" in told.text and "langkah 1" in told.text
    assert "tidak ada pemegang lain" in told.text

    # /status shows the holder as unreachable; another notice for them is not attempted.
    await admin.send_command("/status")
    status = await admin.wait_for_message(lambda m: "Langkah 1" in m.text)
    assert "Andi Baso Fiktif (tidak dapat dihubungi)" in status.text
    refused = _refused(bot)
    bot.services.engine.start_run(
        "kesbangpol", ORG, "2026-TW2", now=bot.clock.now, units=["BID-IWK"]
    )
    await _dispatch(bot)
    assert _refused(bot) == refused
    assert len(_notices(admin, UNREACHABLE)) == 1


async def test_a_chat_that_is_gone(bot: Running) -> None:
    admin = await bot.join(6121, "kasubag_perencanaan", ADMIN, unit="SUBAG-PRC")
    with bot.services.uow_factory() as uow:
        person = uow.orgs.person_by_id(bot.person_id(KABID))
        assert person is not None
        person.telegram_user_id = 6199  # an account that never opened a chat with the bot
        uow.commit()
    bot.services.engine.start_run(
        "kesbangpol", ORG, "2026-TW3", now=bot.clock.now, units=["BID-IWK"]
    )
    await _dispatch(bot)
    assert not _reachable(bot, KABID)
    told = await admin.wait_for_message(lambda m: UNREACHABLE in m.text)
    assert "Andi Baso Fiktif" in told.text and "tidak ditemukan" in told.text
    with bot.services.uow_factory() as uow:
        (row,) = [r for r in uow.audit.reminders_for_task(1)]
        assert row.state is ReminderState.FAILED and "chat not found" in (row.error or "").lower()
