"""Fault drills through the real bot and the fake Bot API.

1. The database goes away while a person is entering figures (PostgreSQL: the
   connections to the bot's own database are cut and refused; see
   ``tests/integration/test_db_outage.py`` for why not a real server restart).
2. Telegram answers 500s or answers too late (the message stored, the answer
   lost): notices go out once, or at most twice in the one window
   ``bot.telegram.outbox`` documents; direct replies are never repeated.
3. Malformed and unexpected updates: the bot keeps answering, and its error
   log never carries the token.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.engine import make_url
from telegram import Update
from telegram.ext import Application

from bot.definitions import load_catalog
from bot.domain.enums import ReminderState
from bot.engine import Engine
from bot.fakebotapi import FakeBotApi
from bot.fakebotapi.users import FakeUser
from bot.persistence.db import make_engine
from bot.persistence.migrate import upgrade
from bot.persistence.uow import make_uow_factory
from bot.services.context import Services
from bot.settings import get_settings
from bot.simulate.setup import import_sample
from bot.telegram.http_client import PoolRequest
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running, running_sopbot
from tests.e2e.test_input import (
    ANALIS,
    KABID,
    answer,
    enter,
    fill_card,
    is_question,
    press,
    revisions,
    run_to_step,
    sheet,
)
from tests.integration.conftest import (
    PostgresDatabases,
    pg_databases,  # noqa: F401  (the fixture, for drill 1)
)
from tests.integration.engine_helpers import Clock
from tests.integration.test_db_outage import Server

APOLOGY = "Maaf, terjadi gangguan"
ORG = "contoh-kesbangpol-jeneponto"


def set_read_timeout(application: Application, seconds: float) -> None:
    """PTB waits 5 s for Telegram's answer; a drill shortens that to stay quick, then resets it.

    Only the request object for ordinary methods is changed (getUpdates has its own), and
    a request's timeout is fixed when it is sent: a request in flight keeps its own.
    """
    request = application.bot.request
    assert isinstance(request, PoolRequest)
    request.timeouts = replace(request.timeouts, read=seconds)


def texts(user: FakeUser, needle: str) -> int:
    return sum(needle in (m.text or "") for m in user.messages())


# -- 1. the database goes away during a conversation ------------------------------------


@pytest.fixture
async def pg_bot(
    pg_databases: PostgresDatabases,  # noqa: F811
    fake_api: FakeBotApi,
) -> AsyncIterator[tuple[Running, Server]]:
    """The real sopbot on a PostgreSQL database of its own, with the sample organisation."""
    url = pg_databases.create()
    upgrade(url)
    db = make_engine(url)
    uow_factory = make_uow_factory(db)
    import_sample(uow_factory)
    catalog = load_catalog([get_settings().definitions_dir])
    clock = Clock()
    services = Services(
        uow_factory, catalog, Engine(uow_factory, catalog), db=db, clock=lambda: clock.now
    )
    database = make_url(url).database
    assert database is not None
    server = Server(pg_databases.server_url, database)
    try:
        async with running_sopbot(fake_api, services, clock) as running:
            yield running, server
    finally:
        server.up()


@pytest.mark.postgres
async def test_a_value_typed_while_the_database_is_down_gets_an_apology_then_works(
    pg_bot: tuple[Running, Server], error_log: pytest.LogCaptureFixture
) -> None:
    bot, server = pg_bot
    analyst = await bot.join(8101, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    card = await fill_card(bot, analyst, task)
    first = await press(analyst, card, "Isi data indikator")
    second = await enter(analyst, first, "82,5")  # IWK-01 saved as a draft
    assert is_question(second) and "IWK-02" in second.text

    await asyncio.to_thread(server.down)
    try:
        await analyst.send_text("90")
        apology = await analyst.wait_for_message()
        assert "sedang gangguan" in apology.text and "Tidak ada data" in apology.text
    finally:
        await asyncio.to_thread(server.up)
    # Issue 18: the outage is logged once, in one line, with the server's reason.
    errors = [r for r in error_log.records if r.name.startswith("sopbot")]
    (logged,) = [r for r in errors if r.levelno == logging.ERROR]
    assert logged.exc_info is None and "not currently accepting" in logged.getMessage()
    assert_no_token(error_log, bot.api.token)

    echo = await answer(analyst, "90")  # the same answer again: the conversation kept its place
    assert "Apakah sudah benar?" in echo.text and "90" in echo.text
    saved = await press(analyst, echo, "Benar, simpan")
    assert "Tersimpan: IWK-02 = 90" in saved.text
    lines = sheet(bot, task, ANALIS)
    assert lines["IWK-01"].value == Decimal("82.5")  # the draft from before the outage
    assert lines["IWK-02"].value == Decimal(90)
    assert revisions(bot.services, lines["IWK-02"].indicator_id) == 1
    assert bot.api.duplicates() == []


# -- 2. Telegram answers 500s and timeouts ---------------------------------------------


async def test_a_notice_whose_answer_timed_out_is_repeated_at_most_once(bot: Running) -> None:
    """Telegram stored the notice but its answer never came: the one documented repeat."""
    kabid = await bot.join(6101, "kabid", KABID)
    set_read_timeout(bot.application, 0.5)
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    bot.api.faults.delay_next("sendMessage", seconds=1.0)  # stored, then answered too late

    assert await dispatch_pending(bot.application.bot, bot.services) == 0  # PTB timed out
    set_read_timeout(bot.application, 5.0)
    assert texts(kabid, "Tugas baru") == 1  # ... although the person has it
    with bot.services.uow_factory() as uow:
        (row,) = [r for r in uow.audit.reminders_for_task(1)]
        assert row.state is ReminderState.INTENDED  # not confirmed: the next pass sends it

    assert await dispatch_pending(bot.application.bot, bot.services) == 1
    for _ in range(3):  # later passes send nothing more
        assert await dispatch_pending(bot.application.bot, bot.services) == 0
    assert texts(kabid, "Tugas baru") == 2  # at most one repeat, as outbox.py documents
    assert len(bot.api.duplicates(window=5.0)) == 1
    with bot.services.uow_factory() as uow:
        (row,) = [r for r in uow.audit.reminders_for_task(1)]
        assert row.state is ReminderState.SENT
        assert row.telegram_message_id == kabid.messages()[-1].message_id


async def test_notices_survive_several_failing_passes_and_go_out_once(bot: Running) -> None:
    kabid = await bot.join(6102, "kabid", KABID)
    bot.services.engine.start_run("kesbangpol", ORG, "2026-TW3", now=bot.clock.now)
    bot.api.faults.fail_next("sendMessage", status=500, times=2)
    bot.api.faults.fail_next("sendMessage", status=502)
    for _ in range(3):
        assert await dispatch_pending(bot.application.bot, bot.services) == 0
    assert await dispatch_pending(bot.application.bot, bot.services) == 1
    assert await dispatch_pending(bot.application.bot, bot.services) == 0
    assert texts(kabid, "Tugas baru") == 1
    assert bot.api.duplicates(window=60.0) == []


async def test_a_reply_lost_to_500s_is_not_repeated_and_the_retry_is_answered(
    bot: Running,
) -> None:
    """The reply and the apology both fail: silence, no crash; typing again works once."""
    analyst = await bot.join(7301, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    card = await fill_card(bot, analyst, task)
    question = await press(analyst, card, "Isi data indikator")

    bot.api.faults.fail_next("sendMessage", status=500, times=2)
    await analyst.send_text("82,5")
    await analyst.wait_until(lambda: bot.api.stats()["pending_updates"] == 0)
    await analyst.send_command("/tugas")  # processed after the failed update: it is done
    await analyst.wait_for_message(lambda m: "Tugas Bapak/Ibu" in (m.text or ""))
    assert texts(analyst, "Apakah sudah benar?") == 0 and texts(analyst, APOLOGY) == 0

    echo = await answer(analyst, "82,5")
    assert "Apakah sudah benar?" in echo.text
    saved = await press(analyst, echo, "Benar, simpan")
    assert "Tersimpan: IWK-01 = 82,5" in saved.text
    assert texts(analyst, "Apakah sudah benar?") == 1
    assert revisions(bot.services, sheet(bot, task, ANALIS)["IWK-01"].indicator_id) == 1
    assert bot.api.duplicates() == []
    assert is_question(question)


async def test_a_reply_whose_answer_timed_out_is_not_sent_twice(bot: Running) -> None:
    """Stored by Telegram, answer lost: PTB does not retry, the person gets an apology."""
    analyst = await bot.join(7302, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    card = await fill_card(bot, analyst, task)
    await press(analyst, card, "Isi data indikator")
    set_read_timeout(bot.application, 0.5)

    bot.api.faults.delay_next("sendMessage", seconds=1.0)
    await analyst.send_text("82,5")
    echo = await analyst.wait_for_message()
    set_read_timeout(bot.application, 5.0)  # for the apology; the echo's request keeps 0.5 s
    assert "Apakah sudah benar?" in echo.text
    assert APOLOGY in (await analyst.wait_for_message()).text
    saved = await press(analyst, echo, "Benar, simpan")  # the echo that did arrive works
    assert "Tersimpan: IWK-01 = 82,5" in saved.text
    assert texts(analyst, "Apakah sudah benar?") == 1
    assert revisions(bot.services, sheet(bot, task, ANALIS)["IWK-01"].indicator_id) == 1
    assert bot.api.duplicates() == []


# -- 3. malformed and unexpected updates -------------------------------------------------


@pytest.fixture
def error_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="sopbot")
    caplog.set_level(logging.WARNING)
    yield caplog


def assert_no_token(caplog: pytest.LogCaptureFixture, token: str) -> None:
    secret = token.split(":", 1)[1]
    for record in caplog.records:
        logged = logging.Formatter().format(record)
        assert token not in logged and secret not in logged, record.name


def odd_updates(bot: Running, member: FakeUser) -> list[dict[str, Any]]:
    """Updates a bot meets rarely or never, all of which Telegram's format allows or PTB parses."""
    now = int(time.time())
    user, chat = member.user, member.chat.chat
    stranger = {"id": 999_001, "is_bot": False, "first_name": "Asing"}
    bot_message = member.messages()[-1].json
    channel = {"id": -100_777, "type": "channel", "title": "Kanal"}

    def message(**fields: Any) -> dict[str, Any]:
        return {"message_id": 90_000 + len(fields), "date": now, "chat": chat, **fields}

    def query(data: Any, **fields: Any) -> dict[str, Any]:
        base = {"id": f"q{data!r}"[:60], "from": user, "chat_instance": "ci", "data": data}
        return {"callback_query": {**base, "message": bot_message, **fields}}

    return [
        {},  # no payload at all
        {"message": None},
        {"message": message(text="tanpa pengirim")},  # no "from"
        {"message": message(**{"from": user}, text="x" * 100_000)},  # a huge text
        {"message": message(**{"from": stranger}, text="y" * 100_000)},
        {"message": message(**{"from": user}, text=12345)},  # a number where text belongs
        query(12345),  # callback data of the wrong type
        query({"a": [1, 2]}),
        query("zz:not-ours"),  # unknown data
        query("t:" + "9" * 198),  # 200 bytes, more than Telegram's 64
        query("t:1", message=None),  # a button under an inline-mode message
        {"callback_query": {"id": "q-nofrom", "chat_instance": "ci", "data": "t:1"}},
        {"edited_message": message(**{"from": user}, text="/tugas", edit_date=now)},
        {"channel_post": {"message_id": 1, "date": now, "chat": channel, "text": "/tugas"}},
        {"message": message(**{"from": user}, location={"latitude": -5.6, "longitude": 119.7})},
        {"message": message(**{"from": user}, contact={"phone_number": "0812", "first_name": "A"})},
        {
            "message": message(
                **{"from": user},
                sticker={
                    "file_id": "s1",
                    "file_unique_id": "su1",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                },
            )
        },
        {"message": message(**{"from": user}, chat={"id": 424_242, "type": "private"}, text="?")},
        {"some_future_update": {"whatever": [1, {"x": None}]}},  # a kind PTB does not know
        {"message_reaction": {"chat": chat, "message_id": 1, "date": now, "user": user}},
    ]


