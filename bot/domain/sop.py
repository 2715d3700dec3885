"""The SOP definition model: what one file in ``sop_definitions/`` says.

A definition keeps the document's words verbatim (identity block, uraian,
kelengkapan, waktu, output) beside what the engine needs parsed from them
(durations, triggers, transitions, scope). Structure is checked here;
meaning (reachability, loops, dangling transitions) in ``sop_checks``.
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.domain.durations import DurationError, WorkDuration, parse_duration
from bot.domain.periods import ReportType
from bot.domain.triggers import NonWorkingDayPolicy, TriggerError, TriggerRule, parse_trigger

END = "selesai"
"""Transition target that ends the run (the SELESAI terminator)."""

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
StepTarget = int | Literal["selesai"]
TITLE_LENGTH = 64
"""Issue 16: the longest step title a card or notice shows, "about 60" characters (a
clause of 62 stays whole); the uraian in full is one button away."""
Judul = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
_CLAUSE_END = re.compile(r"[,;:(]|\s(?:jika|apabila|bila|kemudian|lalu|serta)\s", re.IGNORECASE)
_AND = re.compile(r"\s(?:dan|untuk|dengan)\s", re.IGNORECASE)


def short_title(uraian: str, limit: int = TITLE_LENGTH) -> str:
    """The uraian's first clause, at most ``limit`` characters: what a card shows as the step.

    "Memeriksa laporan kinerja, jika disetujui ..." -> "Memeriksa laporan kinerja". A
    first clause still too long is cut before a "dan"/"untuk"/"dengan" within the limit,
    else at the last space, with "…".
    """
    text = " ".join(uraian.split())
    match = _CLAUSE_END.search(text)
    clause = text[: match.start()].strip() if match and match.start() > 0 else text
    if len(clause) <= limit:
        return clause
    joints = [m.start() for m in _AND.finditer(clause) if 0 < m.start() <= limit]
    if joints:
        return clause[: joints[-1]].strip()
    cut = clause[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepKind(StrEnum):
    TASK = "task"
    """Do something and mark it done (disposisi, olah data, susun laporan)."""
    INDICATOR_INPUT = "indicator_input"
    """Enter the realisation of every indicator of the unit for the period."""
    REVIEW = "review"
    """Decide: YA (approve) or TIDAK (return with a reason)."""
    QUESTION = "question"
    """Answer a YA/TIDAK question ("Ada hambatan?") that branches and approves nothing."""
    NOTIFICATION = "notification"
    """Pass something on to others (menyampaikan, mensosialisasikan)."""
    ARCHIVE = "archive"
    """File the result (mengarsipkan, mendokumentasikan)."""


class Scope(StrEnum):
    RUN = "run"
    """Done once for the whole run."""
    UNIT = "unit"
    """Done once per participating unit, in parallel branches."""
    JOIN = "join"
    """Done once, after every unit's branch has arrived (menghimpun, merekap)."""


ALL_REPORT_TYPES = frozenset(ReportType)


class Identity(_Model):
    """The identity block of a PermenPANRB 35/2012 SOP sheet, verbatim."""

    instansi: Text
    alamat: Text = ""
    nomor: Text
    tanggal_pembuatan: Text = ""
    tanggal_revisi: Text = ""
    tanggal_efektif: Text = ""
    disahkan_oleh: Text
    nama: Text
    dasar_hukum: tuple[Text, ...] = ()
    kualifikasi_pelaksana: tuple[Text, ...] = ()
    keterkaitan: tuple[Text, ...] = ()
    peralatan: tuple[Text, ...] = ()
    peringatan: tuple[Text, ...] = ()
    pencatatan: tuple[Text, ...] = ()


class Signatory(_Model):
    """Who signed the document, as printed under it."""

    jabatan: Text
    nama: Text = ""
    pangkat: Text = ""
    nip: Text = ""
    peran: Key | None = None
    """Optional: the organisation's role key of this post, whose holder today signs
    "Mengetahui" on reports (default: the role named like ``jabatan``)."""


