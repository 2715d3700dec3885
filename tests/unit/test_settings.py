"""Settings come from keyword arguments, the environment, ``./.env`` and the defaults, in
that order, as they did with pydantic-settings (bot/settings.py reads them itself)."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_the_defaults() -> None:
    settings = Settings()
    assert settings.database_url == "sqlite:///sopbot.sqlite3"
    assert settings.telegram_bot_token is None
    assert settings.work_start == time(7, 30)


def test_keyword_arguments_over_the_environment_over_the_env_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    Path(".env").write_text(
        "DATABASE_URL=sqlite:///file.sqlite3\n"
        "export TELEGRAM_BOT_TOKEN='1:from-file'\n"
        "# a comment\n"
        'SOPBOT_TIMEZONE="Asia/Jakarta"\n'
        "NOT_A_SETTING=1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DATABASE_URL", "sqlite:///env.sqlite3")
    assert Settings().database_url == "sqlite:///env.sqlite3"
    assert Settings().telegram_bot_token == "1:from-file"
    assert Settings().timezone == "Asia/Jakarta"
    assert Settings(DATABASE_URL="sqlite:///kw.sqlite3").database_url == "sqlite:///kw.sqlite3"
    by_name = Settings(database_url="sqlite:///name.sqlite3")  # type: ignore[call-arg]
    assert by_name.database_url == "sqlite:///name.sqlite3"


def test_names_in_any_case_and_values_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("sopbot_work_start", "08:15")
    monkeypatch.setenv("SOPBOT_CUTI_BERSAMA", "0")
    monkeypatch.setenv("SOPBOT_REPORT_WORKERS", "3")
    monkeypatch.setenv("NOW", "not ours: the field's name is not its variable")
    settings = Settings()
    assert settings.work_start == time(8, 15)
    assert settings.include_cuti_bersama is False
    assert settings.report_workers == 3
    assert settings.now is None


def test_a_bad_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOPBOT_REPORT_WORKERS", "99")
    with pytest.raises(ValidationError):
        Settings()
