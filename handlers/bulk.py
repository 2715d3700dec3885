"""Many figures at once (issue 16): "Isi sekaligus", "Lembar Excel", "Simpan semua", "Ulangi".

Each press is one call of ``bot.services.batch_input`` in one unit of work;
``handlers/input_replies.py`` shows the outcome (the list, the echo, the sheet
as a document, the summary). Typed batches and returned sheets arrive through
``handlers/messages.py``. The states: ``handlers/bulk.mmd``.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackQueryHandler

from bot.services import batch_input as use
from bot.telegram.callbacks import Action, pattern
from handlers.input import _pressing

__all__ = ["HANDLERS"]

ask = _pressing(use.ask, with_argument=False)
sheet = _pressing(use.sheet, with_argument=False)
save = _pressing(use.save, with_argument=False)
retype = _pressing(use.retype, with_argument=False)

HANDLERS: list[CallbackQueryHandler[Any, Any]] = [
    CallbackQueryHandler(ask, pattern=pattern(Action.BATCH)),
    CallbackQueryHandler(sheet, pattern=pattern(Action.SHEET)),
    CallbackQueryHandler(save, pattern=pattern(Action.SAVE_BATCH)),
    CallbackQueryHandler(retype, pattern=pattern(Action.RETYPE_BATCH)),
]
