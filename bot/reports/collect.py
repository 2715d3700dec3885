"""Read what a performance report needs out of the database.

Which units: the run's participants when the SOP ran for the period (its
quarter; for a semester or the year, the quarter that closes it), otherwise
every unit with indicators that have targets for the year. Figures: the
current revision of each measurement. Signatures: every level that acted on
the figures by the SOP's acceptance rule (``bot.domain.acceptance``, read from
the rows by ``bot.engine.acceptance``): "Disusun oleh" (who compiled the
report), "Diverifikasi oleh" (each earlier review's YES), "Disetujui oleh" (the
last review's YES, or the receiving step's completion when the chain has no
review), with "Plt."/"Plh." when the person held the role as an acting official
on that day; and "Mengetahui": whoever holds the SOP pengesah's role in the
organisation when the report is made (never the name printed on the SOP
document, which may be years old).

Plt/Plh and "a.n." (the rule, issue 10): a signature block names the person
who actually approved (or compiled) and the capacity they held the task's
role in on that day: "Kabid", or "Plt. Kabid" / "Plh. Kabid" for a
substitute (the engine lets only a holder of the role, definitive or acting
on that date, decide). A Plt or Plh signs in the acting capacity under their
own name, never "a.n.": that is how a Plt/Plh signs in Indonesian
administration. "a.n." (atas nama: signing for a superior under one's own
post, on a delegation) is not printed automatically, because nothing in the
data records such a delegation: every approval is given in the approver's
own (possibly acting) capacity. The "Mengetahui" block prints the jabatan of
the SOP's pengesah (its current holder's Plt/Plh capacity where they act) and
is signed on paper.
The audit trail records the same capacity with every task action
(``acting_as``, :mod:`bot.engine.capacity`).
"""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.acceptance import Effect
from bot.domain.capaian import Aggregation, LowerFormula, Polarity
from bot.domain.periods import Period, PeriodKind
from bot.domain.sop import SopDefinition
from bot.domain.timeliness import LATE_FLAG, summary_text, timeliness_note
from bot.engine.acceptance import Act, accepting_act, run_acts
from bot.engine.capacity import ACTING_PREFIX, capacity_of, task_capacity
from bot.engine.context import run_context
from bot.engine.inputs import participating_units, rating_scale, relevant
from bot.engine.roles import holders_near
from bot.engine.timeliness import Timeliness, counting_run, organisation_timeliness
from bot.persistence.models import (
    Indicator,
    Measurement,
    MeasurementState,
    Organisation,
    Person,
    RoleAssignment,
    Run,
    Task,
    TaskState,
    Unit,
)
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.reports.build import (
    IndicatorFacts,
    MeasurementFacts,
    ReportHeader,
    UnitFacts,
    assemble,
    reported_quarters,
)
from bot.reports.model import (
    Letterhead,
    PerformanceReport,
    Provenance,
    ReportError,
    Signature,
)


@dataclass(frozen=True)
class ReportRequest:
    organisation_id: int
    sop_id: str
    period: Period
    unit_code: str | None = None


def closing_quarter(period: Period) -> Period:
    """The quarter whose run also produces a semester or annual report (TW II, TW IV).

    A quarter (or a month) is read from its own run.
    """
    if period.kind in (PeriodKind.TRIWULAN, PeriodKind.BULANAN):
        return period
    return period.quarters()[-1]


def report_run(uow: SqlAlchemyUnitOfWork, org_id: int, sop_id: str, period: Period) -> Run | None:
    """The run a report reads its approvals from: the one whose data counts for the quarter
    (completed first, then the newest open one), as timeliness counts it."""
    return counting_run(uow, org_id, closing_quarter(period), sop_id)


