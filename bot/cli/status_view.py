"""Run status for the terminal: a table per run, or one short line per current step.

Kept apart from the commands so ``start``, ``status`` and every ``task``
action that moves a run describe it in the same words.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cli.db import unit_of_work
from bot.cli.engine_support import local
from bot.cli.sop import render_table
from bot.engine.status import CurrentWork, RunStatus, run_status
from bot.engine.timeliness import runs_timeliness

_COLUMNS = ["TUGAS", "URAIAN", "PELAKSANA", "PEMEGANG", "STATUS", "BATAS WAKTU"]
_WIDTHS = [10, 26, 24, 18, 16, 25]
"""With two spaces between columns the table is 129 characters wide."""
NOBODY = "(belum ada pemegang peran)"


def statuses(
    organisation_id: int, period: str | None, unit_id: int | None, now: datetime
) -> list[RunStatus]:
    """``run_status`` in its own read-only unit of work."""
    with unit_of_work() as uow:
        return run_status(
            uow, organisation_id=organisation_id, period=period, unit_id=unit_id, now=now
        )


def render_status(found: Sequence[RunStatus], zone: ZoneInfo) -> Iterator[str]:
    """Per run a heading line, then its current work as a table."""
    for status in found:
        yield ""
        yield (
            f"Pelaksanaan {status.run_id}: {status.sop_name} ({status.sop_id}), "
            f"{status.period_label}, {status.scope_name}; {status.state}, "
            f"dimulai {local(status.started_at, zone)}"
        )
        if status.finished_at is not None:
            reason = f" ({status.cancel_reason})" if status.cancel_reason else ""
            yield f"  {status.state.capitalize()} {local(status.finished_at, zone)}{reason}."
        if not status.work:
            if status.state == "berjalan":
                yield "  Tidak ada langkah terbuka."
            continue
        rows = [_row(work, zone) for work in status.work]
        yield from render_table(_COLUMNS, rows, _WIDTHS)
        late = sum(1 for work in status.work if work.late)
        if late:
            yield f"  {late} langkah melewati batas waktu."


def timeliness_lines(organisation_id: int, found: Sequence[RunStatus]) -> Iterator[str]:
    """Per run: how many units' data is complete and on time, and the quarters before."""
    wanted = [(status.run_id, status.sop_id, status.period) for status in found]
    with unit_of_work() as uow:
        board = runs_timeliness(uow, organisation_id, wanted)
    for status in found:
        item = board.get(status.run_id)
        if item is None or (item.current is None and not item.earlier):
            continue
        yield ""
        if item.current is not None:
            yield f"Pelaksanaan {status.run_id} ({status.period_label}): {item.current.text}."
        if item.earlier:
            yield f"  Sebelumnya: {item.earlier_text}."


def work_lines(status: RunStatus, zone: ZoneInfo) -> Iterator[str]:
    """One line per current step: who must act now, and by when."""
    if not status.work:
        yield f"Pelaksanaan {status.run_id} {status.state}."
    for work in status.work:
        if work.waiting_codes:
            yield (
                f"  Langkah {work.step_no} ({work.role_name}) menunggu unit "
                f"{', '.join(work.waiting_codes)}; perkiraan batas {local(work.due_at, zone)}"
            )
        else:
            yield (
                f"  Tugas {work.task_id}, langkah {work.step_no}, {work.unit_code}: "
                f"{work.role_name} {holders(work)}; batas {local(work.due_at, zone)}"
            )


def holders(work: CurrentWork) -> str:
    return ", ".join(work.holders) or NOBODY


def _row(work: CurrentWork, zone: ZoneInfo) -> list[str]:
    step = f"#{work.task_id}\nlangkah {work.step_no}"
    if work.round > 1:
        step += f"\nputaran {work.round}"
    state = work.state
    if work.waiting_codes:
        state += ": " + ", ".join(work.waiting_codes)
    if work.reason:
        state += f"\ndikembalikan: {work.reason}"
    due = local(work.due_at, zone)
    due += f"\n{work.lateness.upper()}" if work.lateness else f"\n{work.time_left or ''}"
    return [
        step,
        work.uraian,
        f"{work.role_name}\n{work.unit_name} ({work.unit_code})",
        holders(work),
        state,
        due.rstrip(),
    ]
