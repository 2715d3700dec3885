"""The conversation as a table: ``(mode, event) -> (effects, next mode)``, with named guards.

Pure data and small functions: no Telegram, no database. The services ask
``step`` which transition an event takes from a position, perform its effects
in one unit of work, and store the position of the next mode; the handlers
render what was done. ``python -m bot.conversation`` draws the table as the
Mermaid diagrams beside the handlers (``handlers/*.mmd``).

A guard reads ``Facts``: what the service found out while handling the event
(was the typed number understood, did the engine save it, is a question
required, is another indicator still empty...). The first transition whose
guard holds is taken; no transition means the event does not belong to the
position (an old button), and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.conversation.state import ADMIN_MODES, BATCH_MODES, INPUT_MODES, Mode


class Event(StrEnum):
    FILL = "fill"
    """ "Isi data": the first indicator still without a value."""
    EDIT = "edit"
    """ "Ubah KODE" on the summary: that indicator again."""
    SUMMARY = "summary"
    SUBMIT = "submit"
    VALUE_TYPED = "value_typed"
    NO_DATA = "no_data"
    CONFIRM = "confirm"
    RETYPE = "retype"
    TEXT_TYPED = "text_typed"
    """A kendala, tindak lanjut or no-data reason (or text where a file is awaited)."""
    SKIP = "skip"
    FILE_SENT = "file_sent"
    REFUSED = "refused"
    """The engine refused (task done elsewhere, role lost): the position ends, drafts stay."""
    CANCEL = "cancel"
    APPROVE = "approve"
    RETURN = "return"
    TICK = "tick"
    REASON_TYPED = "reason_typed"
    ANSWER = "answer"
    """ "YA" / "TIDAK" on a question step's card (``kind: question``): approves nothing."""
    # issue 16: many figures at once
    BATCH = "batch"
    """ "Isi sekaligus": ask for several figures in one message."""
    BATCH_TYPED = "batch_typed"
    """A message naming several figures (by code or by the sheet's number)."""
    SHEET = "sheet"
    """ "Lembar Excel": the unit's input sheet as an .xlsx document."""
    SHEET_SENT = "sheet_sent"
    """The input sheet sent back, filled in."""
    SAVE_BATCH = "save_batch"
    """ "Simpan semua": the one confirmation of every figure read."""
    # issue 19: the admin's menu (/admin)
    ADMIN_MENU = "admin_menu"
    INVITE_UNIT = "invite_unit"
    INVITE_ROLE = "invite_role"
    INVITE_PERSON = "invite_person"
    REISSUE = "reissue"
    UPLOAD = "upload"
    SAVE_UPLOAD = "save_upload"
    DISCARD_UPLOAD = "discard_upload"
    RUN_SOP = "run_sop"
    RUN_PERIOD = "run_period"
    REOPEN_RUN = "reopen_run"
    REOPEN_UNIT = "reopen_unit"
    # issue 16: notes only where they matter, evidence once per task
    NOTE = "note"
    """ "Tambah catatan": kendala and tindak lanjut for an indicator that does not need them."""
    EVIDENCE = "evidence"
    """ "Bukti dukung" on the summary: the task's evidence question."""


