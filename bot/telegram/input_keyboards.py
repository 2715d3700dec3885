"""Inline keyboards of the indicator input conversation (pure: data in, markup out)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.enums import MeasurementState
from bot.engine.inputs import InputLine
from bot.engine.plausibility import lacks_kendala
from bot.services.turn import Saved
from bot.telegram.callbacks import Action, Callback

LABEL_LIMIT = 40


def _button(
    text: str, action: Action, task_id: int, argument: int | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=Callback(action, task_id, argument).encode())


def fill_keyboard(task_id: int) -> InlineKeyboardMarkup:
    """The entry point: "Isi data indikator" on a task card."""
    return InlineKeyboardMarkup([[_button("Isi data indikator", Action.FILL, task_id)]])


def value_keyboard(
    task_id: int, indicator_id: int, noted: Saved | None = None
) -> InlineKeyboardMarkup:
    """Under the value question: no data yet, or straight to the summary; after a value was
    saved, "Tambah catatan" for it (issue 16: notes only when asked for or required)."""
    return InlineKeyboardMarkup(
        [
            [_button("Belum ada data", Action.NO_DATA, task_id, indicator_id)],
            bulk_buttons(task_id),
            *_note_row(task_id, noted),
            [_button("Ringkasan", Action.SUMMARY, task_id)],
        ]
    )


def _note_row(task_id: int, noted: Saved | None) -> list[list[InlineKeyboardButton]]:
    if noted is None:
        return []
    label = _shortened(f"Tambah catatan {noted.code}")
    return [[_button(label, Action.NOTE, task_id, noted.indicator_id)]]


def _shortened(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def evidence_keyboard(task_id: int, indicator_id: int, noted: Saved | None) -> InlineKeyboardMarkup:
    """Under the task's evidence question: "Selesai" (with or without files)."""
    return InlineKeyboardMarkup(
        [*_note_row(task_id, noted), [_button("Selesai", Action.SKIP, task_id, indicator_id)]]
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


EDIT_BUTTONS = 96
"""Telegram takes at most 100 buttons in one keyboard: "Kirim", "Bukti dukung",
"Tambah catatan" and room to spare."""


def summary_keyboard(
    task_id: int, lines: Sequence[InputLine], *, can_submit: bool, noted: Saved | None = None
) -> InlineKeyboardMarkup:
    """One edit button per editable indicator (two per row), then submit.

    Beyond Telegram's 100 buttons (a unit with more indicators), the indicators that
    still need something (no value, kendala missing, sent back) get theirs first.
    """
    editable = [line for line in lines if line.editable]
    if len(editable) > EDIT_BUTTONS:
        needy = [line for line in editable if _needs_attention(line)]
        rest = [line for line in editable if not _needs_attention(line)]
        kept = {line.indicator_id for line in [*needy, *rest][:EDIT_BUTTONS]}
        editable = [line for line in editable if line.indicator_id in kept]  # sheet order
    buttons = [
        _button(_label("Ubah", line), Action.EDIT, task_id, line.indicator_id) for line in editable
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if can_submit:
        rows += _note_row(task_id, noted)
        rows.append(
            [
                _button("Bukti dukung", Action.EVIDENCE, task_id),
                _button("Kirim", Action.SUBMIT, task_id),
            ]
        )
    return InlineKeyboardMarkup(rows)


def _needs_attention(line: InputLine) -> bool:
    return not line.filled or lacks_kendala(line) or line.state is MeasurementState.RETURNED


def missing_keyboard(task_id: int, lines: Sequence[InputLine]) -> InlineKeyboardMarkup:
    """After a refused submit: a button to fill each missing indicator."""
    rows = [
        [_button(_label("Isi", line), Action.EDIT, task_id, line.indicator_id)]
        for line in lines[: EDIT_BUTTONS + 2]
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
