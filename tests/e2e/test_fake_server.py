"""The fake Bot API driven by the real PTB: what the bot sees must be what Telegram does."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.fakebotapi import FakeBotApi, RateLimits, ThreadedFakeBotApi, require_loopback

Context = ContextTypes.DEFAULT_TYPE


def make_bot(api: FakeBotApi, token: str | None = None) -> Bot:
    """A bare Bot (no Application) for calls the tests make themselves."""
    return Bot(token or api.token, base_url=api.base_url, base_file_url=api.base_file_url)


async def echo(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


def _seconds(value: Any) -> float:
    """``RetryAfter.retry_after`` is an int in PTB 22 unless PTB_TIMEDELTA is set."""
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


# -- the bot's conversation ---------------------------------------------------


async def test_get_me_gives_a_full_user(application: Application, fake_api: FakeBotApi) -> None:
    me = application.bot.bot
    assert me.is_bot and me.id == 123456
    assert me.username == fake_api.control().state.me["username"]
    assert me.can_join_groups is True


async def test_echo_reply_and_transcript(application: Application, fake_api: FakeBotApi) -> None:
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    ani = fake_api.user(1001, "Ani", username="ani")

    await ani.send_text("halo")
    reply = await ani.wait_for_message()

    assert reply.text == "halo" and reply.from_bot
    assert reply.json["from"]["is_bot"] is True
    assert [(e.sender, e.text) for e in ani.transcript()] == [("Ani", "halo"), ("bot", "halo")]


async def test_command_with_arguments(application: Application, fake_api: FakeBotApi) -> None:
    seen: list[list[str]] = []

    async def start(update: Update, context: Context) -> None:
        seen.append(list(context.args or []))
        await update.effective_message.reply_text("selamat datang")

    application.add_handler(CommandHandler("start", start))
    user = fake_api.user(1002, "Budi")
    await user.send_command("/start", "abc")

    assert (await user.wait_for_message()).text == "selamat datang"
    assert seen == [["abc"]]


async def test_button_press_answer_and_edit_history(
    application: Application, fake_api: FakeBotApi
) -> None:
    async def menu(update: Update, context: Context) -> None:
        keyboard = [[InlineKeyboardButton("Ya", callback_data="yes")]]
        await update.effective_message.reply_text(
            "Pilih?", reply_markup=InlineKeyboardMarkup(keyboard)
        )

    async def chosen(update: Update, context: Context) -> None:
        query = update.callback_query
        await query.answer("dicatat")
        await query.edit_message_text(f"Pilihan: {query.data}")

    application.add_handler(CommandHandler("menu", menu))
    application.add_handler(CallbackQueryHandler(chosen))
    user = fake_api.user(1003, "Citra")
    await user.send_command("menu")
    question = await user.wait_for_message()
    assert question.buttons[0][0].text == "Ya"

    with pytest.raises(LookupError):
        await user.press(question, "Tidak")
    press = await user.press(question, "Ya")
    await user.wait_answered(press)
    await user.wait_for_edit(question, edits=1)

    assert press.text == "dicatat" and press.data == "yes"
    assert question.text == "Pilihan: yes"
    assert question.history[0]["text"] == "Pilih?"
    assert question.buttons == []  # an edit without reply_markup removes the keyboard
    *_, shown, pressed = fake_api.transcript(user.id)
    assert shown.sender == "bot" and shown.edited and shown.text == "Pilihan: yes"
    assert (pressed.sender, pressed.text, pressed.kind) == ("Citra", "[pressed: Ya]", "press")


async def test_group_messages_and_pins(application: Application, fake_api: FakeBotApi) -> None:
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    team = fake_api.group(-100500, "Tim SAKIP", supergroup=True)
    user = fake_api.user(1004, "Dewi")

    await user.send_text("rapat jam 9", chat=team)
    reply = await team.wait_for_message()
    await application.bot.pin_chat_message(team.id, reply.message_id)

    assert reply.json["chat"]["type"] == "supergroup"
    assert team.pinned == [reply.message_id]
    assert user.messages() == []


async def test_weird_update_does_not_stop_the_bot(
    application: Application, fake_api: FakeBotApi
) -> None:
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    user = fake_api.user(1005, "Eka")
    fake_api.inject_raw_update({"something_new": {"x": [1, 2]}})
    await user.send_text("masih hidup?")
    assert (await user.wait_for_message()).text == "masih hidup?"


async def test_blocking_tells_the_bot_and_sends_fail(
    application: Application, fake_api: FakeBotApi
) -> None:
    statuses: list[str] = []

    async def member(update: Update, context: Context) -> None:
        statuses.append(update.my_chat_member.new_chat_member.status)

    application.add_handler(ChatMemberHandler(member, ChatMemberHandler.MY_CHAT_MEMBER))
    blocker, gone = fake_api.user(1006, "Fajar"), fake_api.user(1007, "Gita")
    await blocker.block()
    await gone.deactivate()
    await blocker.wait_until(lambda: statuses)

    assert statuses == ["kicked"]
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await application.bot.send_message(blocker.id, "pengingat")
    with pytest.raises(Forbidden, match="user is deactivated"):
        await application.bot.send_message(gone.id, "pengingat")
    assert fake_api.sent(blocker.id) == []


# -- Telegram's errors ----------------------------------------------------------


async def test_bad_requests_surface_as_ptb_errors(fake_api: FakeBotApi) -> None:
    user = fake_api.user(2001, "Hana")
    async with make_bot(fake_api) as bot:
        msg = await bot.send_message(user.id, "sama")
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("sama", chat_id=user.id, message_id=msg.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat_id=user.id, message_id=999)
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(user.id, "x" * 4097)
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            big = InlineKeyboardButton("b", callback_data="x" * 65)
            await bot.send_message(user.id, "t", reply_markup=InlineKeyboardMarkup([[big]]))
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(424242, "siapa?")
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(user.id, "<b>tebal", parse_mode=ParseMode.HTML)
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("noSuchMethod")
        ok = await bot.send_message(user.id, "<b>a</b> &amp; b", parse_mode=ParseMode.HTML)

    assert ok.text == "a & b" and ok.entities[0].type == "bold"
    assert [m.text for m in fake_api.sent(user.id)] == ["sama", "a & b"]
    assert fake_api.stats()["errors"]["sendMessage:400"] == 4


async def test_housekeeping_methods_parse_in_ptb(fake_api: FakeBotApi) -> None:
    user = fake_api.user(2101, "Ika")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Lanjut", callback_data="go")]])
    async with make_bot(fake_api) as bot:
        await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("tugas", "Tugas saya")])
        commands = await bot.get_my_commands()
        await bot.delete_my_commands()
        await bot.set_chat_menu_button(user.id, MenuButtonCommands())
        menu = await bot.get_chat_menu_button(user.id)
        chat = await bot.get_chat(user.id)
        me_there = await bot.get_chat_member(user.id, bot.id)
        await bot.send_chat_action(user.id, ChatAction.TYPING)
        msg = await bot.send_message(user.id, "langkah 1")
        edited = await bot.edit_message_reply_markup(user.id, msg.message_id, reply_markup=keyboard)
        assert await bot.delete_message(user.id, msg.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(user.id, msg.message_id)
        assert await bot.get_my_commands() == ()

    assert [c.command for c in commands] == ["start", "tugas"]
    assert menu.type == "commands" and chat.first_name == "Ika"
    assert me_there.status == "administrator" and user.chat.actions == ["typing"]
    assert edited.reply_markup == keyboard
    assert fake_api.sent(user.id)[0].deleted


async def test_unknown_method_and_bad_token_answer_like_telegram(fake_api: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{fake_api.base_url}{fake_api.token}/fooBar")
        bad_token = await client.get(f"{fake_api.base_url}not-a-token/getMe")
    expected = {"ok": False, "error_code": 404, "description": "Not Found"}
    assert (unknown.status_code, unknown.json()) == (404, expected)
    assert (bad_token.status_code, bad_token.json()) == (404, expected)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limits_answer_429_and_record_nothing() -> None:
    async with FakeBotApi(rate_limits=RateLimits()) as api:
        users = [api.user(3000 + i, f"U{i}") for i in range(40)]
        async with make_bot(api) as bot:
            results = await asyncio.gather(
                *(bot.send_message(u.id, "halo") for u in users), return_exceptions=True
            )
            with pytest.raises(RetryAfter):  # per chat: 1 message per second
                await asyncio.sleep(1.0)
                await bot.send_message(users[0].id, "satu")
                await bot.send_message(users[0].id, "dua")

    limited = [r for r in results if isinstance(r, RetryAfter)]
    assert len(limited) == 10
    assert all(r.message.startswith("Flood control exceeded") for r in limited)
    assert all(_seconds(r.retry_after) >= 1 for r in limited)
    assert sum(len(api.sent(u.id)) for u in users) == 31
    assert api.stats()["rate_limited"] == 11
    assert api.duplicates() == []


async def test_fault_500_records_nothing_and_slow_answer_records(fake_api: FakeBotApi) -> None:
    user = fake_api.user(4001, "Indra")
    fake_api.faults.fail_next("sendMessage", status=500)
    fake_api.faults.delay_after_commit("sendMessage", 1.0)
    async with make_bot(fake_api) as bot:
        with pytest.raises(NetworkError):
            await bot.send_message(user.id, "pertama")
        assert fake_api.sent(user.id) == []
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "kedua", read_timeout=0.2)
        await bot.send_message(user.id, "kedua")  # the retry a naive bot makes

    assert [m.text for m in fake_api.sent(user.id)] == ["kedua", "kedua"]
    assert len(fake_api.duplicates()) == 1


# -- updates: long polling and webhook -----------------------------------------------


async def test_long_polling_waits_wakes_and_acknowledges(fake_api: FakeBotApi) -> None:
    user = fake_api.user(5001, "Joko")
    async with make_bot(fake_api) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=2) == ()
        assert time.monotonic() - started >= 1.5  # it waited instead of answering at once

        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await user.send_text("bangun")
        updates = await poll
        assert time.monotonic() - started < 5  # woke on the update, not on the timeout
        assert updates[0].message.text == "bangun"

        again = await bot.get_updates(timeout=0)
        assert [u.update_id for u in again] == [updates[0].update_id]  # not yet acknowledged
        assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()

    async with make_bot(fake_api) as first, make_bot(fake_api) as second:  # two instances
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        await second.get_updates(timeout=0)
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await waiting


async def test_webhook_delivery_with_secret_and_retry(fake_api: FakeBotApi) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = [500]  # the receiver fails once; the fake retries
    arrived = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        if failures:
            return web.Response(status=failures.pop())
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    user = fake_api.user(6001, "Kiki")
    try:
        async with make_bot(fake_api) as bot:
            await bot.set_webhook(url, secret_token="rahasia_1")
            await user.send_text("lewat webhook")
            await asyncio.wait_for(arrived.wait(), 5)
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates(timeout=0)
            info = await bot.get_webhook_info()
            await bot.delete_webhook()
            assert await bot.get_updates(timeout=0) == ()
    finally:
        await runner.cleanup()

    secret, update = received[0]
    assert secret == "rahasia_1" and update["message"]["text"] == "lewat webhook"
    assert info.url == url and info.pending_update_count == 0
    assert fake_api.stats()["webhook_deliveries"] == 1


async def test_webhook_fault_delivers_a_matching_update_twice(fake_api: FakeBotApi) -> None:
    """``deliver_twice``: Telegram's repeat after a lost answer, for the multi-worker drill."""
    received: list[int] = []
    arrived = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        received.append((await request.json())["update_id"])
        if len(received) == 4:
            arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    ani, budi = fake_api.user(6101, "Ani"), fake_api.user(6102, "Budi")
    fake_api.faults.deliver_twice(lambda u: u["message"]["from"]["id"] == 6102)
    try:
        async with make_bot(fake_api) as bot:
            await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/hook")
            for user in (ani, budi, ani):
                await user.send_text("satu")
            await asyncio.wait_for(arrived.wait(), 5)
            await bot.delete_webhook()
    finally:
        await runner.cleanup()

    first, second, third = sorted(set(received))
    assert received == [first, second, second, third]  # only Budi's, right after itself
    assert fake_api.stats()["webhook_repeats"] == 1
    assert fake_api.stats()["webhook_deliveries"] == 3


