"""Reminders through the real bot: at the right local times, never in quiet hours, once each,
and the superior told when a task is two working days late."""

from __future__ import annotations

from datetime import datetime

from bot.telegram.outbox import dispatch_pending
from bot.telegram.reminders import send_due_reminders
from tests.e2e.sopbot_app import Running
from tests.integration.engine_helpers import WITA, single_task

ORG = "contoh-kesbangpol-jeneponto"
KABID, KASUBID = "999900000000000002", "999900000000000003"


async def _sweep(bot: Running, when: datetime) -> int:
    bot.clock.now = when
    return await send_due_reminders(bot.application.bot, bot.services)


async def test_due_overdue_and_escalation_at_working_times(bot: Running) -> None:
    kabid = await bot.join(9001, "kabid", KABID)
    kasubid = await bot.join(9002, "kasubid", KASUBID)
    engine = bot.services.engine
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now, units=["BID-IWK"])
    await dispatch_pending(bot.application.bot, bot.services)
    await kabid.wait_for_message(lambda m: "Tugas baru" in m.text)

    # The Kabid is on time; the Kasubid's step 2 (15 Menit) falls due at 08.20.
    bot.clock.now = datetime(2026, 10, 12, 8, 5, tzinfo=WITA)
    with bot.services.uow_factory() as uow:
        kabid_id = uow.orgs.person_by_nip(1, KABID).id  # type: ignore[union-attr]
    engine.complete_task(
        single_task(engine, kabid_id, bot.clock.now, 1), kabid_id, now=bot.clock.now
    )
    await dispatch_pending(bot.application.bot, bot.services)
    await kasubid.wait_for_message(lambda m: "Langkah 2" in m.text)
    before = len(kasubid.messages())

    assert await _sweep(bot, datetime(2026, 10, 12, 8, 19, tzinfo=WITA)) == 0
    assert await _sweep(bot, datetime(2026, 10, 12, 8, 20, tzinfo=WITA)) == 1
    due = await kasubid.wait_for_message(lambda m: "Batas waktu sekarang" in m.text)
    assert "langkah 2" in due.text and due.buttons  # opens the task
    assert await _sweep(bot, datetime(2026, 10, 12, 8, 21, tzinfo=WITA)) == 0  # once only

    # Quiet hours: the evening, the night and the weekend send nothing.
    for quiet in (datetime(2026, 10, 12, 19, 0), datetime(2026, 10, 13, 6, 0)):
        assert await _sweep(bot, quiet.replace(tzinfo=WITA)) == 0
    # Tuesday 07.30: the first working morning overdue.
    assert await _sweep(bot, datetime(2026, 10, 13, 7, 30, tzinfo=WITA)) == 1
    overdue = await kasubid.wait_for_message(lambda m: "Terlambat" in m.text)
    assert "langkah 2" in overdue.text

    # Thursday 07.30: two whole working days late; the Kabid (the superior) is told who.
    kabid_before = len(kabid.messages())
    assert await _sweep(bot, datetime(2026, 10, 15, 7, 30, tzinfo=WITA)) == 2
    escalation = await kabid.wait_for_message(lambda m: "Perlu perhatian" in m.text)
    assert "Rahmawati Sampel" in escalation.text and "Kasubid/ Kasubag" in escalation.text
    assert "terlambat 2 hari" in escalation.text
    assert not escalation.buttons  # the Kabid cannot do the Kasubid's task
    assert len(kabid.messages()) == kabid_before + 1
    assert len(kasubid.messages()) == before + 3  # due, Tuesday, Thursday
    assert bot.api.duplicates() == []


async def test_a_bot_down_for_days_sends_only_the_latest_reminder(bot: Running) -> None:
    kabid = await bot.join(9003, "kabid", KABID)
    bot.services.engine.start_run(
        "kesbangpol", ORG, "2026-TW3", now=bot.clock.now, units=["BID-IWK"]
    )
    await dispatch_pending(bot.application.bot, bot.services)
    await kabid.wait_for_message(lambda m: "Tugas baru" in m.text)
    count = len(kabid.messages())
    # Down from Monday morning until the next Monday: one overdue reminder, not five.
    sent = await _sweep(bot, datetime(2026, 10, 19, 9, 0, tzinfo=WITA))
    assert sent == 1  # today's overdue reminder; a Kabid's escalation goes to the admin (no chat)
    texts = [m.text for m in kabid.messages()[count:]]
    assert sum("Terlambat" in t for t in texts) == 1


