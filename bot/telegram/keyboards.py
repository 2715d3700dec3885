"""Inline keyboards for tasks and reviews, as pure functions of what they show."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.sop import StepKind
from bot.engine import InputLine, TaskView
from bot.telegram.callbacks import Action, Callback
from bot.telegram.input_keyboards import bulk_buttons


def button(
    text: str, action: Action, task_id: int, argument: int | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=Callback(action, task_id, argument).encode())


def open_buttons(views: Iterable[TaskView]) -> InlineKeyboardMarkup | None:
    """One "Buka" button per task in a /tugas list or a notice."""
    rows = [
        [button(f"Buka {i}: langkah {v.step_no} — {v.unit_name}"[:60], Action.OPEN, v.task_id)]
        for i, v in enumerate(views, start=1)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def open_task(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button("Buka tugas", Action.OPEN, task_id)]])


def card_actions(view: TaskView, evidence: int = 0) -> InlineKeyboardMarkup:
    """What can be done on the task card, by the kind of step; "Uraian lengkap" when the
    card shows a short title instead of the step's whole uraian, and "Lihat bukti dukung"
    when the card shows figures with files behind them (issue 16)."""
    rows = [list(row) for row in _card_actions(view).inline_keyboard]
    extra = []
    if evidence and (view.kind is StepKind.REVIEW or view.shows_figures):
        extra.append(button(f"Lihat bukti dukung ({evidence})", Action.PROOF, view.task_id))
    if view.title and view.title != view.uraian:
        extra.append(button("Uraian lengkap", Action.URAIAN, view.task_id))
    return InlineKeyboardMarkup([*rows, extra] if extra else rows)


def _card_actions(view: TaskView) -> InlineKeyboardMarkup:
    if view.kind is StepKind.QUESTION:
        return InlineKeyboardMarkup(
            [[button("YA", Action.YES, view.task_id), button("TIDAK", Action.NO, view.task_id)]]
        )
    if view.kind is StepKind.REVIEW:
        return InlineKeyboardMarkup(
            [
                [
                    button(
                        "Verifikasi" if view.verifies else "Setujui", Action.APPROVE, view.task_id
                    ),
                    button("Kembalikan", Action.RETURN, view.task_id),
                ]
            ]
        )
    if view.kind is StepKind.INDICATOR_INPUT or view.reason:
        return InlineKeyboardMarkup(
            [
                [button("Isi data", Action.FILL, view.task_id)],
                bulk_buttons(view.task_id),  # issue 16: many figures at once
                [
                    button("Ringkasan", Action.SUMMARY, view.task_id),
                    button("Ajukan", Action.SUBMIT, view.task_id),
                ],
            ]
        )
    return InlineKeyboardMarkup([[button("Selesai", Action.DONE, view.task_id)]])


def return_ticks(
    task_id: int, lines: Sequence[InputLine], ticked: set[int]
) -> InlineKeyboardMarkup:
    """Tick the indicators to correct; the reason is typed as a message. Telegram takes
    100 buttons at most: a longer card ticks among its first 100 (the reason names others)."""
    rows = [
        [
            button(
                f"{'☑' if line.indicator_id in ticked else '☐'} {line.code} {line.name}"[:60],
                Action.TICK,
                task_id,
                line.indicator_id,
            )
        ]
        for line in lines[:100]
    ]
    return InlineKeyboardMarkup(rows)
