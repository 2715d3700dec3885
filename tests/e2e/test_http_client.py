"""The bot's own Bot API networking (``bot.telegram.http_client``): what PTB's ``HTTPXRequest``
did, call for call, against the fake Bot API; PTB's own client where a proxy is named."""

from __future__ import annotations

import socket
import ssl
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.app import build_application
from bot.fakebotapi import FakeBotApi
from bot.settings import Settings
from bot.telegram.http_client import PoolRequest, Timeouts, bot_request, proxied


def pooled_bot(api: FakeBotApi, request: PoolRequest | None = None) -> Bot:
    return Bot(
        api.token,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        request=request or PoolRequest(4),
    )


async def test_messages_buttons_and_callbacks_travel_as_with_httpx(fake_api: FakeBotApi) -> None:
    user = fake_api.user(9101, "Rina")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Benar, simpan", callback_data="c:1")]])
    async with pooled_bot(fake_api) as bot:
        me = await bot.get_me()  # a call without parameters: an empty body
        sent = await bot.send_message(user.id, "Nilai 82,5 % & <b>tebal</b>", reply_markup=keyboard)
        await user.press(user.last_message(), "Benar, simpan")
        updates = await bot.get_updates(timeout=0)
        await bot.answer_callback_query(updates[-1].callback_query.id, "Tersimpan")
        await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=None)

    assert me.is_bot
    assert sent.text == "Nilai 82,5 % & <b>tebal</b>"  # the form encoding kept every character
    assert fake_api.sent(user.id)[-1].buttons == []


async def test_a_file_is_uploaded_whole_with_its_name(fake_api: FakeBotApi) -> None:
    user = fake_api.user(9102, "Andi")
    payload = bytes(range(256)) * 300  # binary, 75 KB
    async with pooled_bot(fake_api) as bot:
        sent = await bot.send_document(user.id, payload, filename="laporan TW3.xlsx", caption="TW3")
        downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()

    assert bytes(downloaded) == payload
    assert sent.document.file_name == "laporan TW3.xlsx" and sent.caption == "TW3"


async def test_telegram_refusals_and_a_slow_answer_are_ptbs_errors(fake_api: FakeBotApi) -> None:
    user = fake_api.user(9103, "Sari")
    fake_api.faults.fail_next("sendMessage", status=500)
    fake_api.faults.delay_after_commit("sendMessage", 1.0)
    request = PoolRequest(4)
    async with pooled_bot(fake_api, request) as bot:
        with pytest.raises(NetworkError):
            await bot.send_message(user.id, "pertama")
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "kedua", read_timeout=0.2)
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(424242, "tidak ada")
        request.timeouts = replace(request.timeouts, read=0.2)  # the default, as a drill does
        fake_api.faults.delay_after_commit("sendMessage", 1.0)
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "ketiga")


async def test_an_unreachable_api_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = PoolRequest(1, Timeouts(connect=1.0))
    bot = Bot("123:abc", base_url=f"http://127.0.0.1:{port}/bot", request=request)
    with pytest.raises(NetworkError, match=r"httpcore\.ConnectError"):
        await bot.initialize()
    await request.shutdown()


async def test_closed_then_opened_again(fake_api: FakeBotApi) -> None:
    request = PoolRequest(2)
    bot = pooled_bot(fake_api, request)
    async with bot:
        await bot.get_me()
    with pytest.raises(NetworkError, match="not initialized"):  # PTB wraps the RuntimeError
        await request.post(f"{fake_api.base_url}{fake_api.token}/getMe")
    async with bot:  # an application started again after a shutdown
        assert (await bot.get_me()).is_bot


def test_a_proxy_in_the_environment_keeps_ptbs_own_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    api = "https://api.telegram.org"
    assert not proxied(api) and isinstance(bot_request(api), PoolRequest)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.pemda.go.id:3128")
    assert proxied(api) and isinstance(bot_request(api), HTTPXRequest)
    monkeypatch.setenv("NO_PROXY", "api.telegram.org")
    assert not proxied(api)
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.delenv("NO_PROXY")
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    assert proxied(api)


def test_the_bot_uses_the_pool_for_calls_and_for_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(TELEGRAM_BOT_TOKEN="123:abc", TELEGRAM_API_BASE_URL="http://127.0.0.1:9")
    application = build_application(settings, background_jobs=False)
    requests = application.bot._request  # (getUpdates' request, every other call's)
    assert all(isinstance(request, PoolRequest) for request in requests)


LOOPBACK = ip_address("127.0.0.1")


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, and its key (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(LOOPBACK)]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "api.pem", directory / "api.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


async def test_tls_is_verified_with_the_authorities_the_environment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Bot API is HTTPS: the certificate is checked, against certifi's authorities or
    the one ``SSL_CERT_FILE`` names (as httpx does), never skipped."""
    cert_file, key_file = _self_signed(tmp_path)
    me = {"id": 1, "is_bot": True, "first_name": "sopbot", "username": "sopbot_bot"}

    async def get_me(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": me})

    app = web.Application()
    app.router.add_post("/bot123:abc/getMe", get_me)
    runner = web.AppRunner(app)
    await runner.setup()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"https://127.0.0.1:{port}/bot"
    try:
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        untrusted = Bot("123:abc", base_url=url, request=PoolRequest(1))
        with pytest.raises(NetworkError, match="CERTIFICATE_VERIFY_FAILED"):
            await untrusted.initialize()
        await untrusted.shutdown()
        monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
        async with Bot("123:abc", base_url=url, request=PoolRequest(1)) as trusted:
            assert trusted.username == "sopbot_bot"
    finally:
        await runner.cleanup()
