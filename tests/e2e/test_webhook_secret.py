"""Issue 18: the webhook answers only Telegram (the secret token), tested with raw HTTP
against the real ``sopbot run --webhook`` process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.fakebotapi import FakeBotApi
from bot.persistence.db import make_engine
from bot.persistence.models import Invite
from tests.e2e.test_run_command import ROOT, _free_port, _prepare

HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    """A message update as Telegram would post it."""
    user = {"id": user_id, "is_bot": False, "first_name": "Penyusup"}
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": update_id,
        "message": {
            "message_id": 77,
            "date": 1790000000,
            "chat": {"id": user_id, "type": "private", "first_name": "Penyusup"},
            "from": user,
            "text": text,
            "entities": entities if text.startswith("/") else [],
        },
    }


async def _listening(port: int) -> None:
    """The webhook server accepts connections (setWebhook may be answered a moment before)."""
    for _ in range(300):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise AssertionError(f"nothing listens on port {port}")


def _invite_used(db_url: str, code: str) -> bool:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            used = conn.execute(select(Invite.used_at).where(Invite.code == code)).scalar_one()
        return used is not None
    finally:
        engine.dispose()


@pytest.mark.parametrize("configured", [None, "rahasia-dari-admin_123"])
async def test_a_post_without_the_secret_is_refused_and_changes_nothing(
    fake_api: FakeBotApi, tmp_path: Path, configured: str | None
) -> None:
    db_url = f"sqlite:///{tmp_path / 'sopbot.sqlite3'}"
    code = _prepare(db_url)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/sopbot"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_BASE_URL": fake_api.url,
        "DATABASE_URL": db_url,
        "SOPBOT_DEFINITIONS_DIR": str(ROOT / "sop_definitions"),
    }
    env.pop("SOPBOT_WEBHOOK_SECRET", None)
    if configured:
        env["SOPBOT_WEBHOOK_SECRET"] = configured
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot", "run", "--webhook", url, "--listen", f"127.0.0.1:{port}"),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        # The bot registered its webhook with a secret token (Telegram sends it back).
        for _ in range(300):
            hook = fake_api.bot_state().webhook
            if hook is not None:
                break
            await asyncio.sleep(0.1)
        assert hook is not None and hook.secret_token
        if configured:
            assert hook.secret_token == configured
        await _listening(port)
        fake_api.user(6666, "Penyusup")  # the forger's chat exists, so we can look into it
        # A forged /start with the invite: without the header, and with a wrong one.
        async with aiohttp.ClientSession() as session:
            for n, headers in enumerate(({}, {HEADER: "tebakan"}, {HEADER: ""})):
                async with session.post(
                    url, json=_update(900 + n, 6666, f"/start {code}"), headers=headers
                ) as response:
                    assert response.status == 403, await response.text()
        await asyncio.sleep(1.0)  # whatever a processed update would have done, it had time
        assert not _invite_used(db_url, code)
        assert fake_api.sent(6666) == []
        # Telegram's own delivery (with the header) is processed as before.
        user = fake_api.user(8001, "Andi")
        await user.send_command("/start", code)
        joined = await user.wait_for_message(timeout=30)
        assert "Selamat datang" in joined.text
        assert _invite_used(db_url, code)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    log = output.decode()
    assert process.returncode == 0, log
    secret = fake_api.bot_state().webhook
    assert secret is None or secret.secret_token not in log
