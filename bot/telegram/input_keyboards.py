"""Inline keyboards of the indicator input conversation (pure: data in, markup out)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine.inputs import InputLine
from bot.telegram.callbacks import Action, Callback

LABEL_LIMIT = 40


def _button(
    text: str, action: Action, task_id: int, argument: int | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=Callback(action, task_id, argument).encode())


def fill_keyboard(task_id: int) -> InlineKeyboardMarkup:
    """The entry point: "Isi data indikator" on a task card."""
    return InlineKeyboardMarkup([[_button("Isi data indikator", Action.FILL, task_id)]])


def value_keyboard(task_id: int, indicator_id: int) -> InlineKeyboardMarkup:
    """Under the value question: no data yet, or straight to the summary."""
    return InlineKeyboardMarkup(
        [
            [_button("Belum ada data", Action.NO_DATA, task_id, indicator_id)],
            bulk_buttons(task_id),
            [_button("Ringkasan", Action.SUMMARY, task_id)],
        ]
    )


def confirm_keyboard(
    task_id: int, indicator_id: int, *, concerned: bool = False
) -> InlineKeyboardMarkup:
    """Under the echo; with plausibility concerns the confirmation says so."""
    label = "Ya, nilai ini benar" if concerned else "Benar, simpan"
    return InlineKeyboardMarkup(
        [
            [
                _button(label, Action.CONFIRM, task_id, indicator_id),
                _button("Ketik ulang", Action.RETYPE, task_id, indicator_id),
            ]
        ]
    )


def skip_keyboard(task_id: int, indicator_id: int, label: str = "Lewati") -> InlineKeyboardMarkup:
    """For the optional questions (kendala, tindak lanjut, bukti)."""
    return InlineKeyboardMarkup([[_button(label, Action.SKIP, task_id, indicator_id)]])


def _label(prefix: str, line: InputLine) -> str:
    text = f"{prefix} {line.code}"
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def summary_keyboard(
    task_id: int, lines: Sequence[InputLine], *, can_submit: bool
) -> InlineKeyboardMarkup:
    """One edit button per editable indicator (two per row), then submit."""
    buttons = [
        _button(_label("Ubah", line), Action.EDIT, task_id, line.indicator_id)
        for line in lines
        if line.editable
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if can_submit:
        rows.append([_button("Kirim", Action.SUBMIT, task_id)])
    return InlineKeyboardMarkup(rows)


def missing_keyboard(task_id: int, lines: Sequence[InputLine]) -> InlineKeyboardMarkup:
    """After a refused submit: a button to fill each missing indicator."""
    rows = [
        [_button(_label("Isi", line), Action.EDIT, task_id, line.indicator_id)] for line in lines
    ]
    return InlineKeyboardMarkup(rows)


# --- issue 16: many figures at once -----------------------------------------------------------
def bulk_buttons(task_id: int) -> list[InlineKeyboardButton]:
    """ "Isi sekaligus" and "Lembar Excel": a row for the task card and the value question."""
    return [
        _button("Isi sekaligus", Action.BATCH, task_id),
        _button("Lembar Excel", Action.SHEET, task_id),
    ]


def batch_keyboard(task_id: int, count: int, *, concerned: bool) -> InlineKeyboardMarkup:
    """Under the echo of a batch: one confirmation for every figure, or start again."""
    label = f"Ya, semua benar, simpan ({count})" if concerned else f"Simpan semua ({count})"
    return InlineKeyboardMarkup(
        [
            [_button(label, Action.SAVE_BATCH, task_id)],
            [
                _button("Ulangi", Action.RETYPE_BATCH, task_id),
                _button("Ringkasan", Action.SUMMARY, task_id),
            ],
        ]
    )


def batch_ask_keyboard(task_id: int) -> InlineKeyboardMarkup:
    """Under the numbered list: the sheet instead, or one at a time."""
    return InlineKeyboardMarkup(
        [
            [
                _button("Lembar Excel", Action.SHEET, task_id),
                _button("Satu per satu", Action.FILL, task_id),
            ]
        ]
    )
