"""The bot client, made to survive an update it cannot parse.

In polling mode PTB parses each ``getUpdates`` batch as a whole; one update it
cannot parse makes it log, fetch the same batch again and again, and answer
nobody. Telegram should never send such an update, but a bot that a whole
kabupaten relies on must not hang on one. Here each update is parsed on its
own first; one that fails is replaced by a bare ``{"update_id": n}`` (no
handler matches it), so the offset moves past it and everyone else is served.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

log = logging.getLogger("sopbot.updates")


class TolerantBot(ExtBot[None]):
    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, *args, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            return [kept for raw in result if (kept := self._parseable(raw)) is not None]
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
