"""The log of a running bot: one time zone, sopbot's own lines, libraries only when they warn.

APScheduler logs every job run at INFO (every 2 s for the outbox) with its own
time zone beside the line's; httpx logs every request URL, which holds the
token; PTB logs its lifecycle. Those stay at WARNING. Every line's time is in
the deployment's zone (SOPBOT_TIMEZONE, the organisation's by default) with its
offset, so one log never mixes UTC and WITA.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

QUIET_LIBRARIES = ("apscheduler", "httpx", "httpcore", "telegram", "aiohttp")


class ZonedFormatter(logging.Formatter):
    """``2026-12-06T14:40:00+08:00 INFO sopbot: ...``: ISO time in one zone, with its offset."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="seconds")


class WithoutBootstrapFailures(logging.Filter):
    """PTB logs a failed setWebhook at start with its traceback and then raises it;
    ``sopbot run`` says the same in one line (``bot.cli.run``), so the record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Network Retry Loop (Bootstrap")


def configure_logging(timezone: str, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(ZonedFormatter(ZoneInfo(timezone)))
    handler.addFilter(WithoutBootstrapFailures())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