class Role(_Model):
    key: Key
    name: Text = Field(min_length=1)
    """The role's name exactly as the document writes it."""
    column: bool = True
    """False for a role the text names but the flow table has no column for."""
    superior: Key | None = None
    """Role told when this role's task is overdue (escalation)."""


WaktuSatuan = Literal["menit", "jam", "hari"]
"""The unit of bare-number Waktu cells, as a document's header "Waktu (menit)" says."""

_BARE = re.compile(r"^\s*\d+\s*$")


def is_bare_number(text: str) -> bool:
    """A Waktu cell written as a bare number ("5", "480"): its unit is the SOP's waktu_satuan."""
    return bool(_BARE.match(text))


def read_waktu(text: str, satuan: WaktuSatuan | None) -> WorkDuration:
    """One Waktu cell as working time; a bare number is counted in ``satuan``."""
    if is_bare_number(text):
        if satuan is None:
            raise DurationError(
                f"Waktu {text.strip()!r} hanya angka; tulis satuannya ('{text.strip()} Menit') "
                "atau isi waktu_satuan: menit | jam | hari pada SOP"
            )
        return parse_duration(f"{text.strip()} {satuan}")
    return parse_duration(text)


class Waktu(_Model):
    """The Waktu column: verbatim text plus the parsed working-time duration.

    Written in YAML either as a plain string ("15 Menit") or, for a conditional
    value, as ``{teks: ..., per_laporan: {triwulan: 1 Hari, tahunan: 15 Hari}}``.
    A bare number ("5") is counted in the SOP's ``waktu_satuan`` (checked by
    :class:`SopDefinition`, which knows it); the text is kept as written.
    """

    teks: Text = Field(min_length=1)
    per_laporan: dict[ReportType, Text] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: object) -> object:
        if isinstance(value, str):
            return {"teks": value}
        return value

    @model_validator(mode="after")
    def _parse(self) -> Waktu:
        try:
            for text in self.texts:
                if not is_bare_number(text):
                    parse_duration(text)
        except DurationError as exc:
            raise ValueError(str(exc)) from exc
        return self

    @property
    def texts(self) -> tuple[str, ...]:
        """The cell's durations as written (one, or one per report)."""
        return tuple(self.per_laporan.values()) if self.per_laporan else (self.teks,)

    @property
    def bare(self) -> bool:
        """Some duration is a bare number, counted in the SOP's waktu_satuan."""
        return any(is_bare_number(text) for text in self.texts)

    @property
    def durations(self) -> dict[ReportType, WorkDuration]:
        return self.durations_in(None)

    def durations_in(self, satuan: WaktuSatuan | None) -> dict[ReportType, WorkDuration]:
        if self.per_laporan:
            return {kind: read_waktu(text, satuan) for kind, text in self.per_laporan.items()}
        single = read_waktu(self.teks, satuan)
        return dict.fromkeys(ReportType, single)

    def resolve(
        self, report_types: frozenset[ReportType], satuan: WaktuSatuan | None = None
    ) -> WorkDuration:
        """The time allowed when the run closes ``report_types``.

        A conditional Waktu ("1 Hari untuk laporan triwulan dan 15 Hari untuk
        laporan tahunan") gives the longest of the reports that fall due.
        """
        options = [d for kind, d in self.durations_in(satuan).items() if kind in report_types]
        if not options:
            raise DurationError(
                f"Waktu {self.teks!r} tidak berlaku untuk laporan "
                + ", ".join(sorted(r.value for r in report_types))
            )
        return max(options)


