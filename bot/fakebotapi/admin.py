"""Bot API methods about the bot itself: identity, updates, webhook, commands, files.

``getUpdates`` is the one method that waits. It long-polls on a broadcast
event, so an idle bot costs nothing and a new update is answered at once —
a fake that answered immediately would make PTB busy-poll (TESTING.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from . import errors, shapes
from .params import Params
from .state import DEFAULT_ALLOWED, BotState, WebhookConfig

JSON = dict[str, Any]
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def get_me(bot: BotState, p: Params) -> JSON:
    return bot.me


def _true(bot: BotState, p: Params) -> bool:
    return True


async def get_updates(bot: BotState, p: Params) -> list[JSON]:
    """Long polling: answer as soon as an update exists, or empty after ``timeout`` seconds.

    A newer getUpdates call supersedes a waiting one, which then gets Telegram's
    409 "terminated by other getUpdates request" (two bot instances polling).
    """
    if bot.webhook is not None:
        raise errors.conflict(errors.WEBHOOK_ACTIVE)
    allowed = p.get_json("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED
    bot.acknowledge(p.get_int("offset", 0) or 0)
    limit = min(max(p.get_int("limit", 100) or 100, 1), 100)
    timeout = max(p.get_float("timeout", 0.0), 0.0)
    bot.poll_generation += 1
    generation = bot.poll_generation
    bot.update_pulse.fire()  # wake a superseded poller so it can answer 409
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if bot.poll_generation != generation:
            raise errors.conflict(errors.OTHER_POLLER)
        if bot.updates or bot.closing:
            return [update for _, update in itertools.islice(bot.updates, limit)]
        remaining = deadline - loop.time()
        if remaining <= 0:
            return []
        event = bot.update_pulse.current()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), remaining)


def _loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def set_webhook(bot: BotState, p: Params) -> bool:
    url = p.get_str("url") or ""
    if not url:
        return delete_webhook(bot, p)
    if urlsplit(url).scheme not in ("http", "https") or not _loopback_url(url):
        raise errors.bad_request("bad webhook: the fake Bot API delivers to loopback URLs only")
    secret = p.get_str("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise errors.bad_request("secret token contains unallowed characters")
    allowed = p.get_json("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED
    if p.get_bool("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = WebhookConfig(url, secret, p.get_int("max_connections", 40) or 40)
    bot.update_pulse.fire()
    return True


def delete_webhook(bot: BotState, p: Params) -> bool:
    bot.webhook = None
    if p.get_bool("drop_pending_updates"):
        bot.updates.clear()
    bot.update_pulse.fire()  # lets the delivery loop notice and stop
    return True


def get_webhook_info(bot: BotState, p: Params) -> JSON:
    hook = bot.webhook
    info: JSON = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if hook:
        info["max_connections"] = hook.max_connections
        info["allowed_updates"] = sorted(bot.allowed_updates)
        if hook.last_error_date:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


def _scope_key(p: Params) -> tuple[str, str]:
    scope = p.get_json("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.get_str("language_code") or ""


def set_my_commands(bot: BotState, p: Params) -> bool:
    commands = p.get_json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise errors.bad_request("can't parse commands JSON object")
    for item in commands:
        command = str(item.get("command", "")) if isinstance(item, dict) else ""
        description = str(item.get("description", "")) if isinstance(item, dict) else ""
        if not _COMMAND.match(command):
            raise errors.bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise errors.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    bot.commands[_scope_key(p)] = commands
    return True


def get_my_commands(bot: BotState, p: Params) -> list[JSON]:
    return bot.commands.get(_scope_key(p), [])


def delete_my_commands(bot: BotState, p: Params) -> bool:
    bot.commands.pop(_scope_key(p), None)
    return True


def set_chat_menu_button(bot: BotState, p: Params) -> bool:
    chat_id = p.get_int("chat_id")
    if chat_id is not None:
        bot.chat(chat_id)
    bot.menu_buttons[chat_id] = p.get_json("menu_button") or {"type": "default"}
    return True


def get_chat_menu_button(bot: BotState, p: Params) -> JSON:
    chat_id = p.get_int("chat_id")
    return bot.menu_buttons.get(chat_id) or bot.menu_buttons.get(None) or {"type": "default"}


def _setting(name: str, field: str) -> tuple[Callable[..., bool], Callable[..., JSON]]:
    """A ``setMyX``/``getMyX`` pair that stores one text per language."""

    def setter(bot: BotState, p: Params) -> bool:
        bot.settings[(name, p.get_str("language_code") or "")] = p.get_str(field) or ""
        return True

    def getter(bot: BotState, p: Params) -> JSON:
        return {field: bot.settings.get((name, p.get_str("language_code") or ""), "")}

    return setter, getter


def get_chat(bot: BotState, p: Params) -> JSON:
    return shapes.full_chat(bot.chat(p.required("chat_id")).chat)


def get_chat_member(bot: BotState, p: Params) -> JSON:
    bot.chat(p.required("chat_id"))
    user_id = p.get_int("user_id")
    if user_id == bot.bot_id:
        return {"status": "administrator", "user": bot.me, **_ADMIN_RIGHTS}
    user = bot.users.get(user_id or 0)
    if user is None:
        raise errors.bad_request("user not found")
    return {"status": "member", "user": user}


_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": False,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


def get_file(bot: BotState, p: Params) -> JSON:
    stored = bot.files.get(p.get_str("file_id") or "")
    if stored is None:
        raise errors.bad_request("invalid file_id")
    return shapes.file(stored.file_id, stored.unique_id, len(stored.content), stored.file_path)


METHODS: dict[str, Callable[[BotState, Params], Any]] = {
    "getme": get_me,
    "logout": _true,
    "close": _true,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "setchatmenubutton": set_chat_menu_button,
    "getchatmenubutton": get_chat_menu_button,
    "getchat": get_chat,
    "getchatmember": get_chat_member,
    "getfile": get_file,
}
for _name, _field in (
    ("name", "name"),
    ("description", "description"),
    ("shortdescription", "short_description"),
):
    METHODS[f"setmy{_name}"], METHODS[f"getmy{_name}"] = _setting(_name, _field)