async def test_malformed_updates_never_stop_the_bot(
    bot: Running, error_log: pytest.LogCaptureFixture
) -> None:
    member = await bot.join(8201, "analis", ANALIS)
    for update in odd_updates(bot, member):
        Update.de_json(dict(update, update_id=1), bot.application.bot)  # all of them parse
        bot.api.inject_raw_update(update)

    await member.send_command("/tugas")
    await member.wait_for_message(lambda m: "Tidak ada tugas terbuka" in (m.text or ""), 15)
    assert bot.api.stats()["pending_updates"] == 0  # every odd update was taken and confirmed
    assert bot.application.running and bot.application.updater is not None
    assert bot.application.updater.running
    errors = [r for r in error_log.records if r.name == "sopbot.errors"]
    assert errors, "the odd callback data went through the error handler"
    assert_no_token(error_log, bot.api.token)


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=300)
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@st.composite
def fuzzed_update(draw: st.DrawFn, user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
    """A message or button press of the member's, with some fields of any JSON type."""
    kind = draw(st.sampled_from(["message", "edited_message", "callback_query", "channel_post"]))
    body: dict[str, Any]
    if kind == "callback_query":
        body = {"id": draw(st.text(min_size=1, max_size=8)), "chat_instance": "ci", "from": user}
        body["data"] = draw(_JSON)
    else:
        body = {"message_id": draw(st.integers(1, 10**6)), "date": 1, "chat": chat, "from": user}
        body["text"] = draw(st.one_of(st.text(max_size=5000), _JSON))
    extra = draw(st.dictionaries(st.sampled_from(["caption", "via_bot", "game", "x"]), _JSON))
    return {"update_id": draw(st.integers(1, 10**9)), kind: {**body, **extra}}


async def test_fuzzed_updates_are_handled_without_escaping_errors(
    bot: Running, error_log: pytest.LogCaptureFixture
) -> None:
    """Hypothesis feeds the Application updates PTB can parse; none may escape its handling."""
    member = await bot.join(8202, "analis", ANALIS)
    application, loop = bot.application, asyncio.get_running_loop()
    handled_count = 0

    @hypothesis_settings(max_examples=40, database=None, derandomize=True)
    @given(fuzzed_update(member.user, member.chat.chat))
    def handled(raw: dict[str, Any]) -> None:
        try:
            update = Update.de_json(raw, application.bot)
        except Exception:
            return
        asyncio.run_coroutine_threadsafe(application.process_update(update), loop).result(30)
        nonlocal handled_count
        handled_count += 1

    await asyncio.to_thread(handled)
    assert handled_count >= 10  # many examples reached the handlers (fixed examples)
    await member.send_command("/tugas")
    await member.wait_for_message(lambda m: "Tidak ada tugas terbuka" in (m.text or ""), 15)
    assert_no_token(error_log, bot.api.token)


async def test_an_update_ptb_cannot_parse_does_not_hold_up_the_others(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """TolerantBot replaces the unparseable update by a bare update id, so polling moves on."""
    member = await bot.join(8203, "analis", ANALIS)
    bot.api.inject_raw_update({"message": "not an object"})  # the same failure as non-dict JSON
    await member.send_command("/tugas")
    answer = await member.wait_for_message(timeout=5.0)
    assert answer.text
    assert any("tidak dapat dibaca" in r.getMessage() for r in caplog.records)


async def test_removing_buttons_already_gone_is_not_an_error(bot: Running) -> None:
    """An update delivered twice (a webhook retried, a second worker) or a second press finds
    the buttons already removed: Telegram answers "message is not modified", which must not
    stop the rest of the reply (seen in the multi-worker drill)."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    member = await bot.join(8204, "analis", ANALIS)
    telegram = bot.application.bot
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Buka", callback_data="o:1")]])
    sent = await telegram.send_message(member.id, "Tugas", reply_markup=markup)
    where = {"chat_id": sent.chat_id, "message_id": sent.message_id}
    assert await telegram.edit_message_reply_markup(**where, reply_markup=None)
    assert await telegram.edit_message_reply_markup(**where, reply_markup=None)
