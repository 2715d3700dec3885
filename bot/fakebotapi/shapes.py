"""Builders of Telegram's JSON objects, with every field PTB requires.

PTB rejects a whole ``getUpdates`` batch when one object misses a required
field (see docs TESTING.md), so all objects the fake emits are built here and
nowhere else. Dates are Unix *seconds*.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

JSON = dict[str, Any]


def user(
    user_id: int,
    first_name: str,
    *,
    username: str | None = None,
    last_name: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
) -> JSON:
    """A ``User``."""
    obj: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name:
        obj["last_name"] = last_name
    if username:
        obj["username"] = username
    if language_code:
        obj["language_code"] = language_code
    return obj


def bot_user(bot_id: int, first_name: str, username: str) -> JSON:
    """The full ``User`` that ``getMe`` answers (the extra ``can_*`` flags only getMe has)."""
    obj = user(bot_id, first_name, username=username, is_bot=True)
    obj.update(
        can_join_groups=True,
        can_read_all_group_messages=False,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )
    return obj


def private_chat(user_obj: JSON) -> JSON:
    """The private ``Chat`` of a user: same id as the user."""
    chat: JSON = {"id": user_obj["id"], "type": "private", "first_name": user_obj["first_name"]}
    for key in ("last_name", "username"):
        if key in user_obj:
            chat[key] = user_obj[key]
    return chat


def group_chat(chat_id: int, title: str, chat_type: str = "group") -> JSON:
    """A group or supergroup ``Chat`` (negative id)."""
    return {"id": chat_id, "type": chat_type, "title": title}


def full_chat(chat: JSON) -> JSON:
    """``ChatFullInfo`` for ``getChat``: PTB 22.8 requires the colour and gift fields."""
    info = dict(chat)
    info.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    return info


def message(message_id: int, chat: JSON, sender: JSON, date: int, **fields: Any) -> JSON:
    """A ``Message``; ``fields`` holds text/caption/entities/photo/document/reply_markup..."""
    obj: JSON = {"message_id": message_id, "from": sender, "chat": chat, "date": date}
    obj.update({k: v for k, v in fields.items() if v is not None})
    return obj


def command_entity(command: str) -> JSON:
    """The ``bot_command`` entity PTB's CommandHandler looks for at offset 0."""
    return {"type": "bot_command", "offset": 0, "length": utf16_len(command)}


def callback_query(query_id: str, sender: JSON, msg: JSON, data: str, chat_instance: str) -> JSON:
    """A ``CallbackQuery`` on a bot message."""
    return {
        "id": query_id,
        "from": sender,
        "message": msg,
        "chat_instance": chat_instance,
        "data": data,
    }


def chat_member_updated(chat: JSON, actor: JSON, bot: JSON, old: str, new: str, date: int) -> JSON:
    """``my_chat_member``: the bot's status in a chat changed (e.g. the user blocked it)."""

    def member(status: str) -> JSON:
        obj: JSON = {"status": status, "user": bot}
        if status == "kicked":
            obj["until_date"] = 0
        return obj

    return {
        "chat": chat,
        "from": actor,
        "date": date,
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }


def photo_sizes(file_id: str, unique_id: str, size: int, width: int, height: int) -> list[JSON]:
    """``PhotoSize`` list, smallest first, as Telegram sends it (a thumbnail and the full)."""
    scale = min(1.0, 90 / max(width, height, 1))
    thumb = {
        "file_id": f"{file_id}_s",
        "file_unique_id": f"{unique_id}s",
        "file_size": size,
        "width": max(1, round(width * scale)),
        "height": max(1, round(height * scale)),
    }
    full = {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "file_size": size,
        "width": width,
        "height": height,
    }
    return [thumb, full]


def document(
    file_id: str, unique_id: str, size: int, file_name: str | None, mime_type: str | None
) -> JSON:
    """A ``Document``."""
    obj: JSON = {"file_id": file_id, "file_unique_id": unique_id, "file_size": size}
    if file_name:
        obj["file_name"] = file_name
    if mime_type:
        obj["mime_type"] = mime_type
    return obj


def file(file_id: str, unique_id: str, size: int, file_path: str) -> JSON:
    """A ``File`` as ``getFile`` answers it."""
    return {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "file_size": size,
        "file_path": file_path,
    }


def unique_id_of(content: bytes) -> str:
    """Same content, same ``file_unique_id`` (as on Telegram, where it identifies the file)."""
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()[:16]


def image_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG or JPEG, else a plausible default; no imaging library needed."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        return struct.unpack(">II", content[16:24])
    if content[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                break
            marker, length = content[i + 1], struct.unpack(">H", content[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return 800, 600


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