class Effect(StrEnum):
    """What a transition does besides moving; services perform them, handlers show them."""

    ASK_VALUE = "ask_value"
    ASK_VALUE_AGAIN = "ask_value_again"
    ECHO = "echo"
    SAVE_VALUE = "save_value"
    ASK_NO_DATA = "ask_no_data"
    SAVE_NO_DATA = "save_no_data"
    ASK_KENDALA = "ask_kendala"
    SAVE_KENDALA = "save_kendala"
    ASK_TINDAK_LANJUT = "ask_tindak_lanjut"
    SAVE_TINDAK_LANJUT = "save_tindak_lanjut"
    ASK_EVIDENCE = "ask_evidence"
    SAVE_EVIDENCE = "save_evidence"
    ASK_AGAIN = "ask_again"
    FILE_NOT_NOW = "file_not_now"
    SHOW_SUMMARY = "show_summary"
    SHOW_GAPS = "show_gaps"
    COMPLETE_TASK = "complete_task"
    DECIDE_APPROVE = "decide_approve"
    DECIDE_RETURN = "decide_return"
    ASK_REASON = "ask_reason"
    TOGGLE_TICK = "toggle_tick"
    ANSWER_QUESTION = "answer_question"
    """The question step answered: the run takes the YA or TIDAK branch."""
    TELL_REFUSAL = "tell_refusal"
    TELL_CANCELLED = "tell_cancelled"
    NOTIFY = "notify"
    """Outbox events of the engine's change go out after the commit."""
    # issue 16: many figures at once
    ASK_BATCH = "ask_batch"
    ECHO_BATCH = "echo_batch"
    """What was read (and what not, and what is still empty), with one "Simpan semua"."""
    SAVE_BATCH = "save_batch"
    SEND_SHEET = "send_sheet"
    REFUSE_SHEET = "refuse_sheet"
    """A stale sheet or one with problems: the reason, nothing kept."""
    # issue 19: the admin's menu (/admin)
    SHOW_MENU = "show_menu"
    ASK_ROLE = "ask_role"
    ASK_PERSON = "ask_person"
    MAKE_INVITE = "make_invite"
    REISSUE_INVITE = "reissue_invite"
    ASK_FILE = "ask_file"
    SHOW_CHANGES = "show_changes"
    """The file passed every check: what "Simpan" would change, the file kept until then."""
    SHOW_PROBLEMS = "show_problems"
    WRITE_UPLOAD = "write_upload"
    DISCARD = "discard"
    ASK_PERIOD = "ask_period"
    START_RUN = "start_run"
    ASK_REOPEN_UNIT = "ask_reopen_unit"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Facts:
    """What the service knows when it asks for the transition (all default to "no")."""

    understood: bool = False
    """The typed number passed every check."""
    saved: bool = False
    """The engine stored the change (no new plausibility concern, nothing refused)."""
    text_ok: bool = False
    """The typed note is usable (not empty, not too long)."""
    required: frozenset[str] = frozenset()
    """Questions the value below threshold makes required ("kendala", "tindak_lanjut")."""
    more_to_fill: bool = False
    """Another indicator still needs a value (and this is not a single edit)."""
    editable: bool = False
    """The indicator can still change on this task."""
    complete: bool = False
    """Every indicator has a value or a reason, and kendala where required."""
    is_review: bool = False
    is_question: bool = False
    """The card's step is a question (``kind: question``), answered YA or TIDAK."""
    already_processed: bool = False
    """The engine said the task was decided already (a double press, another reviewer)."""
    evidence_due: bool = False
    """Issue 16: the last indicator is done in a pass through the task (not a single edit):
    the task's evidence is asked, once."""


NO_FACTS = Facts()
Guard = Callable[[Facts], bool]


def guard(name: str) -> Callable[[Guard], Guard]:
    def named(function: Guard) -> Guard:
        function.__name__ = name
        return function

    return named


@guard("understood")
def understood(f: Facts) -> bool:
    return f.understood


@guard("not understood")
def not_understood(f: Facts) -> bool:
    return not f.understood


@guard("saved")
def saved(f: Facts) -> bool:
    return f.saved


@guard("needs confirmation")
def needs_confirmation(f: Facts) -> bool:
    return not f.saved


@guard("text ok")
def text_ok(f: Facts) -> bool:
    return f.text_ok


@guard("text refused")
def text_refused(f: Facts) -> bool:
    return not f.text_ok


@guard("kendala optional")
def kendala_optional(f: Facts) -> bool:
    return "kendala" not in f.required


@guard("tindak lanjut optional")
def tindak_lanjut_optional(f: Facts) -> bool:
    return "tindak_lanjut" not in f.required


@guard("more to fill")
def more_to_fill(f: Facts) -> bool:
    return f.more_to_fill


@guard("all filled")
def all_filled(f: Facts) -> bool:
    return not f.more_to_fill


