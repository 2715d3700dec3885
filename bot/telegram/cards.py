"""The text of a task card, built from the engine's views (no Telegram objects)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.lateness import format_lateness
from bot.domain.locale_id import format_datetime_id
from bot.domain.numbers import format_number, format_percent
from bot.engine import InputLine, TaskView


def task_context(view: TaskView) -> dict[str, Any]:
    return {
        "task_id": view.task_id,
        "sop_name": view.sop_name,
        "period_label": view.period_label,
        "step_no": view.step_no,
        "uraian": view.uraian,
        "title": view.title or view.uraian,
        "kind": view.kind.value,
        "role_name": view.role_name,
        "unit_name": view.unit_name,
        "due": format_datetime_id(view.due_at) if view.due_at else "-",
        "late": format_lateness(view.late_by, view.day_minutes)
        if view.late_by is not None
        else None,
        "round": view.round,
        "reason": view.reason,
        "question": view.question,
        "shows_figures": view.shows_figures,
    }


def line_context(line: InputLine) -> dict[str, Any]:
    def amount(value: object) -> str:
        if value is None:
            return "-"
        return f"{format_number(value, line.precision)} {line.satuan}".strip()  # type: ignore[arg-type]

    return {
        "code": line.code,
        "name": line.name,
        "satuan": line.satuan,
        "target": amount(line.target),
        "value": "belum ada data" if line.no_data else amount(line.value),
        "no_data_reason": line.no_data_reason,
        "capaian": format_percent(line.capaian.rounded(2))
        if line.capaian.value is not None
        else None,
        "capaian_reason": line.capaian.reason,
        "category": line.category,
        "kendala": line.kendala,
        "tindak_lanjut": line.tindak_lanjut,
        "filled": line.filled,
        "editable": line.editable,
        "evidence": len(line.evidence),
        "state": line.state_text,
    }


def card_context(view: TaskView, lines: Sequence[InputLine], evidence: int = 0) -> dict[str, Any]:
    """``evidence``: the files sent for the unit's input (issue 16), shown to reviewers."""
    return {
        "task": task_context(view),
        "lines": [line_context(line) for line in lines],
        "filled": sum(1 for line in lines if line.filled),
        "evidence": evidence,
    }


def actor_text(view: TaskView, name: str) -> str:
    """Who did it, as the card says afterwards: ``Plh. Kabid <nama>`` when acting for the role."""
    return f"{view.acting_as} {name}" if view.acting_as else name
