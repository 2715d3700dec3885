"""A small HTTP face of the control API, for manual runs and drivers in another process.

``python -m bot.fakebotapi`` serves the Bot API to a real bot process; these
routes let ``curl`` or a benchmark play the users:

* ``POST /control/{token}/users/{user_id}/text``    ``{"text": "...", "first_name": "..."}``
* ``POST /control/{token}/users/{user_id}/command`` ``{"command": "/start", "args": ["abc"]}``
* ``POST /control/{token}/users/{user_id}/press``   ``{"message_id": 3, "button": "Ya"}``
* ``GET  /control/{token}/chats/{chat_id}``         transcript, both sides
* ``GET  /control/{token}/stats``                   counters
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .control import BotControl
from .users import FakeUser

ControlOf = Callable[[str], BotControl]


def _user(control: BotControl, request: web.Request, body: dict[str, Any]) -> FakeUser:
    user_id = int(request.match_info["user_id"])
    return control.user(user_id, body.get("first_name") or f"User {user_id}")


def add_control_routes(app: web.Application, control_of: ControlOf) -> None:
    """Register the routes; ``control_of(token)`` gives the bot's :class:`BotControl`."""

    async def act(request: web.Request) -> web.Response:
        control = control_of(request.match_info["token"])
        body = await request.json() if request.body_exists else {}
        user = _user(control, request, body)
        action = request.match_info["action"]
        try:
            if action == "text":
                msg = await user.send_text(str(body["text"]))
            elif action == "command":
                msg = await user.send_command(str(body["command"]), *body.get("args", []))
            elif action == "press":
                target = control.chat(user.id).messages[int(body["message_id"])]
                record = await user.press(target, str(body["button"]))
                return web.json_response({"ok": True, "callback_query_id": record.query_id})
            else:
                raise web.HTTPNotFound()
        except (KeyError, LookupError, ValueError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "message_id": msg.message_id})

    async def transcript(request: web.Request) -> web.Response:
        control = control_of(request.match_info["token"])
        try:
            entries = control.transcript(int(request.match_info["chat_id"]))
        except Exception as exc:  # the Bot API's 400 "chat not found"
            return web.json_response({"ok": False, "description": str(exc)}, status=404)
        return web.json_response({"ok": True, "result": [dataclasses.asdict(e) for e in entries]})

    async def stats(request: web.Request) -> web.Response:
        control = control_of(request.match_info["token"])
        return web.json_response({"ok": True, "result": control.stats()})

    base = "/control/{token}"
    app.router.add_post(base + "/users/{user_id:-?\\d+}/{action}", act)
    app.router.add_get(base + "/chats/{chat_id:-?\\d+}", transcript)
    app.router.add_get(base + "/stats", stats)
