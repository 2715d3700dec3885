"""Deployment settings, read from the environment (and a ``.env`` file).

Only what a deployment chooses lives here; what an organisation chooses
(its calendar, rating bands, reminder policy) is organisation data.
"""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def _default_definitions_dir() -> Path:
    """``./sop_definitions`` when it exists, else the one beside the source tree."""
    local = Path.cwd() / "sop_definitions"
    return local if local.is_dir() else _PACKAGE_ROOT / "sop_definitions"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

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