def collect_report(
    uow: SqlAlchemyUnitOfWork,
    request: ReportRequest,
    definition: SopDefinition,
    *,
    now: datetime,
) -> PerformanceReport:
    """The report of ``request``; ``definition`` is used when no run exists for the period."""
    org = uow.orgs.organisation_by_id(request.organisation_id)
    if org is None:
        raise ReportError(f"organisasi {request.organisation_id} tidak ada")
    zone = ZoneInfo(org.timezone)
    period = request.period
    run = report_run(uow, org.id, request.sop_id, period)
    head = head_of_office(uow, org, now.astimezone(zone).date(), definition)
    if run is not None:
        definition = run.definition_version.definition()
    mengetahui = _mengetahui(uow, run, definition, now.astimezone(zone)) if run else None
    if mengetahui is None or mengetahui.name is None:
        # Nobody holds the pengesah's post: the head of office (role kepala) signs.
        acknowledging = head or mengetahui
    else:
        acknowledging = mengetahui
    units = _units(uow, org, run, period, request.unit_code)
    acts = run_acts(uow, run_context(uow, run)) if run else []
    unit_facts = [_unit_facts(uow, unit, period, definition, acts, zone) for unit in units]
    board = organisation_timeliness(
        uow, org.id, list(reported_quarters(period)), sop_id=request.sop_id
    )
    unit_facts = [_with_timeliness(facts, board, period) for facts in unit_facts]
    header = ReportHeader(
        organisation=org.name,
        instansi=org.name.upper(),
        sop_id=definition.id,
        sop_name=definition.name,
        dasar_hukum=tuple(definition.identity.dasar_hukum),
    )
    report = assemble(
        header,
        period,
        unit_facts,
        rating_scale(org),
        generated_at=now.astimezone(zone),
        signatures=_run_signatures(uow, run, definition, acts, zone, acknowledging) if run else (),
        run_id=run.id if run else None,
        unit_code=request.unit_code,
        timeliness=_timeliness_text(board),
    )
    return replace(report, organisation_slug=org.slug, kop=letterhead(org), head=head or mengetahui)


def _with_timeliness(facts: UnitFacts, board: Timeliness, period: Period) -> UnitFacts:
    """A quarterly (or monthly) report says per unit whether its data came on time."""
    if period.kind not in (PeriodKind.TRIWULAN, PeriodKind.BULANAN):
        return facts
    item = board.unit(facts.code, period)
    return replace(facts, timeliness=timeliness_note(item)) if item else facts


def _timeliness_text(board: Timeliness) -> str | None:
    if not board.rates:
        return None
    days = board.timeliness_days
    rule = f"tepat waktu: disetujui paling lambat {days} hari setelah akhir periode"
    if len(board.rates) == 1:
        return f"{board.rates[0].text} ({rule})."
    return f"Kelengkapan dan ketepatan waktu: {summary_text(board.rates)} ({rule})."


HEAD_ROLE = "kepala"
"""The role key of the head of office, held on the organisation's top unit (org file)."""


def letterhead(org: Organisation) -> Letterhead | None:
    """The kop surat of the organisation file, or ``None`` when it gives none."""
    kop = org.letterhead or {}
    if not kop:
        return None
    logo = kop.get("logo")
    return Letterhead(
        pemerintah=kop.get("pemerintah", ""),
        nama=kop.get("nama", ""),
        alamat=kop.get("alamat", ""),
        telepon=kop.get("telepon", ""),
        tempat=kop.get("tempat", ""),
        logo=base64.b64decode(logo) if logo else None,
    )


def head_of_office(
    uow: SqlAlchemyUnitOfWork, org: Organisation, on: date, definition: SopDefinition | None
) -> Signature | None:
    """The holder of the role ``kepala`` on the organisation's top unit on ``on``, as a
    "Mengetahui" block (full jabatan, Plt./Plh. prefix, pangkat, NIP); ``None`` if none."""
    for unit in uow.orgs.units(org.id):
        if unit.parent_id is not None:
            continue
        for person in uow.orgs.holders(unit.id, HEAD_ROLE, on):
            post = _assignment(uow, person.id, HEAD_ROLE, unit.id, on)
            pengesah = definition.pengesah.jabatan if definition and definition.pengesah else ""
            title = (post.title if post else None) or pengesah or unit.name
            prefix = ACTING_PREFIX.get(str(post.acting), "") if post else ""
            return Signature(
                caption="Mengetahui",
                jabatan=f"{prefix}{title}",
                name=person.name,
                nip=person.nip or None,
                signed_at=None,
                pangkat=person.rank or None,
            )
    return None


def _assignment(
    uow: SqlAlchemyUnitOfWork, person_id: int, role_key: str, unit_id: int, on: date
) -> RoleAssignment | None:
    found = [
        a
        for a in uow.orgs.assignments_of(person_id)
        if a.role_key == role_key and a.unit_id == unit_id and a.valid_on(on)
    ]
    return found[0] if found else None


