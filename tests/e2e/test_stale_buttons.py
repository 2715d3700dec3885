"""Issue 18: every button re-checks its task before it asks for anything; a stale one is
answered at once with a toast and its card loses its buttons."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from bot.conversation.state import ReviewReason
from bot.services.conversation import conversation_of
from bot.telegram.callbacks import Action, Callback
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running
from tests.e2e.test_review import NIP, ORG, bot  # noqa: F401  (the fixture: Kabid and a Plh)
from tests.integration.engine_helpers import fill_all, finish, single_task


async def _review_cards(bot: Running):  # noqa: F811
    kabid = await bot.join(7001, "kabid", NIP["kabid"])
    plh = await bot.join(7004, "kabid", NIP["plh"])
    engine, now = bot.services.engine, bot.clock.now
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=now)
    kabid_id, plh_id = bot.person_id(NIP["kabid"]), bot.person_id(NIP["plh"])
    finish(engine, kabid_id, 1, now)
    kasubid = bot.person_id(NIP["kasubid"])
    finish(engine, kasubid, 2, now)
    analis = bot.person_id(NIP["analis"])
    task3 = single_task(engine, analis, now, 3)
    fill_all(engine, task3, analis, now, value=Decimal(80))
    engine.complete_task(task3, analis, now=now)
    engine.complete_task(single_task(engine, kasubid, now, 4), kasubid, now=now)
    review = single_task(engine, kabid_id, now, 5)
    assert review == single_task(engine, plh_id, now, 5)
    await dispatch_pending(bot.application.bot, bot.services)
    cards = []
    for user in (kabid, plh):
        notice = await user.wait_for_message(lambda m: "Langkah 5" in m.text)
        await user.press(notice, "Buka tugas")
        cards.append(await user.wait_for_message(lambda m: "Setujui" in str(m.buttons)))
    return kabid, plh, cards[0], cards[1], review


async def test_a_stale_kembalikan_is_answered_at_once_and_its_buttons_go(
    bot: Running,  # noqa: F811
) -> None:
    kabid, plh, kabid_card, plh_card, review = await _review_cards(bot)
    await kabid.press(kabid_card, "Setujui")
    await kabid.wait_until(lambda: not kabid_card.buttons)

    before = len(plh.messages())
    press = await plh.press(plh_card, "Kembalikan")
    answered = await plh.wait_answered(press)
    assert "sudah diproses" in (answered.answer.get("text") or "")
    await plh.wait_until(lambda: not plh_card.buttons)  # no tick buttons, no buttons at all
    await asyncio.sleep(0.3)
    assert len(plh.messages()) == before  # no "ketik alasan", no other message
    conversation = conversation_of(bot.services, 7004)
    assert not isinstance(conversation.at(review), ReviewReason)


async def test_every_task_button_on_a_finished_task_gets_the_toast(
    bot: Running,  # noqa: F811
) -> None:
    kabid, plh, kabid_card, plh_card, review = await _review_cards(bot)
    await kabid.press(kabid_card, "Setujui")
    await kabid.wait_until(lambda: not kabid_card.buttons)
    indicator = 1
    kinds = [
        Callback(Action.APPROVE, review),
        Callback(Action.RETURN, review),
        Callback(Action.TICK, review, indicator),
        Callback(Action.DONE, review),
        Callback(Action.YES, review),
        Callback(Action.NO, review),
        Callback(Action.FILL, review),
        Callback(Action.EDIT, review, indicator),
        Callback(Action.SUMMARY, review),
        Callback(Action.SUBMIT, review),
        Callback(Action.NO_DATA, review, indicator),
        Callback(Action.CONFIRM, review, indicator),
        Callback(Action.RETYPE, review, indicator),
        Callback(Action.SKIP, review, indicator),
    ]
    before = len(plh.messages())
    for callback in kinds:
        press = await plh.press(plh_card, callback.encode(), force=True)
        answered = await plh.wait_answered(press)
        text = answered.answer.get("text") or ""
        assert "sudah diproses" in text, (callback, answered.answer)
    await asyncio.sleep(0.3)
    assert len(plh.messages()) == before, [m.text for m in plh.messages()[before:]]