@guard("editable")
def editable(f: Facts) -> bool:
    return f.editable


@guard("complete")
def complete(f: Facts) -> bool:
    return f.complete


@guard("incomplete")
def incomplete(f: Facts) -> bool:
    return not f.complete


@guard("a review step")
def is_review(f: Facts) -> bool:
    return f.is_review


@guard("a question step")
def is_question(f: Facts) -> bool:
    return f.is_question


@guard("already processed")
def already_processed(f: Facts) -> bool:
    return f.already_processed


@guard("refused, may retry")
def may_retry(f: Facts) -> bool:
    return not f.saved and not f.already_processed


# issue 19: the admin's menu
@guard("written")
def written(f: Facts) -> bool:
    return f.saved


@guard("refused")
def refused(f: Facts) -> bool:
    return not f.saved


# issue 16: notes only where they matter, evidence once per task ---------------------------
def both(first: Guard, second: Guard) -> Guard:
    """A guard holding when both hold, named after them for the diagram."""

    @guard(f"{first.__name__}, {second.__name__}")
    def combined(f: Facts) -> bool:
        return first(f) and second(f)

    return combined


@guard("notes required")
def notes_required(f: Facts) -> bool:
    return bool(f.required)


@guard("evidence next")
def evidence_next(f: Facts) -> bool:
    return not f.more_to_fill and f.evidence_due


@guard("all done")
def all_done(f: Facts) -> bool:
    return not f.more_to_fill and not f.evidence_due


def _onwards(source: Mode, event: Event, first: Guard, *effects: Effect, label: str) -> list:
    """After an indicator is done: the next empty one, the task's evidence, or the summary."""
    return (
        _t(
            source,
            event,
            Mode.VALUE,
            *effects,
            X.ASK_VALUE,
            when=both(first, more_to_fill),
            label=label,
        )
        + _t(
            source,
            event,
            Mode.EVIDENCE,
            *effects,
            X.ASK_EVIDENCE,
            when=both(first, evidence_next),
            label=label,
        )
        + _t(
            source,
            event,
            Mode.IDLE,
            *effects,
            X.SHOW_SUMMARY,
            when=both(first, all_done),
            label=label,
        )
    )


STAY = None
"""A transition's ``target``: the position keeps its mode (its fields may change)."""


@dataclass(frozen=True)
class Transition:
    source: Mode
    event: Event
    target: Mode | None
    effects: tuple[Effect, ...]
    guard: Guard | None = None
    label: str = ""
    """The words the diagram shows (what the person did), else the event's name."""

    def allows(self, facts: Facts) -> bool:
        return self.guard is None or self.guard(facts)

    def to(self) -> Mode:
        return self.source if self.target is None else self.target


def _t(
    sources: Mode | Iterable[Mode],
    event: Event,
    target: Mode | None,
    *effects: Effect,
    when: Guard | None = None,
    label: str = "",
) -> list[Transition]:
    many = (sources,) if isinstance(sources, Mode) else tuple(sources)
    return [Transition(s, event, target, tuple(effects), when, label) for s in many]


