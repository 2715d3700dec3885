"""What a many-figures-at-once outcome shows: the numbered list, the echo with its one
confirmation, the input sheet as a document, a refused sheet, or the count saved."""

from __future__ import annotations

from io import BytesIO

from telegram import InputFile, Update

from bot.render.texts import render
from bot.services.bulk_view import BulkKind, BulkShown
from bot.telegram import input_keyboards as keys


async def show(update: Update, bulk: BulkShown) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    if bulk.kind is BulkKind.ASK:
        text = render("input_batch_ask", bulk=bulk, example=_example(bulk))
        await chat.send_message(text, reply_markup=keys.batch_ask_keyboard(bulk.task_id))
    elif bulk.kind is BulkKind.ECHO:
        markup = None
        if bulk.figures:
            count = len(bulk.figures)
            markup = keys.batch_keyboard(bulk.task_id, count, concerned=bool(bulk.concerned))
        await chat.send_message(render("input_batch_echo", bulk=bulk), reply_markup=markup)
    elif bulk.kind is BulkKind.SHEET:
        document = InputFile(BytesIO(bulk.content), filename=bulk.file_name)
        caption = render("input_sheet_caption", bulk=bulk)
        await chat.send_document(document, caption=caption, filename=bulk.file_name)
    elif bulk.kind is BulkKind.REFUSED:
        await chat.send_message(render("input_sheet_refused", bulk=bulk))
    elif bulk.kind is BulkKind.SAVED:
        await chat.send_message(render("input_batch_saved", bulk=bulk))


def _example(bulk: BulkShown) -> str:
    """ "IWK-01 82,5; IWK-02 150" from the first two indicators that may change."""
    rows = [row for row in bulk.listed if row.editable][:2]
    return "; ".join(f"{row.code} {row.target or '12'}" for row in rows)