class FanOut(_Model):
    """The per-unit part a step's text implies ("kepada subbag/seksi").

    The step's own pelaksana sends the work out; each participating unit's
    holder of ``pelaksana`` then does ``kind`` for that unit, and a ``join``
    step gathers the answers: the next step, or the one ``join`` names, in
    which case the run's own steps in between go on while the units answer.
    """

    pelaksana: Key
    kind: StepKind = StepKind.INDICATOR_INPUT
    uraian: Text = Field(min_length=1)
    judul: Judul | None = None
    """A short title for the units' task cards (issue 16); without it, ``short_title``."""
    waktu: Waktu | None = None
    """Time each unit has to answer; None means the Waktu of the join that gathers them."""
    join: int | None = Field(default=None, ge=1)
    """The step (scope: join) that gathers the units' answers when it is not the next one
    (a circular sent at step 1, gathered at step 3); the steps between run meanwhile."""

    @property
    def title(self) -> str:
        return self.judul or short_title(self.uraian)


class Trigger(_Model):
    """A start trigger: verbatim words plus the parsed rule."""

    teks: Text = Field(min_length=1)
    jam: time | None = None
    """Local time it fires; None means the organisation's default hour."""
    non_working_day: NonWorkingDayPolicy = NonWorkingDayPolicy.NEXT_WORKING_DAY

    @field_validator("teks")
    @classmethod
    def _parse(cls, value: str) -> str:
        try:
            parse_trigger(value)
        except TriggerError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @property
    def rule(self) -> TriggerRule:
        return parse_trigger(self.teks)


Completion = Literal["any", "all"]