def _admin_transitions() -> list[Transition]:
    """issue 19: the admin's menu. Its buttons start a choice from anywhere in the menu;
    a choice that needs more (a role, a person, a period, a reason, "Simpan") waits in
    the admin's slot of the chat, so a restart resumes it."""
    e, x, m = Event, Effect, Mode
    anywhere = (m.IDLE, *ADMIN_MODES)
    choosing = (m.ADMIN_INVITE_ROLE, m.ADMIN_INVITE_PERSON, m.ADMIN_RUN_PERIOD, m.ADMIN_REOPEN_UNIT)
    return (
        _t(anywhere, e.ADMIN_MENU, m.IDLE, x.SHOW_MENU, label="/admin")
        + _t(anywhere, e.INVITE_UNIT, m.ADMIN_INVITE_ROLE, x.ASK_ROLE, label="unit chosen")
        + _t(m.ADMIN_INVITE_ROLE, e.INVITE_ROLE, m.ADMIN_INVITE_PERSON, x.ASK_PERSON, label="role")
        + _t(
            m.ADMIN_INVITE_PERSON,
            e.INVITE_PERSON,
            m.IDLE,
            x.MAKE_INVITE,
            when=written,
            label="person chosen",
        )
        + _t(
            m.ADMIN_INVITE_PERSON,
            e.INVITE_PERSON,
            m.ADMIN_INVITE_PERSON,
            x.TELL_REFUSAL,
            when=refused,
            label="person chosen",
        )
        + _t(anywhere, e.REISSUE, STAY, x.REISSUE_INVITE, label='"Kirim ulang"')
        + _t(anywhere, e.UPLOAD, m.ADMIN_AWAIT_FILE, x.ASK_FILE, label='"Unggah ..."')
        + _t(
            m.ADMIN_AWAIT_FILE,
            e.FILE_SENT,
            m.ADMIN_UPLOAD_REVIEW,
            x.SHOW_CHANGES,
            when=understood,
            label="file checked",
        )
        + _t(
            m.ADMIN_AWAIT_FILE,
            e.FILE_SENT,
            STAY,
            x.SHOW_PROBLEMS,
            when=not_understood,
            label="file with problems",
        )
        + _t(m.ADMIN_AWAIT_FILE, e.TEXT_TYPED, STAY, x.ASK_FILE, label="text instead of a file")
        + _t(
            m.ADMIN_UPLOAD_REVIEW,
            e.SAVE_UPLOAD,
            m.IDLE,
            x.WRITE_UPLOAD,
            when=written,
            label='"Simpan"',
        )
        + _t(
            m.ADMIN_UPLOAD_REVIEW,
            e.SAVE_UPLOAD,
            m.IDLE,
            x.SHOW_PROBLEMS,
            x.DISCARD,
            when=refused,
            label='"Simpan" (data changed meanwhile)',
        )
        + _t(m.ADMIN_UPLOAD_REVIEW, e.DISCARD_UPLOAD, m.IDLE, x.DISCARD, label='"Batal"')
        + _t(anywhere, e.RUN_SOP, m.ADMIN_RUN_PERIOD, x.ASK_PERIOD, label="SOP chosen")
        + _t(
            m.ADMIN_RUN_PERIOD,
            e.RUN_PERIOD,
            m.IDLE,
            x.START_RUN,
            x.NOTIFY,
            when=written,
            label="period chosen",
        )
        + _t(
            m.ADMIN_RUN_PERIOD,
            e.RUN_PERIOD,
            m.IDLE,
            x.TELL_REFUSAL,
            when=refused,
            label="period chosen",
        )
        + _t(anywhere, e.REOPEN_RUN, m.ADMIN_REOPEN_UNIT, x.ASK_REOPEN_UNIT, label="run chosen")
        + _t(
            m.ADMIN_REOPEN_UNIT,
            e.REOPEN_UNIT,
            m.ADMIN_REOPEN_REASON,
            x.ASK_REASON,
            label="unit chosen",
        )
        + _t(
            m.ADMIN_REOPEN_REASON,
            e.TEXT_TYPED,
            m.IDLE,
            x.REOPEN,
            x.NOTIFY,
            when=written,
            label="reason typed",
        )
        + _t(
            m.ADMIN_REOPEN_REASON,
            e.TEXT_TYPED,
            STAY,
            x.TELL_REFUSAL,
            when=refused,
            label="reason refused",
        )
        + _t(
            choosing,
            e.TEXT_TYPED,
            STAY,
            x.ASK_AGAIN,
            label="text instead of a button",
        )
        + _t(
            (*choosing, m.ADMIN_REOPEN_REASON, m.ADMIN_UPLOAD_REVIEW),
            e.FILE_SENT,
            STAY,
            x.FILE_NOT_NOW,
            label="a file now",
        )
        + _t(m.ADMIN_UPLOAD_REVIEW, e.TEXT_TYPED, STAY, x.SHOW_CHANGES, label="text")
        + _t(ADMIN_MODES, e.CANCEL, m.IDLE, x.TELL_CANCELLED, x.DISCARD, label="/batal")
    )


