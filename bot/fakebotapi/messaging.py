"""Bot API methods that write into chats: send, edit, delete, pin, answer buttons.

Each function validates everything first and commits last, with no ``await``
in between: a call that fails leaves no trace, a call that succeeds is whole.
The error texts are Telegram's own (see ``errors.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import errors, shapes
from .htmltext import parse_html
from .params import Params
from .state import BotState, ChatState, StoredFile, StoredMessage

JSON = dict[str, Any]
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
KEYBOARD_BUTTON_LIMIT = 100
"""Telegram refuses an inline keyboard of more than 100 buttons ("reply markup is too long")."""


def _formatted(p: Params, field: str, limit: int, too_long: str) -> tuple[str, list[JSON]]:
    """Plain text and entities of ``field`` after ``parse_mode``, within Telegram's limit."""
    raw = p.get_str(field) or ""
    mode = (p.get_str("parse_mode") or "").upper()
    if mode == "HTML":
        plain, entities = parse_html(raw)
    else:  # Markdown modes are stored as sent (not interpreted by this fake)
        plain = raw
        entities = p.get_json("entities" if field == "text" else "caption_entities") or []
    if len(plain) > limit:
        raise errors.bad_request(too_long)
    return plain, entities


def _markup(p: Params) -> tuple[JSON | None, JSON | None]:
    """``(inline_markup, reply_keyboard)``; only inline keyboards appear in a Message."""
    markup = p.get_json("reply_markup")
    if markup is None:
        return None, None
    if not isinstance(markup, dict):
        raise errors.bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None, markup
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise errors.bad_request('can\'t parse inline keyboard button: field "inline_keyboard"')
    if sum(len(row) for row in rows) > KEYBOARD_BUTTON_LIMIT:
        raise errors.bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise errors.bad_request("BUTTON_TEXT_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise errors.bad_request(errors.BUTTON_DATA_INVALID)
    return markup, None


def _reply_to(bot: BotState, chat: ChatState, p: Params) -> JSON | None:
    params = p.get_json("reply_parameters") or {}
    target = params.get("message_id") or p.get_int("reply_to_message_id")
    if not target:
        return None
    msg = chat.messages.get(int(target))
    if msg is None or msg.deleted:
        if params.get("allow_sending_without_reply"):
            return None
        raise errors.bad_request("message to be replied not found")
    return {k: v for k, v in msg.json.items() if k != "reply_to_message"}


def _sender(bot: BotState) -> JSON:
    return shapes.user(bot.bot_id, bot.me["first_name"], username=bot.me["username"], is_bot=True)


def _writable_chat(bot: BotState, p: Params) -> ChatState:
    chat = bot.chat(p.required("chat_id"))
    bot.check_can_send(chat)
    return chat


def _commit(bot: BotState, chat: ChatState, kind: str, **fields: Any) -> StoredMessage:
    keyboard = fields.pop("reply_keyboard", None)
    msg = chat.add(True, kind, _sender(bot), bot.now(), **fields)
    msg.reply_keyboard = keyboard
    bot.stats.messages_per_chat[chat.id] += 1
    return msg


def send_message(bot: BotState, p: Params) -> JSON:
    chat = _writable_chat(bot, p)
    plain, entities = _formatted(p, "text", TEXT_LIMIT, errors.TEXT_TOO_LONG)
    if not plain.strip():
        raise errors.bad_request(errors.TEXT_EMPTY)
    markup, keyboard = _markup(p)
    return _commit(
        bot,
        chat,
        "text",
        text=plain,
        entities=entities or None,
        reply_markup=markup,
        reply_to_message=_reply_to(bot, chat, p),
        raw_text=p.get_str("text"),
        reply_keyboard=keyboard,
    ).json


def _input_file(bot: BotState, p: Params, name: str, folder: str) -> StoredFile:
    """An uploaded part, an ``attach://`` reference, a known ``file_id`` or a URL."""
    value = p.get_str(name)
    upload = p.uploads.get(name)
    if upload is None and value and value.startswith("attach://"):
        upload = p.uploads.get(value.removeprefix("attach://"))
    if upload is not None:
        return bot.store_file(upload.content, folder, upload.filename, upload.content_type)
    if value in bot.files:
        return bot.files[value]
    if value and value.startswith(("http://", "https://")):
        return bot.store_file(b"", folder, value.rsplit("/", 1)[-1] or None, None)
    raise errors.bad_request("wrong file identifier/HTTP URL specified")


def photo_json(bot: BotState, stored: StoredFile) -> list[JSON]:
    """PhotoSizes for a stored photo; the thumbnail's file_id resolves to the same bytes."""
    width, height = shapes.image_size(stored.content)
    sizes = shapes.photo_sizes(stored.file_id, stored.unique_id, len(stored.content), width, height)
    bot.files.setdefault(sizes[0]["file_id"], stored)
    return sizes


def document_json(stored: StoredFile) -> JSON:
    return shapes.document(
        stored.file_id,
        stored.unique_id,
        len(stored.content),
        stored.file_name,
        stored.mime_type,
    )


def _send_media(bot: BotState, p: Params, kind: str) -> JSON:
    chat = _writable_chat(bot, p)
    caption, entities = _formatted(p, "caption", CAPTION_LIMIT, errors.CAPTION_TOO_LONG)
    markup, keyboard = _markup(p)
    stored = _input_file(bot, p, kind, "photos" if kind == "photo" else "documents")
    media = photo_json(bot, stored) if kind == "photo" else document_json(stored)
    return _commit(
        bot,
        chat,
        kind,
        caption=caption or None,
        caption_entities=entities or None,
        reply_markup=markup,
        reply_to_message=_reply_to(bot, chat, p),
        raw_text=p.get_str("caption"),
        reply_keyboard=keyboard,
        **{kind: media},
    ).json


def send_photo(bot: BotState, p: Params) -> JSON:
    return _send_media(bot, p, "photo")


def send_document(bot: BotState, p: Params) -> JSON:
    return _send_media(bot, p, "document")


def _editable(bot: BotState, p: Params) -> tuple[ChatState, StoredMessage]:
    if p.has("inline_message_id"):
        raise errors.bad_request("inline messages are not supported by the fake Bot API")
    chat = bot.chat(p.required("chat_id"))
    if chat.status != "active":
        bot.check_can_send(chat)
    msg = bot.message(chat, p.required("message_id"), errors.EDIT_NOT_FOUND)
    if not msg.from_bot:
        raise errors.bad_request(errors.CANT_EDIT)
    return chat, msg


def _apply_edit(bot: BotState, chat: ChatState, msg: StoredMessage, changes: JSON) -> JSON:
    """Replace content; identical content is Telegram's "message is not modified" 400."""
    current = msg.json
    if all(current.get(k) == (v or None) for k, v in changes.items()):
        raise errors.bad_request(errors.NOT_MODIFIED)
    msg.history.append(current)
    updated = {k: v for k, v in current.items() if k not in changes}
    updated.update({k: v for k, v in changes.items() if v})
    updated["edit_date"] = bot.now()
    msg.json = updated
    chat.pulse.fire()
    return updated


def edit_message_text(bot: BotState, p: Params) -> JSON:
    chat, msg = _editable(bot, p)
    if "text" not in msg.json:
        raise errors.bad_request("there is no text in the message to edit")
    plain, entities = _formatted(p, "text", TEXT_LIMIT, errors.TEXT_TOO_LONG)
    if not plain.strip():
        raise errors.bad_request(errors.TEXT_EMPTY)
    markup, _ = _markup(p)
    msg.raw_text = p.get_str("text")
    return _apply_edit(
        bot, chat, msg, {"text": plain, "entities": entities, "reply_markup": markup}
    )


def edit_message_caption(bot: BotState, p: Params) -> JSON:
    chat, msg = _editable(bot, p)
    caption, entities = _formatted(p, "caption", CAPTION_LIMIT, errors.CAPTION_TOO_LONG)
    markup, _ = _markup(p)
    changes = {"caption": caption, "caption_entities": entities, "reply_markup": markup}
    return _apply_edit(bot, chat, msg, changes)


def edit_message_reply_markup(bot: BotState, p: Params) -> JSON:
    chat, msg = _editable(bot, p)
    markup, _ = _markup(p)
    return _apply_edit(bot, chat, msg, {"reply_markup": markup})


def delete_message(bot: BotState, p: Params) -> bool:
    chat = bot.chat(p.required("chat_id"))
    msg = bot.message(chat, p.required("message_id"), errors.DELETE_NOT_FOUND)
    msg.deleted = True
    chat.pulse.fire()
    return True


def answer_callback_query(bot: BotState, p: Params) -> bool:
    record = bot.callbacks.get(p.get_str("callback_query_id") or "")
    if record is None or record.answered:
        raise errors.bad_request(errors.QUERY_INVALID)
    record.answered = True
    record.answer = {
        "text": p.get_str("text"),
        "show_alert": p.get_bool("show_alert"),
        "url": p.get_str("url"),
        "cache_time": p.get_int("cache_time", 0),
    }
    bot.chat(record.chat_id).pulse.fire()
    return True


def send_chat_action(bot: BotState, p: Params) -> bool:
    chat = _writable_chat(bot, p)
    chat.actions.append(p.get_str("action") or "typing")
    return True


def pin_chat_message(bot: BotState, p: Params) -> bool:
    chat = bot.chat(p.required("chat_id"))
    bot.check_can_send(chat)
    msg = bot.message(chat, p.required("message_id"), "message to pin not found")
    if msg.message_id in chat.pinned:
        chat.pinned.remove(msg.message_id)
    chat.pinned.append(msg.message_id)
    chat.pulse.fire()
    return True


def unpin_chat_message(bot: BotState, p: Params) -> bool:
    chat = bot.chat(p.required("chat_id"))
    target = p.get_int("message_id")
    if target is None and chat.pinned:
        target = chat.pinned[-1]
    if target not in chat.pinned:
        raise errors.bad_request("message to unpin not found")
    chat.pinned.remove(target)
    chat.pulse.fire()
    return True


def unpin_all_chat_messages(bot: BotState, p: Params) -> bool:
    bot.chat(p.required("chat_id")).pinned.clear()
    return True


METHODS: dict[str, Callable[[BotState, Params], Any]] = {
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "senddocument": send_document,
    "editmessagetext": edit_message_text,
    "editmessagecaption": edit_message_caption,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
    "sendchataction": send_chat_action,
    "pinchatmessage": pin_chat_message,
    "unpinchatmessage": unpin_chat_message,
    "unpinallchatmessages": unpin_all_chat_messages,
}