def _units(
    uow: SqlAlchemyUnitOfWork,
    org: Organisation,
    run: Run | None,
    period: Period,
    unit_code: str | None,
) -> list[Unit]:
    all_units = {u.id: u for u in uow.orgs.units(org.id)}
    if run is not None and run.participant_unit_ids:
        ids = [int(i) for i in run.participant_unit_ids]
    else:
        ids = participating_units(uow, list(all_units), period.year)
    chosen = [all_units[i] for i in ids if i in all_units]
    if unit_code is None:
        return sorted(chosen, key=lambda u: u.code)
    unit = uow.orgs.unit(org.id, unit_code)
    if unit is None:
        raise ReportError(f"unit {unit_code!r} tidak ada di {org.name}")
    if unit not in chosen:
        raise ReportError(
            f"unit {unit.code} ({unit.name}) tidak memiliki indikator bertarget "
            f"untuk {period.label}"
        )
    return [unit]


def _periods_needed(period: Period) -> list[str]:
    needed = [str(q) for q in reported_quarters(period)]
    if period.kind is PeriodKind.TAHUNAN:
        needed += [str(q) for q in reported_quarters(period.previous())]
    return needed


def _unit_facts(
    uow: SqlAlchemyUnitOfWork,
    unit: Unit,
    period: Period,
    definition: SopDefinition,
    acts: list[Act],
    zone: ZoneInfo,
) -> UnitFacts:
    indicators = [i for i in uow.indicators.indicators_of_unit(unit.id) if relevant(i, period.year)]
    found: dict[int, dict[str, Measurement]] = defaultdict(dict)
    for m in uow.work.current_measurements_in([i.id for i in indicators], _periods_needed(period)):
        found[m.indicator_id][m.period] = m
    accepting = accepting_act(acts, unit.id)
    approved_by = _local_provenance(accepting, zone)
    report_run_id = acts[0].task.run_id if acts else None
    by_run = _approvers_by_run(uow, unit.id, found, report_run_id, zone)
    facts = [_indicator_facts(i, found[i.id], approved_by, zone, by_run) for i in indicators]
    quarters = [str(q) for q in reported_quarters(period)]
    own = [act for act in acts if act.unit_id == unit.id]
    signatures = tuple(_act_signature(uow, act, definition, zone) for act in _levels(own))
    return UnitFacts(
        code=unit.code,
        name=unit.name,
        indicators=facts,
        signatures=signatures,
        approved=_all_approved(indicators, found, quarters, period),
    )


def _all_approved(
    indicators: Sequence[Indicator],
    found: dict[int, dict[str, Measurement]],
    quarters: list[str],
    period: Period,
) -> bool:
    """Quarter or month: every figure is in and approved. Semester/year: what is in is approved."""
    if not indicators:
        return False
    for indicator in indicators:
        present = [found[indicator.id][q] for q in quarters if q in found[indicator.id]]
        if not present:
            return False
        single = period.kind in (PeriodKind.TRIWULAN, PeriodKind.BULANAN)
        if single and len(present) < len(quarters):
            return False
        if any(m.state is not MeasurementState.APPROVED for m in present):
            return False
    return True


def _local_provenance(act: Act | None, zone: ZoneInfo) -> tuple[str | None, datetime | None]:
    if act is None:
        return None, None
    return (act.person.name if act.person else None), act.at.astimezone(zone)


def _levels(acts: list[Act]) -> list[Act]:
    """The latest act of each step, in the chain's order of acting (verifications first)."""
    latest: dict[int, Act] = {}
    for act in acts:
        latest[act.step_no] = act
    return sorted(latest.values(), key=lambda a: (a.effect is Effect.ACCEPTED, a.at))


def _approvers_by_run(
    uow: SqlAlchemyUnitOfWork,
    unit_id: int,
    found: dict[int, dict[str, Measurement]],
    report_run_id: int | None,
    zone: ZoneInfo,
) -> dict[int, tuple[str | None, datetime | None]]:
    """Who approved the unit's figures in each earlier run (the quarters of a semester or year).

    A semester or annual report reads its signatures from the closing quarter's
    run, but each quarter's figure was approved in its own run: the provenance
    of a figure names that run's approver.
    """
    run_ids = {
        m.run_id
        for by_period in found.values()
        for m in by_period.values()
        if m.run_id is not None and m.run_id != report_run_id
    }
    approvers: dict[int, tuple[str | None, datetime | None]] = {}
    for run_id in sorted(run_ids):
        run = uow.runs.run(run_id)
        if run is None:
            continue
        approvers[run_id] = _local_provenance(
            accepting_act(run_acts(uow, run_context(uow, run)), unit_id), zone
        )
    return approvers


