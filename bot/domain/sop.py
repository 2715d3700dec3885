"""The SOP definition model: what one file in ``sop_definitions/`` says.

A definition keeps the document's words verbatim (identity block, uraian,
kelengkapan, waktu, output) beside what the engine needs parsed from them
(durations, triggers, transitions, scope). Structure is checked here;
meaning (reachability, loops, dangling transitions) in ``sop_checks``.
"""

from __future__ import annotations

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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepKind(StrEnum):
    TASK = "task"
    """Do something and mark it done (disposisi, olah data, susun laporan)."""
    INDICATOR_INPUT = "indicator_input"
    """Enter the realisation of every indicator of the unit for the period."""
    REVIEW = "review"
    """Decide: YA (approve) or TIDAK (return with a reason)."""
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


class Role(_Model):
    key: Key
    name: Text = Field(min_length=1)
    """The role's name exactly as the document writes it."""
    column: bool = True
    """False for a role the text names but the flow table has no column for."""
    superior: Key | None = None
    """Role told when this role's task is overdue (escalation)."""


class Waktu(_Model):
    """The Waktu column: verbatim text plus the parsed working-time duration.

    Written in YAML either as a plain string ("15 Menit") or, for a conditional
    value, as ``{teks: ..., per_laporan: {triwulan: 1 Hari, tahunan: 15 Hari}}``.
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
            if self.per_laporan:
                for text in self.per_laporan.values():
                    parse_duration(text)
            else:
                parse_duration(self.teks)
        except DurationError as exc:
            raise ValueError(str(exc)) from exc
        return self

    @property
    def durations(self) -> dict[ReportType, WorkDuration]:
        if self.per_laporan:
            return {kind: parse_duration(text) for kind, text in self.per_laporan.items()}
        single = parse_duration(self.teks)
        return dict.fromkeys(ReportType, single)

    def resolve(self, report_types: frozenset[ReportType]) -> WorkDuration:
        """The time allowed when the run closes ``report_types``.

        A conditional Waktu ("1 Hari untuk laporan triwulan dan 15 Hari untuk
        laporan tahunan") gives the longest of the reports that fall due.
        """
        options = [d for kind, d in self.durations.items() if kind in report_types]
        if not options:
            raise DurationError(
                f"Waktu {self.teks!r} tidak berlaku untuk laporan "
                + ", ".join(sorted(r.value for r in report_types))
            )
        return max(options)


class FanOut(_Model):
    """The per-unit part a step's text implies ("kepada subbag/seksi").

    The step's own pelaksana sends the work out; each participating unit's
    holder of ``pelaksana`` then does ``kind`` for that unit, and a later
    ``join`` step gathers the answers.
    """

    pelaksana: Key
    kind: StepKind = StepKind.INDICATOR_INPUT
    uraian: Text = Field(min_length=1)
    waktu: Waktu | None = None
    """Time each unit has to answer; None means the Waktu of the join that gathers them."""


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


class Step(_Model):
    no: int = Field(ge=1)
    uraian: Text = Field(min_length=1)
    pelaksana: Key
    kelengkapan: Text = ""
    waktu: Waktu
    output: Text = ""
    keterangan: Text = ""
    kind: StepKind = StepKind.TASK
    scope: Scope = Scope.RUN
    report_types: frozenset[ReportType] = ALL_REPORT_TYPES
    """The step runs only when the run's period closes one of these reports."""
    next: StepTarget | None = None
    ya: StepTarget | None = None
    """Decision exit when approved."""
    tidak: StepTarget | None = None
    """Decision exit when returned; a return always carries a reason."""
    fan_out: FanOut | None = None

    @property
    def is_decision(self) -> bool:
        return self.kind is StepKind.REVIEW

    def targets(self) -> tuple[StepTarget, ...]:
        """Every transition target written on this step."""
        return tuple(t for t in (self.next, self.ya, self.tidak) if t is not None)

    def skip_target(self) -> StepTarget | None:
        """Where a run goes when this step does not run for its period."""
        return self.ya if self.is_decision else self.next


class SopDefinition(_Model):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
    identity: Identity
    pengesah: Signatory | None = None
    frequency: Literal["bulanan", "triwulan", "semester", "tahunan"] = "triwulan"
    """The period a run reports: one run per quarter for all five seeds; bulanan: per month."""
    roles: tuple[Role, ...] = Field(min_length=1)
    triggers: tuple[Trigger, ...] = ()
    steps: tuple[Step, ...] = Field(min_length=1)

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