async def test_an_organisation_that_never_escalates(bot: Running) -> None:
    with bot.services.uow_factory() as uow:
        org = uow.orgs.organisation(ORG)
        assert org is not None
        org.reminder_policy = {"escalate_after_working_days": 0}
        uow.commit()
    kabid = await bot.join(9005, "kabid", KABID)
    kasubid = await bot.join(9006, "kasubid", KASUBID)
    engine = bot.services.engine
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now, units=["BID-IWK"])
    with bot.services.uow_factory() as uow:
        kabid_id = uow.orgs.person_by_nip(1, KABID).id  # type: ignore[union-attr]
    engine.complete_task(
        single_task(engine, kabid_id, bot.clock.now, 1), kabid_id, now=bot.clock.now
    )
    await dispatch_pending(bot.application.bot, bot.services)
    await kasubid.wait_for_message(lambda m: "Langkah 2" in m.text)
    # Thursday: the Kasubid is reminded, the Kabid is not told.
    assert await _sweep(bot, datetime(2026, 10, 15, 7, 30, tzinfo=WITA)) == 1
    assert not any("Perlu perhatian" in m.text for m in kabid.messages())


async def test_reminders_missed_while_down_wait_for_working_hours(bot: Running) -> None:
    """Issue 18: restarted on Sunday 14.40 WITA, Friday's missed "Terlambat" and escalation
    go out on Monday morning, once each, not on the Sunday."""
    bot.clock.now = datetime(2026, 11, 30, 8, 0, tzinfo=WITA)  # a Monday
    kabid = await bot.join(9007, "kabid", KABID)
    kasubid = await bot.join(9008, "kasubid", KASUBID)
    engine = bot.services.engine
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now, units=["BID-IWK"])
    with bot.services.uow_factory() as uow:
        kabid_id = uow.orgs.person_by_nip(1, KABID).id  # type: ignore[union-attr]
    engine.complete_task(
        single_task(engine, kabid_id, bot.clock.now, 1), kabid_id, now=bot.clock.now
    )
    await dispatch_pending(bot.application.bot, bot.services)
    await kasubid.wait_for_message(lambda m: "Langkah 2" in m.text)
    # Up until Thursday morning (due, Tuesday's overdue, Wednesday's and Thursday's with
    # their escalations went out), then down from Thursday noon until Sunday afternoon.
    assert await _sweep(bot, datetime(2026, 12, 3, 7, 30, tzinfo=WITA)) >= 1
    kasubid_before, kabid_before = len(kasubid.messages()), len(kabid.messages())

    for quiet in (
        datetime(2026, 12, 6, 14, 40),  # Sunday, restarted: Friday's slots are missed
        datetime(2026, 12, 6, 23, 0),
        datetime(2026, 12, 7, 6, 59),  # Monday before working hours
    ):
        assert await _sweep(bot, quiet.replace(tzinfo=WITA)) == 0, quiet
    assert len(kasubid.messages()) == kasubid_before and len(kabid.messages()) == kabid_before

    # Monday 07.30, the first working moment: one "Terlambat" and one escalation.
    assert await _sweep(bot, datetime(2026, 12, 7, 7, 30, tzinfo=WITA)) == 2
    await kasubid.wait_for_message(lambda m: "Terlambat" in m.text)
    await kabid.wait_for_message(lambda m: "Perlu perhatian" in m.text)
    assert await _sweep(bot, datetime(2026, 12, 7, 9, 0, tzinfo=WITA)) == 0  # once only
    assert len(kasubid.messages()) == kasubid_before + 1
    assert len(kabid.messages()) == kabid_before + 1
    assert bot.api.duplicates() == []


async def test_a_reminder_missed_during_working_hours_goes_out_at_once(bot: Running) -> None:
    """Down from 08.00 to 10.00 on a working day: the 08.20 due reminder goes at 10.00."""
    kabid = await bot.join(9009, "kabid", KABID)
    kasubid = await bot.join(9010, "kasubid", KASUBID)
    engine = bot.services.engine
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now, units=["BID-IWK"])
    with bot.services.uow_factory() as uow:
        kabid_id = uow.orgs.person_by_nip(1, KABID).id  # type: ignore[union-attr]
    engine.complete_task(
        single_task(engine, kabid_id, bot.clock.now, 1), kabid_id, now=bot.clock.now
    )
    await dispatch_pending(bot.application.bot, bot.services)
    await kasubid.wait_for_message(lambda m: "Langkah 2" in m.text)
    assert kabid
    assert await _sweep(bot, datetime(2026, 10, 12, 10, 0, tzinfo=WITA)) == 1
    await kasubid.wait_for_message(lambda m: "Batas waktu sekarang" in m.text)