# -- files -------------------------------------------------------------------------


async def test_upload_get_file_and_download_round_trip(fake_api: FakeBotApi) -> None:
    user = fake_api.user(7001, "Lina")
    payload = bytes(range(256)) * 40
    async with make_bot(fake_api) as bot:
        sent = await bot.send_document(user.id, payload, filename="laporan.xlsx", caption="Q1")
        downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
        photo_msg = await user.send_photo(b"\x89PNG\r\n\x1a\n" + b"\0" * 8 + b"\0\0\1\0\0\0\0\x80")
        photo_id = photo_msg.json["photo"][-1]["file_id"]
        photo = await (await bot.get_file(photo_id)).download_as_bytearray()

    assert bytes(downloaded) == payload
    assert sent.document.file_name == "laporan.xlsx" and sent.caption == "Q1"
    assert sent.document.file_size == len(payload)
    assert photo.startswith(b"\x89PNG") and photo_msg.json["photo"][-1]["width"] == 256


# -- the server itself ----------------------------------------------------------------


def test_refuses_non_loopback_bind() -> None:
    for host in ("0.0.0.0", "192.168.1.10", "example.org"):
        with pytest.raises(ValueError, match="loopback"):
            FakeBotApi(host)
    require_loopback("::1")


def test_threaded_server_for_sync_callers() -> None:
    with ThreadedFakeBotApi() as api:
        user = api.user(8001, "Maya")
        user.send_text("dari thread lain")
        response = httpx.post(f"{api.base_url}{api.api.token}/getUpdates", json={"timeout": 0})
        assert response.json()["result"][0]["message"]["text"] == "dari thread lain"
        assert [e.text for e in user.transcript()] == ["dari thread lain"]


async def test_threaded_server_with_bot_in_another_loop() -> None:
    """The demo's layout: server on its own thread, PTB and the async handles in this loop."""
    with ThreadedFakeBotApi() as threaded:
        api = threaded.api
        app = Application.builder().token(api.token).base_url(api.base_url).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=5)
            user = api.user(8002, "Nina")
            await user.send_text("lintas loop")
            reply = await user.wait_for_message()
            await app.updater.stop()
            await app.stop()
    assert reply.text == "lintas loop"