def _indicator_facts(
    indicator: Indicator,
    measurements: dict[str, Measurement],
    approved_by: tuple[str | None, datetime | None],
    zone: ZoneInfo,
    by_run: dict[int, tuple[str | None, datetime | None]] | None = None,
) -> IndicatorFacts:
    by_run = by_run or {}
    return IndicatorFacts(
        code=indicator.code,
        name=indicator.name,
        sasaran=indicator.sasaran,
        satuan=indicator.satuan,
        precision=indicator.precision,
        polarity=Polarity(indicator.polarity),
        lower_formula=LowerFormula(indicator.lower_formula),
        aggregation=Aggregation(indicator.aggregation),
        targets={t.period: t.value for t in indicator.targets},
        measurements={
            period: _measurement_facts(m, by_run.get(m.run_id or 0, approved_by), zone)
            for period, m in measurements.items()
        },
    )


def _measurement_facts(
    m: Measurement, approved_by: tuple[str | None, datetime | None], zone: ZoneInfo
) -> MeasurementFacts:
    approved = m.state is MeasurementState.APPROVED
    return MeasurementFacts(
        value=m.value,
        no_data=m.no_data,
        no_data_reason=m.no_data_reason,
        kendala=m.kendala,
        tindak_lanjut=m.tindak_lanjut,
        approved=approved,
        late=LATE_FLAG in (m.flags or []),
        provenance=Provenance(
            entered_by=m.entered_by.name if m.entered_by else None,
            entered_at=m.entered_at.astimezone(zone) if m.entered_at else None,
            approved_by=approved_by[0] if approved else None,
            approved_at=approved_by[1] if approved else None,
        ),
    )


def _run_signatures(
    uow: SqlAlchemyUnitOfWork,
    run: Run,
    definition: SopDefinition,
    acts: list[Act],
    zone: ZoneInfo,
    acknowledging: Signature | None,
) -> tuple[Signature, ...]:
    """Who compiled the organisation's report, every run-level level that acted, and who
    acknowledges it (``acknowledging``, "Mengetahui"), unless that person signed already."""
    signatures: list[Signature] = []
    accepting_tasks = {act.task.id for act in acts if not act.by_review}
    compiled = _compiled_by(uow, run, definition, exclude=accepting_tasks)
    if compiled is not None:
        signed = _task_signature(uow, compiled, definition, "Disusun oleh", zone)
        signatures.append(replace(signed, dated_as="Disusun pada"))
    run_level = [act for act in acts if act.unit_id is None]
    signatures += [_act_signature(uow, act, definition, zone) for act in _levels(run_level)]
    known = {(s.name, s.nip) for s in signatures if s.name}
    if acknowledging is not None and (acknowledging.name, acknowledging.nip) not in known:
        signatures.append(acknowledging)
    return tuple(signatures)


def _act_signature(
    uow: SqlAlchemyUnitOfWork, act: Act, definition: SopDefinition, zone: ZoneInfo
) -> Signature:
    when = act.at.astimezone(zone)
    if act.effect is Effect.VERIFIED:
        caption, dated = "Diverifikasi oleh", "Diverifikasi pada"
    else:
        caption = "Disetujui oleh"
        dated = "Disetujui pada" if act.by_review else "Diterima pada"
    signed = _person_signature(uow, act.person, act.task, definition, caption, when)
    return replace(signed, dated_as=dated)


_ACTING = re.compile(r"^\s*(plt|plh|a\.?\s*n)\.?\s+", re.IGNORECASE)


def pengesah_post(definition: SopDefinition) -> str:
    """The pengesah's post without the acting prefix of the day it was signed
    ("Plt. Kepala Dinas ..." -> "Kepala Dinas ..."); empty when the document prints none."""
    signer = definition.pengesah
    return _ACTING.sub("", signer.jabatan).strip() if signer is not None else ""


def pengesah_roles(definition: SopDefinition) -> list[str]:
    """Role keys that may hold the SOP pengesah's post, most specific first.

    ``pengesah.peran`` when given; else an SOP role named like the post; else the post
    written as an organisation-file key, in full and short ("Kepala Dinas Perpustakaan"
    -> kepala_dinas_perpustakaan, kepala_dinas; "Camat" -> camat); a document that prints
    no post: the SOP's top role (no superior, above the most roles).
    """
    signer = definition.pengesah
    if signer is None:
        return []
    if signer.peran:
        return [signer.peran]
    post = " ".join(pengesah_post(definition).split()).casefold()
    found: list[str] = []
    for role in definition.roles:
        if post and " ".join(role.name.split()).casefold() == post:
            found.append(role.key)
    words = re.findall(r"[a-z0-9]+", post)
    if words:
        found.append("_".join(words)[:40])
        found.append("_".join(words[:2]) if words[0] == "kepala" else words[0])
    if not post:
        found += _top_roles(definition)
    return list(dict.fromkeys(found))


