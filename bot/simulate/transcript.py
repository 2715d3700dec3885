"""Readable transcripts of the simulated chats: who said what, when, which button was pressed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.locale_id import format_datetime_id
from bot.fakebotapi.records import Entry, StoredMessage


def format_chat(title: str, entries: Iterable[Entry], zone: ZoneInfo) -> str:
    """One chat as plain text: a heading, then each message with its local time."""
    lines = [title, "=" * len(title)]
    for entry in entries:
        stamp = entry.date if entry.date is not None else entry.time
        when = format_datetime_id(datetime.fromtimestamp(stamp, zone), with_zone=False)
        if entry.kind == "press":
            lines.append(f"[{when}] {entry.sender} {entry.text}")
            continue
        mark = " (diubah)" if entry.edited else ""
        lines.append(f"[{when}] {entry.sender}{mark}:")
        lines.extend(f"    {line}" for line in entry.text.splitlines() or [""])
        for row in entry.buttons:
            lines.append("    " + "  ".join(f"[{text}]" for text in row))
    return "\n".join(lines) + "\n"


def format_versions(title: str, message: StoredMessage, zone: ZoneInfo) -> str:
    """Every version of an edited message, oldest first, each with when it was sent or edited."""
    lines = [title, "-" * len(title)]
    for number, version in enumerate([*message.history, message.json], start=1):
        stamp = version.get("edit_date") or version.get("date") or message.time
        when = format_datetime_id(datetime.fromtimestamp(stamp, zone), with_zone=False)
        lines.append(f"[{when}] versi {number}:")
        text = version.get("text", version.get("caption")) or ""
        lines.extend(f"    {line}" for line in text.splitlines() or [""])
    return "\n".join(lines) + "\n"


def write_transcripts(out_dir: Path, chats: dict[str, str]) -> list[Path]:
    """One file per person (``01-kabid-andi.txt``) plus ``semua.txt`` with every chat."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, (slug, text) in enumerate(chats.items(), start=1):
        path = out_dir / f"{index:02d}-{slug}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    combined = out_dir / "semua.txt"
    combined.write_text("\n\n".join(chats.values()), encoding="utf-8")
    return [*written, combined]
