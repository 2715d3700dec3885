"""Mermaid state diagrams drawn from the transition table (``python -m bot.conversation``).

One diagram per flow: the guided input (``handlers/input.mmd``), the review
(``handlers/review.mmd``) and the question step (``handlers/question.mmd``).
Transitions the table repeats from every input question (the summary's
buttons) are drawn once, from ``idle``, marked "(from any question)". Each
edge reads ``what happened [guard] / effects``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from bot.conversation.state import ADMIN_MODES, BATCH_MODES, INPUT_MODES, Mode
from bot.conversation.table import TABLE, Event, Transition

REVIEW_EVENTS = frozenset({Event.APPROVE, Event.RETURN, Event.TICK, Event.REASON_TYPED})
QUESTION_EVENTS = frozenset({Event.ANSWER})
BULK_EVENTS = frozenset(
    {Event.BATCH, Event.BATCH_TYPED, Event.SHEET, Event.SHEET_SENT, Event.SAVE_BATCH}
)
# issue 19: the admin's menu
ADMIN_EVENTS = frozenset(
    {
        Event.ADMIN_MENU,
        Event.INVITE_UNIT,
        Event.INVITE_ROLE,
        Event.INVITE_PERSON,
        Event.REISSUE,
        Event.UPLOAD,
        Event.SAVE_UPLOAD,
        Event.DISCARD_UPLOAD,
        Event.RUN_SOP,
        Event.RUN_PERIOD,
        Event.REOPEN_RUN,
        Event.REOPEN_UNIT,
    }
)

FLOWS: dict[str, tuple[str, frozenset[Mode], frozenset[Event]]] = {
    "input.mmd": (
        "The guided indicator input (handlers/input*.py, bot/services/input.py).",
        frozenset({Mode.IDLE, *INPUT_MODES}),
        frozenset(Event) - REVIEW_EVENTS - QUESTION_EVENTS - BULK_EVENTS - ADMIN_EVENTS,
    ),
    "bulk.mmd": (
        "Many figures at once: one message or the Excel sheet (handlers/bulk*.py, "
        "bot/services/batch_input.py).",
        frozenset({Mode.IDLE, Mode.VALUE, Mode.CONFIRM, *BATCH_MODES}),
        BULK_EVENTS | {Event.RETYPE, Event.SUMMARY, Event.CANCEL},
    ),
    "review.mmd": (
        "A review card (handlers/task_card.py, handlers/review.py, bot/services/review.py).",
        frozenset({Mode.IDLE, Mode.REVIEW_REASON}),
        REVIEW_EVENTS | {Event.CANCEL},
    ),
    "question.mmd": (
        "A question step's card (handlers/question.py, bot/services/review.py).",
        frozenset({Mode.IDLE}),
        QUESTION_EVENTS,
    ),
    # issue 19
    "admin.mmd": (
        "The admin's menu (handlers/admin.py, bot/services/admin*.py).",
        frozenset({Mode.IDLE, *ADMIN_MODES}),
        ADMIN_EVENTS | {Event.TEXT_TYPED, Event.FILE_SENT, Event.CANCEL},
    ),
}
ANYWHERE: dict[str, frozenset[Mode]] = {"admin.mmd": frozenset({Mode.IDLE, *ADMIN_MODES})}
"""Per flow, the modes a transition drawn once "(from anywhere)" comes from."""

HEADER = (
    "%% GENERATED from bot/conversation/table.py by `python -m bot.conversation`; do not edit.\n"
    "%% A position is kept per task (chat_states), so a restart, or a review in between,\n"
    "%% resumes here. idle: the task's conversation waits on nothing.\n"
)


def _label(t: Transition, anywhere: bool, where: str = "any question") -> str:
    words = t.label or t.event.value
    if t.guard is not None:
        words += f" [{t.guard.__name__}]"
    if t.effects:
        words += " / " + ", ".join(e.value for e in t.effects)
    if anywhere:
        words += f" (from {where})"
    return words


def mermaid(name: str) -> str:
    title, modes, events = FLOWS[name]
    lines = [f"%% {title}", HEADER.rstrip("\n"), "stateDiagram-v2", "    [*] --> idle"]
    # Transitions identical but for their source, taken from every input mode and idle.
    groups: dict[tuple, list[Transition]] = defaultdict(list)
    for t in TABLE:
        if t.source in modes and t.event in events:
            groups[(t.event, t.target, t.effects, t.guard, t.label)].append(t)
    everywhere = ANYWHERE.get(name, frozenset({Mode.IDLE, *INPUT_MODES}))
    for group in groups.values():
        sources = {t.source for t in group}
        anywhere = len(modes) > 2 and sources in (everywhere, modes)
        drawn = [group[0]] if anywhere else group
        for t in drawn:
            source = Mode.IDLE if anywhere else t.source
            target = source if t.target is None else t.target
            where = "anywhere in the menu" if name in ANYWHERE else "any question"
            lines.append(f"    {source.value} --> {target.value}: {_label(t, anywhere, where)}")
    return "\n".join(lines) + "\n"


def write(directory: Path) -> list[Path]:
    written = []
    for name in FLOWS:
        path = directory / name
        path.write_text(mermaid(name), encoding="utf-8")
        written.append(path)
    return written


def stale(directory: Path) -> list[str]:
    """Names of committed diagrams that differ from the table."""
    return [
        name
        for name in FLOWS
        if not (directory / name).exists()
        or (directory / name).read_text(encoding="utf-8") != mermaid(name)
    ]