class Step(_Model):
    no: int = Field(ge=1)
    uraian: Text = Field(min_length=1)
    judul: Judul | None = None
    """A short title cards and notices show (issue 16; at most 80 characters); without it
    they show the uraian's first clause (``short_title``) and the full text on demand."""
    pelaksana: Key | tuple[Key, ...]
    """A role key, or a list of role keys when the document names several for one step."""
    completion: Completion = "any"
    """With several roles: ``any`` (one holder of any listed role finishes the step) or
    ``all`` (every listed role must finish it)."""
    kelengkapan: Text = ""
    waktu: Waktu | None = None
    """None when the document gives no Waktu: the sheet prints "-", the engine uses the
    organisation's default duration (``organisasi.durasi_bawaan``)."""
    output: Text = ""
    keterangan: Text = ""
    kind: StepKind = StepKind.TASK
    scope: Scope = Scope.RUN
    report_types: frozenset[ReportType] = ALL_REPORT_TYPES
    """The step runs only when the run's period closes one of these reports."""
    months: frozenset[Annotated[int, Field(ge=1, le=12)]] | None = None
    """The step runs only in a run whose period covers one of these months of the year
    (``[1]``: the period that opens the year); None: every period. Skipped like a step
    whose report is not due."""
    next: StepTarget | None = None
    ya: StepTarget | None = None
    """Decision exit when approved (a question: when answered YA)."""
    tidak: StepTarget | None = None
    """Decision exit when returned, which always carries a reason (a question: TIDAK)."""
    question: Text | None = None
    """The YA/TIDAK question a ``kind: question`` step asks its holder ("Ada hambatan?")."""
    shows_figures: bool = False
    """The task shows the unit's figures and targets, read only."""
    fan_out: FanOut | None = None

    @property
    def title(self) -> str:
        return self.judul or short_title(self.uraian)

    @field_validator("pelaksana", mode="before")
    @classmethod
    def _one_or_list(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            if not value:
                raise ValueError("pelaksana: daftar peran tidak boleh kosong")
            if len(set(value)) != len(value):
                raise ValueError("pelaksana: peran yang sama ditulis dua kali")
            return value[0] if len(value) == 1 else tuple(value)
        return value

    @field_validator("months")
    @classmethod
    def _some_months(cls, value: frozenset[int] | None) -> frozenset[int] | None:
        if value is not None and not value:
            raise ValueError("months: daftar bulan tidak boleh kosong (hapus kuncinya)")
        return value

    @property
    def roles(self) -> tuple[str, ...]:
        """Every role that does this step, in the order written."""
        return self.pelaksana if isinstance(self.pelaksana, tuple) else (self.pelaksana,)

    @property
    def role(self) -> str:
        """The step's (first) role: its column on the sheet, its holder for a single role."""
        return self.roles[0]

    @property
    def needs_all(self) -> bool:
        """Every listed role must finish the step (several roles, ``completion: all``)."""
        return len(self.roles) > 1 and self.completion == "all"

    @property
    def is_decision(self) -> bool:
        """A step that leaves by YA and TIDAK: a review or a question."""
        return self.kind in (StepKind.REVIEW, StepKind.QUESTION)

    @property
    def is_review(self) -> bool:
        """A review: its YES verifies or accepts the figures, its TIDAK returns them."""
        return self.kind is StepKind.REVIEW

    @property
    def is_question(self) -> bool:
        return self.kind is StepKind.QUESTION

    @property
    def takes_figures(self) -> bool:
        """The unit's realisation figures are entered here (itself or through its fan-out)."""
        if self.kind is StepKind.INDICATOR_INPUT:
            return True
        return self.fan_out is not None and self.fan_out.kind is StepKind.INDICATOR_INPUT

    def targets(self) -> tuple[StepTarget, ...]:
        """Every transition target written on this step."""
        return tuple(t for t in (self.next, self.ya, self.tidak) if t is not None)

    def skip_target(self) -> StepTarget | None:
        """Where a run goes when this step does not run for its period.

        A review not due passes as approved; a question not due as answered TIDAK
        (the work it would add is not due either).
        """
        if self.is_question:
            return self.tidak
        return self.ya if self.is_decision else self.next


class Acceptance(_Model):
    """Where a unit's figures become final, when not the default (see ``bot.domain.acceptance``)."""

    step: int = Field(ge=1)


class SopDefinition(_Model):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
    identity: Identity
    pengesah: Signatory | None = None
    frequency: Literal["bulanan", "triwulan", "semester", "tahunan"] = "triwulan"
    """The period a run reports: one run per quarter for all five seeds; bulanan: per month."""
    waktu_satuan: WaktuSatuan | None = None
    """The unit of bare-number Waktu cells ("Waktu (menit)" in the document's header)."""
    acceptance: Acceptance | None = None
    """Which step accepts the figures; None: the default rule (``bot.domain.acceptance``)."""
    layout: Literal["flowchart", "list"] = "flowchart"
    """How the sheet draws the flow: ``flowchart`` (one Pelaksana column per role, the
    PermenPANRB 35/2012 sheet) or ``list`` (a numbered list, No / Kegiatan / Pelaksana /
    Waktu ..., for documents that have no Pelaksana columns)."""
    roles: tuple[Role, ...] = Field(min_length=1)
    triggers: tuple[Trigger, ...] = ()
    steps: tuple[Step, ...] = Field(min_length=1)

    def step_waktu(
        self, step: Step, report_types: frozenset[ReportType], default: WorkDuration
    ) -> WorkDuration:
        """The working time ``step`` is allowed: its Waktu in this SOP's unit, or ``default``
        (the organisation's durasi_bawaan) when the document gives none."""
        if step.waktu is None:
            return default
        return step.waktu.resolve(report_types, self.waktu_satuan)

    @property
    def name(self) -> str:
        return self.identity.nama

    @property
    def start_step(self) -> Step:
        """The first step in the table is where MULAI stands."""
        return self.steps[0]

    def step(self, no: int) -> Step:
        for step in self.steps:
            if step.no == no:
                return step
        raise KeyError(no)

    def role(self, key: str) -> Role:
        for role in self.roles:
            if role.key == key:
                return role
        raise KeyError(key)

    def has_step(self, no: int) -> bool:
        return any(step.no == no for step in self.steps)

    def has_role(self, key: str) -> bool:
        return any(role.key == key for role in self.roles)

    @property
    def column_roles(self) -> tuple[Role, ...]:
        """Roles with a Pelaksana column, in the document's order."""
        return tuple(role for role in self.roles if role.column)
