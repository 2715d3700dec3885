"""The bot client, made to survive an update it cannot parse.

In polling mode PTB parses each ``getUpdates`` batch as a whole; one update it
cannot parse makes it log, fetch the same batch again and again, and answer
nobody. Telegram should never send such an update, but a bot that a whole
kabupaten relies on must not hang on one. Here, when the batch fails, each
update is parsed on its own; one that fails is replaced by a bare
``{"update_id": n}`` (no handler matches it), so the offset moves past it and
everyone else is served.

It is also where Telegram's 4,096-character limit is kept (issue 16): every text
sent or edited goes through ``send_message`` / ``edit_message_text`` here, so a
text too long for one message is sent as several, cut between rows
(``bot.telegram.long_text``), with the buttons on the last part.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from bot.telegram.long_text import split_text

log = logging.getLogger("sopbot.updates")


_FIRST_ONLY = ("reply_parameters", "reply_to_message_id")
"""A reply quotes the message answered once: on the first part only."""


class TolerantBot(ExtBot[None]):
    async def edit_message_reply_markup(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> Message | bool:
        """Buttons already as asked are done, not an error: an update delivered twice (a
        webhook retried by Telegram, another worker) or a second press finds the message as
        the first left it, and Telegram's "message is not modified" must not stop the rest
        of the reply."""
        try:
            return await super().edit_message_reply_markup(*args, **kwargs)
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return True
            raise

    async def send_message(  # type: ignore[override]
        self, chat_id: int | str, text: str, *args: Any, **kwargs: Any
    ) -> Message:
        """Several messages when ``text`` is too long for one; the last carries the buttons
        and is returned (it is the one later presses and edits refer to)."""
        parts = split_text(text)
        if len(parts) == 1 or args:
            return await super().send_message(chat_id, text, *args, **kwargs)
        markup = kwargs.pop("reply_markup", None)
        first = dict(kwargs)
        rest = {k: v for k, v in kwargs.items() if k not in _FIRST_ONLY}
        for n, part in enumerate(parts[:-1]):
            await super().send_message(chat_id, part, **(first if n == 0 else rest))
        return await super().send_message(chat_id, parts[-1], reply_markup=markup, **rest)

    async def edit_message_text(  # type: ignore[override]
        self, text: str, *args: Any, **kwargs: Any
    ) -> Message | bool:
        """A long text edits the message into its first part; the rest follow as new
        messages in the same chat, the last with the buttons."""
        parts = split_text(text)
        chat_id = kwargs.get("chat_id")
        if len(parts) == 1 or args or chat_id is None:
            return await super().edit_message_text(text, *args, **kwargs)
        markup = kwargs.pop("reply_markup", None)
        edited = await super().edit_message_text(parts[0], **kwargs)
        follow = {k: kwargs[k] for k in ("parse_mode",) if k in kwargs}
        for part in parts[1:-1]:
            await super().send_message(chat_id, part, **follow)
        await super().send_message(chat_id, parts[-1], reply_markup=markup, **follow)
        return edited

    _fetched: Sequence[Any] = ()
    """The last ``getUpdates`` batch as Telegram sent it (set per instance)."""

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        """PTB parses the batch (once per update: this is on every update's path); only when
        that fails is each update parsed on its own and the unusable one replaced."""
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:  # an update PTB cannot parse (it has logged the batch)
            kept = [kept for raw in self._fetched if (kept := self._parseable(raw)) is not None]
            return Update.de_list(kept, self)

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, *args, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            self._fetched = result
        return result

    def _parseable(self, raw: Any) -> Any:
        try:
            Update.de_json(raw, self)
            return raw
        except Exception:  # any parse failure: the update is unusable, the batch is not
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int):
                log.error("update tanpa update_id yang sah diabaikan")
                return None
            log.error("update %s tidak dapat dibaca dan diabaikan", update_id)
            return {"update_id": update_id}
