"""Callback data for inline buttons: a small codec, never ``split()`` by hand elsewhere.

``<action>:<task id>[:<argument>]`` fits Telegram's 64 bytes with room to
spare. The data is not trusted: every press is checked against the engine
(the task's state and who holds it) before anything changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    OPEN = "o"  # show the task card
    DONE = "d"  # finish a plain task
    FILL = "f"  # start (or continue) entering values
    EDIT = "e"  # enter one indicator again (argument: indicator id)
    NO_DATA = "n"  # "belum ada data" for the current indicator
    CONFIRM = "c"  # the echoed value is right: save it
    RETYPE = "r"  # the echoed value is wrong: type again
    SKIP = "s"  # skip an optional question (kendala, tindak lanjut, bukti)
    SUMMARY = "m"  # show the summary with an edit button per indicator
    SUBMIT = "u"  # submit the input step
    APPROVE = "a"  # YA
    RETURN = "k"  # TIDAK: ask for the reason
    TICK = "t"  # mark an indicator to correct (argument: indicator id)
    YES = "y"  # a question step answered YA (approves nothing)
    NO = "x"  # a question step answered TIDAK
    # issue 16: many figures at once
    BATCH = "b"  # "Isi sekaligus": the numbered list; the next message carries the figures
    SHEET = "h"  # "Lembar Excel": the input sheet as an .xlsx document
    SAVE_BATCH = "g"  # "Simpan semua": save every figure read, in one confirmation
    RETYPE_BATCH = "v"  # "Ulangi": drop the figures read, the list again
    URAIAN = "i"  # issue 16: the step's full uraian (cards show a short title)
    NOTE = "j"  # issue 16: "Tambah catatan" for an indicator (argument: indicator id)
    EVIDENCE = "z"  # issue 16: the task's evidence question, from the summary
    PROOF = "w"  # issue 16: send the unit's evidence files to whoever holds the card
    # /laporan: the number is a report choice (bot.services.report_menu), not a task id
    REPORT_SOP = "l"  # an SOP chosen: ask for the period
    REPORT_PERIOD = "p"  # a period chosen: ask for the unit
    REPORT_UNIT = "q"  # a unit chosen (argument: unit id, 0 = every unit): send the files


# Every lower-case letter is taken by now; the next button needs a second letter or a prefix
# of its own, as the admin menu has (``bot.telegram.admin_callbacks``).
_PATTERN = re.compile(r"^([a-z]):(\d{1,12})(?::(\d{1,12}))?$")


@dataclass(frozen=True)
class Callback:
    action: Action
    task_id: int
    argument: int | None = None

    def encode(self) -> str:
        data = f"{self.action.value}:{self.task_id}"
        return data if self.argument is None else f"{data}:{self.argument}"


def decode(data: str | None) -> Callback | None:
    """The button pressed, or None for data this bot never made (old or forged)."""
    match = _PATTERN.match(data or "")
    if match is None:
        return None
    try:
        action = Action(match[1])
    except ValueError:
        return None
    argument = int(match[3]) if match[3] is not None else None
    return Callback(action, int(match[2]), argument)


def pattern(*actions: Action) -> str:
    """A CallbackQueryHandler pattern for these actions."""
    return "^[" + "".join(a.value for a in actions) + "]:"
