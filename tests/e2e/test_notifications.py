"""Engine events reach the right people on Telegram, once each; gone chats are marked."""

from __future__ import annotations

from bot.domain.enums import ReminderState
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running
from tests.integration.engine_helpers import single_task

ORG = "contoh-kesbangpol-jeneponto"
KABID_IWK, KASUBID_IWK, ANALIS_IWK = (
    "999900000000000002",
    "999900000000000003",
    "999900000000000004",
)


async def test_assignment_and_hand_off_reach_the_people(bot: Running) -> None:
    kabid = await bot.join(6001, "kabid", KABID_IWK)
    kasubid = await bot.join(6002, "kasubid", KASUBID_IWK)
    engine = bot.services.engine
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    await dispatch_pending(bot.application.bot, bot.services)

    assigned = await kabid.wait_for_message()
    assert "Tugas baru" in assigned.text
    assert "Langkah 1: Menugaskan Kasubag/Kasubid" in assigned.text
    assert "Batas: Senin, 12 Oktober 2026 08.15 WITA" in assigned.text

    kabid_id = bot.person_id(KABID_IWK)
    task = single_task(engine, kabid_id, bot.clock.now, 1)
    engine.complete_task(task, kabid_id, now=bot.clock.advance(minutes=5))
    await dispatch_pending(bot.application.bot, bot.services)

    handed = await kabid.wait_for_message()
    assert "Selesai: langkah 1" in handed.text
    assert "Diteruskan kepada Rahmawati Sampel" in handed.text
    order = await kasubid.wait_for_message()
    assert "Langkah 2: Memerintahkan Analis" in order.text

    # Another pass sends nothing again.
    before = len(kabid.messages()) + len(kasubid.messages())
    assert await dispatch_pending(bot.application.bot, bot.services) == 0
    assert len(kabid.messages()) + len(kasubid.messages()) == before


async def test_a_blocked_user_is_marked_unreachable(bot: Running) -> None:
    kabid = await bot.join(6003, "kabid", KABID_IWK)
    await kabid.block()
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    await dispatch_pending(bot.application.bot, bot.services)
    with bot.services.uow_factory() as uow:
        person = uow.orgs.person_by_nip(1, KABID_IWK)
        assert person is not None and person.reachable is False
        rows = [r for r in uow.audit.reminders_for_task(1)]
        assert [r.state for r in rows] == [ReminderState.FAILED]
        assert "blocked" in (rows[0].error or "")
        # Only the news that the Kabid is unreachable (for the admins) waits: no retry.
        assert [e.kind for e in uow.audit.pending_events()] == ["person_unreachable"]
    await dispatch_pending(bot.application.bot, bot.services)
    with bot.services.uow_factory() as uow:
        assert uow.audit.pending_events() == []  # nothing left to retry for ever


async def test_a_notice_left_half_sent_by_a_crash_is_sent_again_once(bot: Running) -> None:
    kabid = await bot.join(6004, "kabid", KABID_IWK)
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    bot.api.faults.fail_next("sendMessage", status=500, times=1)  # Telegram down for one call
    await dispatch_pending(bot.application.bot, bot.services)
    assert kabid.messages()[-1].text.startswith("Selamat datang")  # nothing sent yet
    with bot.services.uow_factory() as uow:
        assert len(uow.audit.pending_events()) > 0  # the event waits for the next pass
    await dispatch_pending(bot.application.bot, bot.services)
    assigned = await kabid.wait_for_message()
    assert "Tugas baru" in assigned.text
    assert sum("Tugas baru" in m.text for m in kabid.messages()) == 1


async def test_an_intent_left_by_a_crash_is_sent_on_the_next_pass(bot: Running) -> None:
    """A crash after the intent was committed: the next pass sends it (the one repeat window)."""
    from bot.services.notifications import plan_notices
    from bot.telegram.outbox import _claim

    kabid = await bot.join(6005, "kabid", KABID_IWK)
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    with bot.services.uow_factory() as uow:
        event = next(e for e in uow.audit.pending_events() if e.kind == "task_assigned")
        (notice,) = [n for n in plan_notices(uow, bot.services.catalog, event)]
    assert _claim(bot.services, notice)  # the intent is recorded... and the process dies here

    await dispatch_pending(bot.application.bot, bot.services)
    assert "Tugas baru" in (await kabid.wait_for_message()).text
    with bot.services.uow_factory() as uow:
        row = uow.audit.reminder(notice.key)
        assert row is not None and row.state is ReminderState.SENT
        assert row.telegram_message_id == kabid.messages()[-1].message_id


async def test_an_event_is_delivered_in_two_transactions_on_the_loop_thread(
    bot: Running,
) -> None:
    """An event's notice: its intent is committed with the read that planned it, and its
    confirmation with the event's mark (issue 15: two transactions, not four). With one update
    at a time (SQLite's default) they run on the event loop's thread: a hop to a worker
    thread would let nothing else go on, and only cost."""
    import threading

    from sqlalchemy import event

    kabid = await bot.join(6006, "kabid", KABID_IWK)
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    assert bot.services.db is not None
    threads: list[int] = []

    def began(_connection: object) -> None:
        threads.append(threading.get_ident())

    event.listen(bot.services.db, "begin", began)
    try:
        assert await dispatch_pending(bot.application.bot, bot.services) == 1
    finally:
        event.remove(bot.services.db, "begin", began)
    assert "Tugas baru" in (await kabid.wait_for_message()).text
    assert len(threads) == 2
    assert set(threads) == {threading.get_ident()}
    with bot.services.uow_factory() as uow:
        assert uow.audit.pending_events() == []
        (row,) = uow.audit.reminders_for_task(1)
        assert row.state is ReminderState.SENT
        assert row.telegram_message_id == kabid.messages()[-1].message_id


async def test_planning_and_confirming_a_notice_builds_no_orm_people_or_logs(
    bot: Running,
) -> None:
    """Names, chats and the organisation's zone come from the process's reference cache;
    the log's state is read and written as plain values (issue 15: every submit pays it)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from bot.persistence.models import Organisation, Person, ReminderLog

    kabid = await bot.join(6007, "kabid", KABID_IWK)
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    loaded: list[type] = []

    def seen(_session: Session, instance: object) -> None:
        loaded.append(type(instance))

    event.listen(Session, "loaded_as_persistent", seen)
    try:
        assert await dispatch_pending(bot.application.bot, bot.services) == 1
    finally:
        event.remove(Session, "loaded_as_persistent", seen)
    assert "Tugas baru" in (await kabid.wait_for_message()).text
    assert not {Person, Organisation, ReminderLog} & set(loaded)