IDLE, VALUE, CONFIRM, NO_DATA = Mode.IDLE, Mode.VALUE, Mode.CONFIRM, Mode.NO_DATA
KENDALA, TINDAK_LANJUT, EVIDENCE = Mode.KENDALA, Mode.TINDAK_LANJUT, Mode.EVIDENCE
REASON = Mode.REVIEW_REASON
BATCH, BATCH_CONFIRM = Mode.BATCH, Mode.BATCH_CONFIRM
E, X = Event, Effect
INPUT_OR_IDLE = (IDLE, *INPUT_MODES)
ANY_INPUT = (*INPUT_OR_IDLE, *BATCH_MODES)

TABLE: tuple[Transition, ...] = tuple(
    # --- the buttons of the summary and the task card: from anywhere in the input
    _t(INPUT_OR_IDLE, E.FILL, VALUE, X.ASK_VALUE, when=more_to_fill, label='"Isi data"')
    + _t(INPUT_OR_IDLE, E.FILL, IDLE, X.SHOW_SUMMARY, when=all_filled, label='"Isi data"')
    + _t(INPUT_OR_IDLE, E.EDIT, VALUE, X.ASK_VALUE, when=editable, label='"Ubah KODE"')
    + _t(INPUT_OR_IDLE, E.SUMMARY, IDLE, X.SHOW_SUMMARY, label='"Ringkasan"')
    + _t(
        INPUT_OR_IDLE,
        E.SUBMIT,
        IDLE,
        X.COMPLETE_TASK,
        X.NOTIFY,
        when=complete,
        label='"Kirim"',
    )
    + _t(INPUT_OR_IDLE, E.SUBMIT, STAY, X.SHOW_GAPS, when=incomplete, label='"Kirim"')
    # --- one indicator: value, confirmation, notes, evidence
    + _t((VALUE, CONFIRM), E.VALUE_TYPED, CONFIRM, X.ECHO, when=understood, label="number typed")
    + _t(
        (VALUE, CONFIRM),
        E.VALUE_TYPED,
        VALUE,
        X.ASK_VALUE_AGAIN,
        when=not_understood,
        label="number typed",
    )
    + _t((VALUE, CONFIRM), E.NO_DATA, NO_DATA, X.ASK_NO_DATA, label='"Belum ada data"')
    + _t((VALUE, CONFIRM), E.RETYPE, VALUE, X.ASK_VALUE, label='"Ketik ulang"')
    + _t(CONFIRM, E.CONFIRM, STAY, X.ECHO, when=needs_confirmation, label='"Benar, simpan"')
    + _t(
        KENDALA,
        E.TEXT_TYPED,
        TINDAK_LANJUT,
        X.SAVE_KENDALA,
        X.ASK_TINDAK_LANJUT,
        when=text_ok,
        label="kendala typed",
    )
    + _t(
        (NO_DATA, KENDALA, TINDAK_LANJUT),
        E.TEXT_TYPED,
        STAY,
        X.ASK_AGAIN,
        when=text_refused,
        label="empty or too long",
    )
    + _t(EVIDENCE, E.TEXT_TYPED, STAY, X.ASK_EVIDENCE, label="text instead of a file")
    + _t(
        KENDALA,
        E.SKIP,
        TINDAK_LANJUT,
        X.ASK_TINDAK_LANJUT,
        when=kendala_optional,
        label='"Lewati"',
    )
    + _t(EVIDENCE, E.FILE_SENT, STAY, X.SAVE_EVIDENCE, X.ASK_EVIDENCE, label="photo / document")
    + _t(
        (VALUE, CONFIRM, NO_DATA, KENDALA, TINDAK_LANJUT),
        E.FILE_SENT,
        STAY,
        X.FILE_NOT_NOW,
        label="a file too early",
    )
    + _t(EVIDENCE, E.SKIP, VALUE, X.ASK_VALUE, when=more_to_fill, label='"Lewati" / "Lanjut"')
    + _t(EVIDENCE, E.SKIP, IDLE, X.SHOW_SUMMARY, when=all_filled, label='"Lewati" / "Lanjut"')
    + _t(INPUT_MODES, E.REFUSED, IDLE, X.TELL_REFUSAL, label="engine refuses")
    # --- a review card: approve at once, or return with ticks and a typed reason
    + _t(IDLE, E.APPROVE, IDLE, X.DECIDE_APPROVE, X.NOTIFY, label='"Setujui"')
    + _t((IDLE, REASON), E.RETURN, REASON, X.ASK_REASON, when=is_review, label='"Kembalikan"')
    + _t(REASON, E.TICK, STAY, X.TOGGLE_TICK, label="tick / untick an indicator")
    + _t(
        REASON,
        E.REASON_TYPED,
        IDLE,
        X.DECIDE_RETURN,
        X.NOTIFY,
        when=saved,
        label="reason typed",
    )
    + _t(
        REASON,
        E.REASON_TYPED,
        IDLE,
        X.TELL_REFUSAL,
        when=already_processed,
        label="decided elsewhere",
    )
    + _t(REASON, E.REASON_TYPED, STAY, X.TELL_REFUSAL, when=may_retry, label="reason refused")
    # --- a question card: YA or TIDAK with one press; nothing is approved or returned
    + _t(
        IDLE,
        E.ANSWER,
        IDLE,
        X.ANSWER_QUESTION,
        X.NOTIFY,
        when=is_question,
        label='"YA" / "TIDAK"',
    )
    # --- issue 16: notes only where they matter, evidence once per task
    + _t(
        CONFIRM,
        E.CONFIRM,
        KENDALA,
        X.SAVE_VALUE,
        X.ASK_KENDALA,
        when=both(saved, notes_required),
        label='"Benar, simpan"',
    )
    + _onwards(CONFIRM, E.CONFIRM, saved, X.SAVE_VALUE, label='"Benar, simpan"')
    + _onwards(NO_DATA, E.TEXT_TYPED, text_ok, X.SAVE_NO_DATA, label="reason typed")
    + _onwards(
        TINDAK_LANJUT, E.TEXT_TYPED, text_ok, X.SAVE_TINDAK_LANJUT, label="tindak lanjut typed"
    )
    + _onwards(TINDAK_LANJUT, E.SKIP, tindak_lanjut_optional, label='"Lewati"')
    + _t(INPUT_OR_IDLE, E.NOTE, KENDALA, X.ASK_KENDALA, when=editable, label='"Tambah catatan"')
    + _t(INPUT_OR_IDLE, E.EVIDENCE, EVIDENCE, X.ASK_EVIDENCE, label='"Bukti dukung"')
    # --- /batal, from any position
    + _t((*INPUT_MODES, REASON), E.CANCEL, IDLE, X.TELL_CANCELLED, label="/batal")
    # --- issue 16: many figures at once (one message, or the Excel sheet sent back) ---------
    + _t(ANY_INPUT, E.BATCH, BATCH, X.ASK_BATCH, label='"Isi sekaligus"')
    + _t(ANY_INPUT, E.SHEET, STAY, X.SEND_SHEET, label='"Lembar Excel"')
    + _t(
        (VALUE, CONFIRM, *BATCH_MODES),
        E.BATCH_TYPED,
        BATCH_CONFIRM,
        X.ECHO_BATCH,
        when=understood,
        label="several figures typed",
    )
    + _t(
        (VALUE, CONFIRM, *BATCH_MODES),
        E.BATCH_TYPED,
        STAY,
        X.ECHO_BATCH,
        when=not_understood,
        label="nothing readable",
    )
    + _t(ANY_INPUT, E.SHEET_SENT, BATCH_CONFIRM, X.ECHO_BATCH, when=understood, label="sheet back")
    + _t(ANY_INPUT, E.SHEET_SENT, STAY, X.REFUSE_SHEET, when=not_understood, label="sheet refused")
    + _t(
        BATCH_CONFIRM,
        E.SAVE_BATCH,
        IDLE,
        X.SAVE_BATCH,
        X.SHOW_SUMMARY,
        when=saved,
        label='"Simpan semua"',
    )
    + _t(BATCH_CONFIRM, E.SAVE_BATCH, STAY, X.ECHO_BATCH, when=needs_confirmation, label="changed")
    + _t(BATCH_CONFIRM, E.RETYPE, BATCH, X.ASK_BATCH, label='"Ulangi"')
    + _t(BATCH_MODES, E.FILL, VALUE, X.ASK_VALUE, when=more_to_fill, label='"Isi data"')
    + _t(BATCH_MODES, E.FILL, IDLE, X.SHOW_SUMMARY, when=all_filled, label='"Isi data"')
    + _t(BATCH_MODES, E.EDIT, VALUE, X.ASK_VALUE, when=editable, label='"Ubah KODE"')
    + _t(BATCH_MODES, E.SUMMARY, IDLE, X.SHOW_SUMMARY, label='"Ringkasan"')
    + _t(BATCH_MODES, E.SUBMIT, IDLE, X.COMPLETE_TASK, X.NOTIFY, when=complete, label='"Kirim"')
    + _t(BATCH_MODES, E.SUBMIT, STAY, X.SHOW_GAPS, when=incomplete, label='"Kirim"')
    + _t(BATCH_MODES, E.FILE_SENT, STAY, X.FILE_NOT_NOW, label="another file")
    + _t(BATCH_MODES, E.REFUSED, IDLE, X.TELL_REFUSAL, label="engine refuses")
    + _t(BATCH_MODES, E.CANCEL, IDLE, X.TELL_CANCELLED, label="/batal")
    + _admin_transitions()
)


