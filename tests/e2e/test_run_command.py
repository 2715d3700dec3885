"""`sopbot run` as a real process against whatever Bot API TELEGRAM_API_BASE_URL names."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.fakebotapi import FakeBotApi
from bot.imports.invites import create_invite
from bot.persistence.db import make_engine
from bot.persistence.migrate import upgrade
from bot.persistence.models import apscheduler_jobs
from bot.persistence.uow import make_uow_factory
from bot.simulate.setup import SAMPLE_SLUG, import_sample

ROOT = Path(__file__).resolve().parents[2]


def _prepare(db_url: str) -> str:
    """A database with the sample organisation; returns an invite code for a Kabid."""
    upgrade(db_url)
    engine = make_engine(db_url)
    uow_factory = make_uow_factory(engine)
    import_sample(uow_factory)
    with uow_factory() as uow:
        org = uow.orgs.organisation(SAMPLE_SLUG)
        assert org is not None
        code = create_invite(
            uow,
            org,
            role_key="kabid",
            unit_code="BID-IWK",
            person_ref="999900000000000002",
            days=7,
            now=datetime.now(UTC),
        ).code
        uow.commit()
    engine.dispose()
    return code


async def _wait_for_job(db_url: str, prefix: str) -> bool:
    engine = make_engine(db_url)
    try:
        for _ in range(100):
            with engine.connect() as connection:
                ids = connection.execute(select(apscheduler_jobs.c.id)).scalars().all()
            if any(job.startswith(prefix) for job in ids):
                return True
            await asyncio.sleep(0.1)
        return False
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_run_uses_the_configured_api_and_registers_its_commands(
    fake_api: FakeBotApi, tmp_path: Path, mode: str
) -> None:
    db_url = f"sqlite:///{tmp_path / 'sopbot.sqlite3'}"
    code = _prepare(db_url)
    args = ["run"]
    if mode == "webhook":
        port = _free_port()
        args += ["--webhook", f"http://127.0.0.1:{port}/sopbot", "--listen", f"127.0.0.1:{port}"]
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_BASE_URL": fake_api.url,
        "DATABASE_URL": db_url,
        "SOPBOT_DEFINITIONS_DIR": str(ROOT / "sop_definitions"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        user = fake_api.user(8001, "Andi")
        await user.send_command("/start", code)
        joined = await user.wait_for_message(timeout=30)
        assert "Selamat datang, Andi Baso Fiktif" in joined.text
        commands = fake_api.stats()["requests"].get("setMyCommands", 0)
        assert commands == 1
        # It leads (one process on SQLite) and keeps the trigger's job in the database.
        assert await _wait_for_job(db_url, "trigger:contoh-kesbangpol-jeneponto:")
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    log = output.decode()
    assert fake_api.token not in log  # the token never reaches the log
    assert process.returncode == 0, log
