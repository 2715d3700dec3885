"""What changed since a reviewer last looked (issue 16): the re-review notice names it.

A review task of round N > 1 follows a return: the reviewer decided round N-1 at
its ``finished_at``. The indicators whose value (or no-data reason) differs now
from what was current at that moment are what changed; notes alone do not count
as a changed value but are named too, so the reviewer knows where to look.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.domain.numbers import format_number
from bot.engine.context import RunContext
from bot.engine.inputs import task_indicators
from bot.persistence.models import Indicator, Measurement, Task
from bot.persistence.uow import SqlAlchemyUnitOfWork


def previous_round(uow: SqlAlchemyUnitOfWork, task: Task) -> Task | None:
    """The same step, role and branch one round earlier (finished), if any."""
    if task.round <= 1:
        return None
    for other in uow.work.tasks_of_run(task.run_id):
        same = (other.step_no, other.role_key, other.branch_id) == (
            task.step_no,
            task.role_key,
            task.branch_id,
        )
        if same and other.round == task.round - 1 and other.finished_at is not None:
            return other
    return None


def changed_since(
    uow: SqlAlchemyUnitOfWork, ctx: RunContext, task: Task, since: datetime
) -> list[dict[str, Any]]:
    """One entry per indicator of ``task`` whose figure or notes changed after ``since``."""
    period = str(ctx.period)
    found = []
    for indicator in task_indicators(uow, ctx, task):
        history = uow.work.measurement_history(indicator.id, period)
        before = _as_of(history, since)
        now = history[-1] if history else None
        if now is None or now is before:
            continue
        entry = _change(indicator, before, now)
        if entry is not None:
            found.append(entry)
    return found


def _as_of(history: Sequence[Measurement], moment: datetime) -> Measurement | None:
    kept = [m for m in history if _aware(m.entered_at) <= _aware(moment)]
    return kept[-1] if kept else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _figure(indicator: Indicator, row: Measurement | None) -> str:
    if row is None:
        return "kosong"
    if row.value is not None:
        # As typed: no trailing decimal zeros ("82,5", not "82,50").
        exponent = row.value.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return format_number(row.value, min(places, indicator.precision))
    return "belum ada data"


def _change(
    indicator: Indicator, before: Measurement | None, now: Measurement
) -> dict[str, Any] | None:
    value_changed = before is None or (before.value, before.no_data_reason) != (
        now.value,
        now.no_data_reason,
    )
    notes_changed = before is not None and (before.kendala, before.tindak_lanjut) != (
        now.kendala,
        now.tindak_lanjut,
    )
    if not (value_changed or notes_changed):
        return None
    return {
        "code": indicator.code,
        "before": _figure(indicator, before),
        "after": _figure(indicator, now),
        "value_changed": value_changed,
        "notes_changed": notes_changed,
    }