@dataclass(frozen=True)
class Step:
    """The transition taken: what to do and where the task's conversation then waits."""

    effects: tuple[Effect, ...]
    target: Mode
    transition: Transition


def _by_source_and_event() -> dict[tuple[Mode, Event], tuple[Transition, ...]]:
    found: dict[tuple[Mode, Event], list[Transition]] = {}
    for t in TABLE:
        found.setdefault((t.source, t.event), []).append(t)
    return {key: tuple(listed) for key, listed in found.items()}


_INDEX = _by_source_and_event()
"""The table's rows by (mode, event), in the table's order: every update looks one up."""


def transitions(mode: Mode, event: Event) -> tuple[Transition, ...]:
    return _INDEX.get((mode, event), ())


def step(mode: Mode, event: Event, facts: Facts = NO_FACTS) -> Step | None:
    """The first transition of ``(mode, event)`` whose guard holds; None: not this position's."""
    for transition in transitions(mode, event):
        if transition.allows(facts):
            return Step(transition.effects, transition.to(), transition)
    return None


# --- checks the tests (and a start-up) make ------------------------------------------------
def reachable(start: Mode = Mode.IDLE) -> set[Mode]:
    """Modes some sequence of events leads to from ``start`` (guards assumed satisfiable)."""
    seen, frontier = {start}, [start]
    while frontier:
        mode = frontier.pop()
        for t in TABLE:
            if t.source is mode and t.to() not in seen:
                seen.add(t.to())
                frontier.append(t.to())
    return seen


def unreachable() -> set[Mode]:
    """Modes no event leads to from IDLE (should be empty)."""
    return set(Mode) - reachable(Mode.IDLE)


def traps() -> set[Mode]:
    """Modes from which IDLE cannot be reached again (should be empty)."""
    return {mode for mode in Mode if Mode.IDLE not in reachable(mode)}


def ambiguous() -> list[tuple[Mode, Event]]:
    """(mode, event) pairs with two unguarded transitions: the second could never be taken."""
    found = []
    for mode in Mode:
        for event in Event:
            unguarded = [t for t in transitions(mode, event) if t.guard is None]
            if len(unguarded) > 1 or (unguarded and len(transitions(mode, event)) > 1):
                found.append((mode, event))
    return found
