"""What a definition means, checked before anyone runs it.

:mod:`bot.domain.sop` checks the shape of a definition (types, required
fields). A definition of the right shape can still be impossible to run: a
step handed to a role nobody holds, an arrow to a step that is not there, a
loop with no way to SELESAI. A quarterly run lasts weeks, so such a mistake
must stop the definition from loading, not strand a run halfway.

Each finding is an :class:`Issue` whose ``loc`` names the value the way
pydantic does (``("steps", 3, "next")``, indices into the tuples), so the
loader can point at the line in the YAML. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.domain.acceptance import acceptance_issues
from bot.domain.durations import DurationError
from bot.domain.periods import Due, Period, PeriodKind, ReportType
from bot.domain.sop import END, Scope, SopDefinition, Step
from bot.domain.workflow import runs_in

Loc = tuple[str | int, ...]
_TRANSITIONS = ("next", "ya", "tidak")
_FREQUENCY = {
    "bulanan": PeriodKind.BULANAN,
    "triwulan": PeriodKind.TRIWULAN,
    "semester": PeriodKind.SEMESTER,
    "tahunan": PeriodKind.TAHUNAN,
}


@dataclass(frozen=True)
class Issue:
    """One semantic mistake; ``loc`` is a path into the definition."""

    loc: Loc
    message: str


def check_definition(defn: SopDefinition) -> list[Issue]:
    """Every semantic mistake in ``defn``, in document order per kind of check."""
    flow = list(_check_transitions(defn))
    # Graph checks on a broken arrow would only echo it (unreachable, no way out).
    graph = [] if flow else list(_check_graph(defn))
    return [
        *_check_roles(defn),
        *_check_steps(defn),
        *flow,
        *graph,
        *_check_waktu(defn),
        *_check_triggers(defn),
        *([] if flow else _check_acceptance(defn)),
    ]


# --- roles ---------------------------------------------------------------------------------


def _check_roles(defn: SopDefinition) -> Iterator[Issue]:
    first: dict[str, int] = {}
    for i, role in enumerate(defn.roles):
        if role.key in first:
            yield Issue(
                ("roles", i, "key"),
                f"peran {role.key!r} ditulis dua kali (pertama di roles[{first[role.key]}])",
            )
        else:
            first[role.key] = i
    known = _known_roles(defn)
    for i, role in enumerate(defn.roles):
        if role.superior is not None and role.superior not in first:
            yield Issue(
                ("roles", i, "superior"),
                f"atasan {role.superior!r} dari peran {role.key!r} tidak ada di roles ({known})",
            )
    yield from _superior_cycles(defn)


def _superior_cycles(defn: SopDefinition) -> Iterator[Issue]:
    """Escalation climbs ``superior``; a cycle would escalate forever."""
    superior: dict[str, str | None] = {}
    for role in defn.roles:
        superior.setdefault(role.key, role.superior)
    for i, role in enumerate(defn.roles):
        chain = [role.key]
        current = superior.get(role.key)
        while current is not None and current in superior and current not in chain:
            chain.append(current)
            current = superior[current]
        # Report a cycle once, on the first role of the list that belongs to it.
        if current == role.key and superior.get(role.key) is not None:
            if any(defn.roles[j].key in chain for j in range(i)):
                continue
            path = " → ".join([*chain, role.key])
            yield Issue(("roles", i, "superior"), f"atasan berputar: {path}")


def _known_roles(defn: SopDefinition) -> str:
    return "yang ada: " + ", ".join(dict.fromkeys(role.key for role in defn.roles))


# --- one step at a time ----------------------------------------------------------------------


def _check_steps(defn: SopDefinition) -> Iterator[Issue]:
    for i, step in enumerate(defn.steps):
        yield from _check_roles_of_step(defn, i, step)
        if step.fan_out is not None and step.scope is not Scope.RUN:
            yield Issue(
                ("steps", i, "fan_out"),
                f"langkah {step.no}: fan_out hanya untuk langkah scope 'run' "
                f"(langkah ini scope {step.scope.value!r})",
            )


def _check_transitions(defn: SopDefinition) -> Iterator[Issue]:
    """Step numbers are unique and every arrow leaves the right way to a real step."""
    numbers = {step.no for step in defn.steps}
    first: dict[int, int] = {}
    for i, step in enumerate(defn.steps):
        if step.no in first:
            yield Issue(
                ("steps", i, "no"),
                f"nomor langkah {step.no} dipakai dua kali (pertama di steps[{first[step.no]}])",
            )
        else:
            first[step.no] = i
        yield from _check_exits(i, step)
        for name in _TRANSITIONS:
            target = getattr(step, name)
            if isinstance(target, int) and target not in numbers:
                yield Issue(
                    ("steps", i, name),
                    f"langkah {step.no} menuju langkah {target} yang tidak ada",
                )


def _check_roles_of_step(defn: SopDefinition, i: int, step: Step) -> Iterator[Issue]:
    for key in step.roles:
        if not defn.has_role(key):
            yield Issue(
                ("steps", i, "pelaksana"),
                f"langkah {step.no}: peran {key!r} tidak ada di roles ({_known_roles(defn)})",
            )
    if step.needs_all and step.is_decision:
        yield Issue(
            ("steps", i, "completion"),
            f"langkah {step.no} adalah keputusan ({step.kind.value}): jawaban pertama yang "
            "menentukan; 'completion: all' hanya untuk langkah yang dikerjakan",
        )
    if step.fan_out is not None and not defn.has_role(step.fan_out.pelaksana):
        yield Issue(
            ("steps", i, "fan_out", "pelaksana"),
            f"langkah {step.no}: peran fan_out {step.fan_out.pelaksana!r} tidak ada di roles "
            f"({_known_roles(defn)})",
        )


def _check_exits(i: int, step: Step) -> Iterator[Issue]:
    """A decision leaves by YA and TIDAK; any other step by ``next``."""
    if step.is_question and not step.question:
        yield Issue(
            ("steps", i),
            f"langkah {step.no} adalah pertanyaan (kind: question) tetapi tidak punya "
            "'question' (teks pertanyaan YA/TIDAK, mis. \"Ada hambatan?\")",
        )
    if step.question and not step.is_question:
        yield Issue(
            ("steps", i, "question"),
            f"'question' hanya untuk langkah kind: question; langkah {step.no} adalah "
            f"{step.kind.value!r}",
        )
    if step.is_decision:
        if step.next is not None:
            yield Issue(
                ("steps", i, "next"),
                f"langkah {step.no} adalah keputusan (kind: {step.kind.value}): "
                "gunakan 'ya' dan 'tidak', bukan 'next'",
            )
        for name in ("ya", "tidak"):
            if getattr(step, name) is None:
                yield Issue(
                    ("steps", i),
                    f"langkah {step.no} adalah keputusan (kind: {step.kind.value}) "
                    f"tetapi tidak punya {name!r}",
                )
        return
    if step.next is None:
        yield Issue(
            ("steps", i),
            f"langkah {step.no} tidak punya 'next'; isi nomor langkah berikutnya atau '{END}'",
        )
    for name in ("ya", "tidak"):
        if getattr(step, name) is not None:
            yield Issue(
                ("steps", i, name),
                f"{name!r} hanya untuk langkah keputusan (kind: review atau question); "
                f"langkah {step.no} adalah {step.kind.value!r} dan memakai 'next'",
            )


# --- the flow as a graph -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Graph:
    index: dict[int, int]
    """Step number -> position in ``steps`` (the first one, if a number repeats)."""
    edges: dict[int, tuple[int, ...]]
    """Step number -> step numbers it can go to (existing ones only)."""
    ends: frozenset[int]
    """Steps with an exit to SELESAI."""

    @classmethod
    def of(cls, defn: SopDefinition) -> _Graph:
        index: dict[int, int] = {}
        for i, step in enumerate(defn.steps):
            index.setdefault(step.no, i)
        edges = {
            no: tuple(t for t in defn.steps[i].targets() if isinstance(t, int) and t in index)
            for no, i in index.items()
        }
        ends = frozenset(no for no, i in index.items() if END in defn.steps[i].targets())
        return cls(index, edges, ends)

    def reach(self, start: int, stop: frozenset[int] = frozenset()) -> set[int]:
        """Steps reachable from ``start``, not leaving any step in ``stop``."""
        seen = {start}
        queue = deque([start])
        while queue:
            no = queue.popleft()
            if no in stop:
                continue
            for target in self.edges[no]:
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return seen

    def after(self, no: int) -> set[int]:
        """Steps reachable from ``no`` by at least one transition."""
        found: set[int] = set()
        for target in self.edges[no]:
            found |= self.reach(target)
        return found

    def finishing(self) -> set[int]:
        """Steps from which SELESAI can be reached."""
        good = set(self.ends)
        changed = True
        while changed:
            changed = False
            for no, targets in self.edges.items():
                if no not in good and any(t in good for t in targets):
                    good.add(no)
                    changed = True
        return good


def _check_graph(defn: SopDefinition) -> Iterator[Issue]:
    graph = _Graph.of(defn)
    start = defn.start_step.no
    reachable = graph.reach(start)
    for no, i in graph.index.items():
        if no not in reachable:
            yield Issue(
                ("steps", i),
                f"langkah {no} tidak dapat dicapai dari langkah pertama ({start})",
            )
    finishing = graph.finishing()
    if not graph.ends:
        yield Issue(("steps",), f"tidak ada langkah yang menuju '{END}'")
    elif start not in finishing:
        yield Issue(("steps",), f"tidak ada jalan dari langkah pertama ({start}) menuju '{END}'")
    yield from _traps(graph, reachable - finishing)
    yield from _joins_without_fan_out(defn, graph)
    yield from _later_joins(defn, graph)


def _later_joins(defn: SopDefinition, graph: _Graph) -> Iterator[Issue]:
    """``fan_out: {join: N}``: step N gathers the units' answers, so it must be a join that
    every way on from the fan-out reaches, through run-level steps that neither take nor
    judge figures (the units' answers are not in yet) and never back to the fan-out."""
    for i, step in enumerate(defn.steps):
        if step.fan_out is None or step.fan_out.join is None:
            continue
        loc: Loc = ("steps", i, "fan_out", "join")
        no = step.fan_out.join
        if no not in graph.index:
            yield Issue(loc, f"langkah {step.no}: fan_out.join menuju langkah {no} yang tidak ada")
            continue
        join = defn.steps[graph.index[no]]
        if join.scope is not Scope.JOIN:
            yield Issue(
                loc,
                f"langkah {step.no}: fan_out.join {no} harus langkah scope 'join' yang "
                f"menghimpun jawaban unit (langkah {no} scope {join.scope.value!r})",
            )
            continue
        yield from _way_to_join(defn, graph, i, step, join)
        dues = due_sets(defn.frequency)
        if any(runs_in(step, d) and not runs_in(join, d) for d in dues):
            yield Issue(
                loc,
                f"langkah {step.no}: fan_out.join {no} tidak berjalan di setiap periode "
                f"langkah {step.no} berjalan; jawaban unit tidak akan dihimpun",
            )


def _way_to_join(
    defn: SopDefinition, graph: _Graph, i: int, step: Step, join: Step
) -> Iterator[Issue]:
    loc: Loc = ("steps", i, "fan_out", "join")
    if step.next == END or step.next is None:
        yield Issue(loc, f"langkah {step.no}: tidak ada jalan ke fan_out.join {join.no}")
        return
    assert isinstance(step.next, int)
    between = graph.reach(step.next, stop=frozenset({join.no})) - {join.no}
    if step.no in between:
        yield Issue(
            loc,
            f"langkah {step.no}: ada jalan kembali ke langkah ini sebelum fan_out.join "
            f"{join.no}; unit akan diminta menjawab lagi sebelum jawabannya dihimpun",
        )
        return
    if any(no in graph.ends for no in between) or (
        step.next != join.no and join.no not in graph.reach(step.next)
    ):
        yield Issue(
            loc,
            f"langkah {step.no}: ada jalan ke '{END}' yang tidak melewati fan_out.join "
            f"{join.no}; jawaban unit tidak akan dihimpun",
        )
        return
    for no in sorted(between, key=graph.index.__getitem__):
        other = defn.steps[graph.index[no]]
        if other.scope is not Scope.RUN or other.fan_out is not None:
            what = "fan_out" if other.fan_out is not None else f"scope {other.scope.value!r}"
            yield Issue(
                loc,
                f"langkah {step.no}: langkah {no} di antara fan_out dan join {join.no} "
                f"memakai {what}; di antaranya hanya langkah scope 'run'",
            )
        elif other.is_review or other.takes_figures:
            yield Issue(
                loc,
                f"langkah {step.no}: langkah {no} ({other.kind.value}) di antara fan_out dan "
                f"join {join.no} menilai atau mengisi data yang belum dihimpun",
            )


def _traps(graph: _Graph, trapped: set[int]) -> Iterator[Issue]:
    """Closed loops among steps that cannot finish (dead ends are reported as missing exits)."""
    after = {no: graph.after(no) for no in trapped}
    reported: set[frozenset[int]] = set()
    for no in sorted(trapped, key=graph.index.__getitem__):
        loop = frozenset(after[no])
        # Everything after a trapped step is trapped too, so ``after`` covers ``loop``.
        closed = no in loop and all(no in after[other] for other in loop)
        if closed and loop not in reported:
            reported.add(loop)
            *others, last = sorted(loop)
            if others:
                what = f"langkah {', '.join(map(str, others))} dan {last} saling menuju"
            else:
                what = f"langkah {last} hanya menuju dirinya sendiri"
            yield Issue(
                ("steps", graph.index[no]),
                f"putaran tanpa jalan keluar: {what} dan tidak pernah sampai ke '{END}'",
            )


def _joins_without_fan_out(defn: SopDefinition, graph: _Graph) -> Iterator[Issue]:
    """A join gathers per-unit branches; some step before it must have opened them."""
    fans = frozenset(
        step.no for step in defn.steps if step.scope is Scope.UNIT or step.fan_out is not None
    )
    unopened = graph.reach(defn.start_step.no, stop=fans)
    for no, i in graph.index.items():
        step = defn.steps[i]
        if step.scope is Scope.JOIN and no in unopened and no not in fans:
            yield Issue(
                ("steps", i, "scope"),
                f"langkah {no} (scope: join) menghimpun hasil per unit, tetapi ada jalan ke sini "
                "tanpa langkah scope 'unit' atau fan_out sebelumnya",
            )


# --- Waktu per report ----------------------------------------------------------------------------


def due_report_sets(frequency: str) -> list[frozenset[ReportType]]:
    """The sets of reports a run can close, over one year of ``frequency`` periods."""
    period = Period(2000, _FREQUENCY[frequency])
    sets: list[frozenset[ReportType]] = []
    while period.year == 2000:
        if period.report_types() not in sets:
            sets.append(period.report_types())
        period = period.next()
    return sets


def year_periods(frequency: str) -> list[Period]:
    """The periods of one year (2000) of ``frequency``, in order."""
    period = Period(2000, _FREQUENCY[frequency])
    found: list[Period] = []
    while period.year == 2000:
        found.append(period)
        period = period.next()
    return found


def due_sets(frequency: str) -> list[Due]:
    """The kinds of run a year of ``frequency`` periods has: what each makes due (the reports
    it closes and the months it covers), each distinct one once."""
    found: list[Due] = []
    for period in year_periods(frequency):
        due = period.due()
        if due not in found:
            found.append(due)
    return found


def _check_waktu(defn: SopDefinition) -> Iterator[Issue]:
    dues = due_sets(defn.frequency)
    for i, step in enumerate(defn.steps):
        runs = [due.reports for due in dues if runs_in(step, due)]
        if not runs:
            where = "report_types" if step.months is None else "months"
            if step.months is not None and any(step.report_types & d.reports for d in dues):
                what = f"tidak ada periode {defn.frequency} bulan {_months(step.months)} yang "
                what += f"menutup laporan {_names(step.report_types)}"
            else:
                what = (
                    f"laporan {_names(step.report_types)} tidak pernah jatuh tempo pada SOP "
                    f"{defn.frequency}"
                )
            yield Issue(("steps", i, where), f"langkah {step.no} tidak pernah berjalan: {what}")
        cells = [("waktu", step.waktu)]
        if step.fan_out is not None:
            cells.append(("fan_out", step.fan_out.waktu))
        for where, waktu in cells:
            loc: Loc = ("steps", i, "waktu")
            if where == "fan_out":
                loc = ("steps", i, "fan_out", "waktu")
            if waktu is None:
                continue
            for due in runs:
                try:
                    waktu.resolve(due, defn.waktu_satuan)
                except DurationError as exc:
                    yield Issue(loc, f"langkah {step.no}: {exc}")
                    break


def _check_acceptance(defn: SopDefinition) -> Iterator[Issue]:
    """``acceptance: {step: N}`` names a step that runs in every period, after the figures."""
    for loc, message in acceptance_issues(defn, due_sets(defn.frequency)):
        yield Issue(loc, message)


def _names(report_types: Iterable[ReportType]) -> str:
    return ", ".join(sorted(r.value for r in report_types))


def _months(months: Iterable[int]) -> str:
    return ", ".join(str(m) for m in sorted(months))


# --- triggers ------------------------------------------------------------------------------------


def _check_triggers(defn: SopDefinition) -> Iterator[Issue]:
    """A trigger starts runs of the SOP's own frequency ("setiap bulan" needs ``bulanan``)."""
    wanted = _FREQUENCY[defn.frequency]
    for i, trigger in enumerate(defn.triggers):
        every = trigger.rule.resolved(wanted).every
        if every is not None and every is not wanted:
            yield Issue(
                ("triggers", i, "teks"),
                f"pemicu {trigger.teks!r} memulai laporan per {_PERIOD_WORD[every]}, "
                f"padahal frequency SOP ini {defn.frequency}",
            )


_PERIOD_WORD = {
    PeriodKind.BULANAN: "bulan",
    PeriodKind.TRIWULAN: "triwulan",
    PeriodKind.SEMESTER: "semester",
    PeriodKind.TAHUNAN: "tahun",
}
