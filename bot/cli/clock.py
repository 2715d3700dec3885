"""The command line's clock: ``--now``, else ``SOPBOT_NOW``, else the real time.

The command line is the one place allowed to read the clock; everything below
it takes the time as an argument. ``SOPBOT_NOW`` fixes the clock for a whole
session (the README's walkthrough, a demo, a test) so every command agrees on
"now", where ``--now`` sets it for one command.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click


def resolve_now(text: str | None, zone: ZoneInfo) -> datetime:
    """``--now`` or ``SOPBOT_NOW`` (naive means ``zone``'s local time), else the real time."""
    if text:
        return _parse(text, zone, "--now")
    from bot.settings import get_settings

    fixed = get_settings().now
    if fixed:
        return _parse(fixed, zone, "SOPBOT_NOW")
    return datetime.now(UTC)


def _parse(text: str, zone: ZoneInfo, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise click.BadParameter(
            f"{text!r} bukan waktu ISO; contoh: 2026-10-12T08:00", param_hint=where
        ) from exc
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
