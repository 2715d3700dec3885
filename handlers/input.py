"""The guided indicator input: one indicator at a time, echoed, confirmed, summarised, sent.

Buttons come here (``HANDLERS``); typed text and files come through
``handlers/messages.py``. Each press is one call of ``bot.services.guided_input``
in one unit of work (the figure and the next position commit together), then
``handlers/input_replies.py`` shows its outcome. Every value is saved as a draft
revision as soon as it is confirmed, so /batal, a restart or a week away loses
nothing. The states and their order: ``handlers/input.mmd``, drawn from
``bot/conversation/table.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.services import guided_input as use
from bot.services.turn import Outcome
from bot.telegram.callbacks import Action, Callback, pattern
from bot.telegram.calls import service_call
from handlers.common import button, pressed, user_id
from handlers.input_replies import show

__all__ = ["HANDLERS"]


def _pressing(
    call: Callable[..., Outcome], *, with_argument: bool
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Any]:
    """A button handler: answer the press, make one service call, show what it did."""

    @button
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        callback: Callback | None = await pressed(update, answer_now=False)
        if callback is None:
            return
        arguments: tuple[Any, ...] = (callback.task_id,)
        if with_argument:
            arguments += (callback.argument,)
        outcome = await service_call(context, call, user_id(update), *arguments)
        await show(update, context, outcome)

    handler.__name__ = call.__name__  # type: ignore[attr-defined]
    handler.__doc__ = call.__doc__
    return handler


fill = _pressing(use.fill, with_argument=False)
edit = _pressing(use.edit, with_argument=True)
no_data = _pressing(use.no_data, with_argument=True)
confirm = _pressing(use.confirm, with_argument=True)
retype = _pressing(use.retype, with_argument=True)
skip = _pressing(use.skip, with_argument=True)
summary = _pressing(use.summary, with_argument=False)
submit = _pressing(use.submit, with_argument=False)
note = _pressing(use.note, with_argument=True)
evidence = _pressing(use.evidence, with_argument=False)

HANDLERS: list[CallbackQueryHandler[Any, Any]] = [
    CallbackQueryHandler(fill, pattern=pattern(Action.FILL)),
    CallbackQueryHandler(edit, pattern=pattern(Action.EDIT)),
    CallbackQueryHandler(no_data, pattern=pattern(Action.NO_DATA)),
    CallbackQueryHandler(confirm, pattern=pattern(Action.CONFIRM)),
    CallbackQueryHandler(retype, pattern=pattern(Action.RETYPE)),
    CallbackQueryHandler(skip, pattern=pattern(Action.SKIP)),
    CallbackQueryHandler(summary, pattern=pattern(Action.SUMMARY)),
    CallbackQueryHandler(submit, pattern=pattern(Action.SUBMIT)),
    CallbackQueryHandler(note, pattern=pattern(Action.NOTE)),
    CallbackQueryHandler(evidence, pattern=pattern(Action.EVIDENCE)),
]