def _top_roles(definition: SopDefinition) -> list[str]:
    below: dict[str, int] = {}
    for role in definition.roles:
        seen: set[str] = set()
        current = role.superior
        while current is not None and current not in seen:
            seen.add(current)
            below[current] = below.get(current, 0) + 1
            current = definition.role(current).superior if definition.has_role(current) else None
    tops = [r for r in definition.roles if r.superior is None]
    return [r.key for r in sorted(tops, key=lambda r: -below.get(r.key, 0))][:1]


def _mengetahui(
    uow: SqlAlchemyUnitOfWork, run: Run, definition: SopDefinition, now: datetime
) -> Signature | None:
    """ "Mengetahui": the person holding the pengesah's post in the organisation today.

    Nobody holds it: the post with an empty name line (signed on paper); the
    name printed on the SOP document is never used.
    """
    keys = pengesah_roles(definition)
    if not keys:
        return None
    ctx = run_context(uow, run)
    assignments = uow.orgs.assignments_in(run.organisation_id)
    today = now.date()
    post = pengesah_post(definition)
    for key in keys:
        people = holders_near(
            ctx.tree, assignments, key, ctx.home_unit_id, today, organisation_wide=True
        )
        if not people:
            continue
        person = people[0]
        jabatan = post or (definition.role(key).name if definition.has_role(key) else key)
        capacity = capacity_of(
            ctx.tree,
            assignments,
            person.id,
            key,
            jabatan,
            ctx.home_unit_id,
            today,
            organisation_wide=True,
        )
        label = capacity.label if capacity is not None else jabatan
        if capacity is not None:
            post_row = _assignment(uow, person.id, key, capacity.unit_id, today)
            if post_row is not None and post_row.title:
                label = f"{ACTING_PREFIX.get(capacity.acting, '')}{post_row.title}"
        return Signature(
            caption="Mengetahui",
            jabatan=label,
            name=person.name,
            nip=person.nip,
            signed_at=None,
            pangkat=person.rank or None,
        )
    jabatan = post or (definition.role(keys[0]).name if definition.has_role(keys[0]) else "")
    if not jabatan:
        return None
    return Signature(caption="Mengetahui", jabatan=jabatan, name=None, nip=None, signed_at=None)


def _compiled_by(
    uow: SqlAlchemyUnitOfWork,
    run: Run,
    definition: SopDefinition,
    *,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> Task | None:
    """The last run-level task done that is not a decision nor the acceptance itself: the
    one who made the report."""
    done = [
        t
        for t in uow.work.tasks_of_run(run.id, state=TaskState.DONE)
        if t.branch_id is None
        and t.assignee_id is not None
        and t.id not in exclude
        and not definition.step(t.step_no).is_decision
    ]
    return max(done, key=lambda t: (t.finished_at, t.id)) if done else None


def _task_signature(
    uow: SqlAlchemyUnitOfWork, task: Task, definition: SopDefinition, caption: str, zone: ZoneInfo
) -> Signature:
    when = task.finished_at.astimezone(zone) if task.finished_at else None
    return _person_signature(uow, task.assignee, task, definition, caption, when)


def _person_signature(
    uow: SqlAlchemyUnitOfWork,
    person: Person | None,
    task: Task,
    definition: SopDefinition,
    caption: str,
    when: datetime | None,
) -> Signature:
    jabatan = definition.role(task.role_key).name
    if person is not None and when is not None:
        # The capacity the engine itself found the person in (Plt. / Plh. Kabid).
        capacity = task_capacity(uow, run_context(uow, task.run), task, person.id, when.date())
        if capacity is not None:
            jabatan = capacity.label
            # The post's full title from the organisation file, with the same prefix.
            post = _assignment(uow, person.id, task.role_key, capacity.unit_id, when.date())
            if post is not None and post.title:
                jabatan = f"{ACTING_PREFIX.get(capacity.acting, '')}{post.title}"
    return Signature(
        caption=caption,
        jabatan=jabatan,
        name=person.name if person else None,
        nip=person.nip if person else None,
        signed_at=when,
        pangkat=(person.rank or None) if person else None,
    )
