"""Issue 18: what the operator sees when ``sopbot run`` cannot start: one line of Bahasa
Indonesia and exit status 1, never a traceback; and a readable log while it runs."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from bot.fakebotapi import FakeBotApi
from tests.e2e.test_run_command import ROOT, _free_port, _prepare


async def _run(
    env: dict[str, str], args: list[str], cwd: Path, timeout: float = 60
) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *args,
        env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=timeout)
    except TimeoutError:
        process.send_signal(signal.SIGINT)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        pytest.fail(f"still running after {timeout}s:\n{output.decode()}")
    assert process.returncode is not None
    return process.returncode, output.decode()


def _env(fake_api: FakeBotApi, db_url: str, **more: str) -> dict[str, str]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_BASE_URL": fake_api.url,
        "DATABASE_URL": db_url,
        "SOPBOT_DEFINITIONS_DIR": str(ROOT / "sop_definitions"),
    }
    env.update(more)
    return env


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


async def test_a_bad_token(fake_api: FakeBotApi, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'sopbot.sqlite3'}"
    _prepare(db_url)
    # Telegram answers a wrong token with 401 Unauthorized (the fake takes any token).
    wrong = "123456:salah"
    fake_api.control(wrong).faults.fail_next("getMe", status=401, description="Unauthorized")
    env = _env(fake_api, db_url, TELEGRAM_BOT_TOKEN=wrong)
    code, output = await _run(env, [], tmp_path)
    line = _one_line(output)
    assert code == 1 and "TELEGRAM_BOT_TOKEN" in line and "ditolak" in line, line


async def test_a_refused_webhook(fake_api: FakeBotApi, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'sopbot.sqlite3'}"
    _prepare(db_url)
    port = _free_port()
    args = ["--webhook", "https://bot.contoh.go.id/sopbot", "--listen", f"127.0.0.1:{port}"]
    code, output = await _run(_env(fake_api, db_url), args, tmp_path)
    line = _one_line(output)
    assert code == 1 and "webhook" in line.lower() and "ditolak" in line, line


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://sopbot:rahasia@127.0.0.1/sopbot", ("mysql", "tidak didukung")),
        ("sqlite:///belum-ada/sopbot.sqlite3", ("belum ada", "sopbot db upgrade")),
        ("postgresql+psycopg://sopbot:rahasia@127.0.0.1:1/sopbot", ("tidak dapat", "127.0.0.1")),
    ],
)
async def test_a_database_it_cannot_use(
    fake_api: FakeBotApi, tmp_path: Path, url: str, words: tuple[str, ...]
) -> None:
    code, output = await _run(_env(fake_api, url), [], tmp_path)
    line = _one_line(output)
    assert code == 1, output
    assert all(word in line for word in words), line
    assert "rahasia" not in output  # the password is never printed


async def test_the_log_is_quiet_and_in_one_time_zone(fake_api: FakeBotApi, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'sopbot.sqlite3'}"
    _prepare(db_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        env=_env(fake_api, db_url), cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    head = b""
    while b"sopbot berjalan" not in head:  # started (slow on a busy machine)
        line = await asyncio.wait_for(process.stdout.readline(), timeout=90)
        assert line, head.decode()
        head += line
    await asyncio.sleep(5)  # several outbox passes (every 2 s) and the first reminder sweep
    process.send_signal(signal.SIGINT)
    rest, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    output = head + rest
    log = output.decode()
    assert process.returncode == 0, log
    for library in ("apscheduler", "httpx", "telegram"):
        assert not re.search(rf" (INFO|DEBUG) {library}", log), log
    # Every time stamp carries the same offset (the organisation's zone, WITA = +08:00).
    offsets = set(re.findall(r"^\S+T\S+?([+-]\d\d:\d\d) ", log, re.MULTILINE))
    assert offsets == {"+08:00"}, log
    assert "UTC" not in log


def test_the_fake_server_prints_what_telegram_api_base_url_expects() -> None:
    import subprocess

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.fakebotapi", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert f"TELEGRAM_API_BASE_URL=http://127.0.0.1:{port}" in first, first
    assert "/bot" not in first.split("TELEGRAM_API_BASE_URL=")[1].split()[0]


@pytest.mark.parametrize("command", [["health"], ["db", "current"], ["db", "upgrade"]])
def test_the_admin_commands_refuse_an_unsupported_database_in_one_line(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from bot.cli import cli
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", "mysql://sopbot:rahasia@127.0.0.1/sopbot")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, command)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    line = _one_line(result.output)
    assert "'mysql' tidak didukung" in line and "rahasia" not in line
