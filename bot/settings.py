"""Deployment settings, read from the environment (and a ``.env`` file).

Only what a deployment chooses lives here; what an organisation chooses
(its calendar, rating bands, reminder policy) is organisation data.

A plain pydantic model reads them (:meth:`Settings._from_environment`), as
pydantic-settings' ``BaseSettings`` did: keyword arguments first, then the
environment, then ``./.env``, then the defaults; names are the fields' aliases, in
any case. pydantic-settings itself (its sources for cloud secret stores, argparse)
was 1.4 MB of the bot's memory after imports (issue 15, bench/memory.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def _default_definitions_dir() -> Path:
    """``./sop_definitions`` when it exists, else the one beside the source tree."""
    local = Path.cwd() / "sop_definitions"
    return local if local.is_dir() else _PACKAGE_ROOT / "sop_definitions"


ENV_FILE = Path(".env")
"""Read from the working directory, as the README's walkthrough and compose leave it."""


def _env_file_values(path: Path) -> Mapping[str, str | None]:
    """``KEY=value`` lines of a dotenv file (quotes, ``export``, ``${VAR}`` as python-dotenv
    reads them, which pydantic-settings used); nothing if there is no file."""
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # only where a .env file exists

    return dotenv_values(path)


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, given: Any) -> Any:
        """Keyword arguments over the environment over ``.env`` (over the defaults)."""
        if not isinstance(given, dict):
            return given
        by_name = {name: f.alias for name, f in cls.model_fields.items() if f.alias}
        aliases = {alias.lower(): alias for alias in by_name.values()}
        found: dict[str, Any] = {}
        for source in (_env_file_values(ENV_FILE), os.environ):
            for name, value in source.items():
                alias = aliases.get(name.lower())
                if alias is not None and value is not None:
                    found[alias] = value
        # A keyword argument may name the field or its alias.
        return found | {by_name.get(key, key): value for key, value in given.items()}

    database_url: str = Field(default="sqlite:///sopbot.sqlite3", alias="DATABASE_URL")
    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_bot_username: str | None = Field(default=None, alias="TELEGRAM_BOT_USERNAME")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org", alias="TELEGRAM_API_BASE_URL"
    )
    webhook_secret: str | None = Field(default=None, alias="SOPBOT_WEBHOOK_SECRET")
    """The X-Telegram-Bot-Api-Secret-Token webhook mode requires (1-256 of A-Z a-z 0-9 _ -);
    unset: derived from the token (bot.webhook_secret), the same in every worker."""
    definitions_dir: Path = Field(
        default_factory=_default_definitions_dir, alias="SOPBOT_DEFINITIONS_DIR"
    )
    # A fixed "now" for every command line command (demos, the README walkthrough);
    # ISO text, naive meaning the organisation's local time. --now overrides it.
    now: str | None = Field(default=None, alias="SOPBOT_NOW")
    # Defaults for an organisation that has not set its own calendar.
    timezone: str = Field(default="Asia/Makassar", alias="SOPBOT_TIMEZONE")
    work_start: time = Field(default=time(7, 30), alias="SOPBOT_WORK_START")
    work_end: time = Field(default=time(16, 0), alias="SOPBOT_WORK_END")
    trigger_hour: time = Field(default=time(8, 0), alias="SOPBOT_TRIGGER_HOUR")
    include_cuti_bersama: bool = Field(default=True, alias="SOPBOT_CUTI_BERSAMA")
    # Reports are rendered in worker processes and kept by data hash (bot.reports.worker).
    report_cache_dir: Path | None = Field(default=None, alias="SOPBOT_REPORT_CACHE_DIR")
    """Where rendered report files are kept; default: a private directory in the temp dir."""
    report_cache_mb: int = Field(default=256, ge=1, alias="SOPBOT_REPORT_CACHE_MB")
    report_workers: int = Field(default=1, ge=1, le=8, alias="SOPBOT_REPORT_WORKERS")
    # Updates handled at once (different chats; one chat's stay in order). 1: one at a
    # time, as PTB does by default. Unset: what bench/throughput.py measured best for
    # the database's backend (bot.app.concurrent_updates).
    concurrent_updates: int | None = Field(default=None, ge=1, alias="SOPBOT_CONCURRENT_UPDATES")
    # Seconds between leader elections of the workers on one PostgreSQL: how long the
    # scheduler and the outbox may wait after the leader dies (the multi-worker drill: 2).
    election_interval: float = Field(default=30.0, gt=0, le=3600, alias="SOPBOT_ELECTION_INTERVAL")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
