"""issue 19: an admin starts a run (SOP, then a period of its frequency) and reopens a
unit's approved figures with a reason, from the chat.

Both go through the engine's own functions inside the update's unit of work
(``lifecycle.start_run``, ``reopen.reopen_unit``: what ``sopbot start`` and
``sopbot task reopen`` call), with the admin as the actor: the same checks,
the same audit entries and the same notices (the outbox, sent after the commit).
"""

from __future__ import annotations

from datetime import date

from bot.conversation.state import ChoosingPeriod, ChoosingReopenUnit, ReopenReason
from bot.conversation.table import Event, Facts
from bot.domain.enums import RunState
from bot.domain.periods import Period
from bot.domain.text_clean import clean_text
from bot.domain.triggers import FREQUENCIES
from bot.engine import EngineError
from bot.engine.lifecycle import start_run
from bot.engine.reopen import reopen_unit
from bot.services.admin import AdminTurn, AdminView, Choice, admin_turn
from bot.services.context import Services
from bot.services.report_menu import ReportChoice, organisation_sops
from bot.services.turn import Outcome

RUNS_SHOWN = 10


# --- start a run ---------------------------------------------------------------------------
def _sops(services: Services, a: AdminTurn) -> list[str]:
    return organisation_sops(a.uow, services.catalog, a.turn.member)


def sops_view(a: AdminTurn) -> AdminView:
    catalog = a.turn.services.catalog
    rows = tuple(
        (Choice(catalog.definitions[sop].definition.name, Event.RUN_SOP, index),)
        for index, sop in enumerate(_sops(a.turn.services, a))
    )
    return AdminView("run_sop", {"none": not rows}, rows)


def periods_for(frequency: str, today: date) -> list[Period]:
    """The period of the SOP's frequency that ended last (what a run usually collects), the
    current one, and the one before the last."""
    current = Period.containing(FREQUENCIES[frequency], today)
    last = current.previous()
    return [last, current, last.previous()]


def choose_sop(services: Services, user_id: int, index: int) -> Outcome:
    """An SOP chosen: the periods of its frequency are offered."""

    def body(a: AdminTurn) -> AdminView:
        sops = _sops(services, a)
        step = a.step(Event.RUN_SOP)
        if step is None or not 0 <= index < len(sops):
            return a.stale()
        definition = services.catalog.definitions[sops[index]].definition
        a.move(step, ChoosingPeriod(sop_id=sops[index]))
        today = a.now.astimezone(a.zone).date()
        rows = tuple(
            (Choice(period.label, Event.RUN_PERIOD, ReportChoice(0, period).number()),)
            for period in periods_for(definition.frequency, today)
        )
        context = {"sop": definition.name, "frequency": definition.frequency}
        return AdminView("run_period", context, rows, step.effects)

    return admin_turn(services, user_id, body)


def choose_period(services: Services, user_id: int, number: int) -> Outcome:
    """A period chosen: the run starts, with the admin as the actor."""

    def body(a: AdminTurn) -> AdminView:
        position = a.position
        choice = ReportChoice.from_number(number)
        if not isinstance(position, ChoosingPeriod) or choice is None or choice.period is None:
            return a.stale()
        loaded = services.catalog.definitions.get(position.sop_id)
        if loaded is None:
            return a.stale()
        period = choice.period
        try:
            run_id = start_run(
                a.uow,
                loaded,
                a.org.slug,
                period,
                now=a.now,
                unit=None,
                units=None,
                actor_id=a.person_id,
            )
        except EngineError as error:
            a.turn.rollback()
            step = a.step(Event.RUN_PERIOD, Facts(saved=False))
            assert step is not None
            a.move(step)
            return AdminView("refused", {"reason": str(error)}, (), step.effects)
        step = a.step(Event.RUN_PERIOD, Facts(saved=True))
        assert step is not None
        a.move(step)
        run = a.uow.runs.run(run_id)
        context = {
            "run_id": run_id,
            "sop": loaded.definition.name,
            "period": period.label,
            "units": len(run.branches) if run is not None else 0,
        }
        return AdminView("run_started", context, (), step.effects, notify=True)

    return admin_turn(services, user_id, body)


# --- reopen a unit's approved figures --------------------------------------------------------
def _reopenable(a: AdminTurn, run_id: int) -> list[tuple[int, str, str]]:
    """(unit id, code, name) of the run's units whose figures are no longer being worked on."""
    found = []
    for branch in a.uow.runs.branches(run_id):
        if branch.state is not RunState.OPEN:
            found.append((branch.unit.id, branch.unit.code, branch.unit.name))
    return sorted(found, key=lambda u: u[1])


def runs_view(a: AdminTurn) -> AdminView:
    catalog = a.turn.services.catalog
    rows = []
    for run in a.uow.runs.recent_runs(a.org.id, RUNS_SHOWN):
        if run.state is RunState.CANCELLED or not _reopenable(a, run.id):
            continue
        loaded = catalog.definitions.get(run.sop_id)
        name = loaded.definition.name if loaded else run.sop_id
        label = f"Pelaksanaan #{run.id} — {Period.parse(run.period).label} — {name}"
        rows.append((Choice(label, Event.REOPEN_RUN, run.id),))
    return AdminView("reopen_run", {"none": not rows}, tuple(rows))


def choose_run(services: Services, user_id: int, run_id: int) -> Outcome:
    """A run chosen: its units with approved figures are offered."""

    def body(a: AdminTurn) -> AdminView:
        run = a.uow.runs.run(run_id)
        step = a.step(Event.REOPEN_RUN)
        if step is None or run is None or run.organisation_id != a.org.id:
            return a.stale()
        a.move(step, ChoosingReopenUnit(run_id=run.id))
        rows = tuple(
            (Choice(f"{code} — {name}", Event.REOPEN_UNIT, unit_id),)
            for unit_id, code, name in _reopenable(a, run.id)
        )
        context = {"run_id": run.id, "period": Period.parse(run.period).label, "none": not rows}
        return AdminView("reopen_unit", context, rows, step.effects)

    return admin_turn(services, user_id, body)


def choose_unit(services: Services, user_id: int, unit_id: int) -> Outcome:
    """A unit chosen: the reason is asked (typed)."""

    def body(a: AdminTurn) -> AdminView:
        position = a.position
        step = a.step(Event.REOPEN_UNIT)
        if not isinstance(position, ChoosingReopenUnit) or step is None:
            return a.stale()
        units = {u[0]: u for u in _reopenable(a, position.run_id)}
        if unit_id not in units:
            return a.stale()
        a.move(step, ReopenReason(run_id=position.run_id, unit_id=unit_id))
        context = {"run_id": position.run_id, "unit": units[unit_id][2]}
        return AdminView("reopen_reason", context, (), step.effects)

    return admin_turn(services, user_id, body)


def reason_typed(a: AdminTurn, text: str) -> AdminView:
    """The reason typed: the unit's figures open again (as ``sopbot task reopen``)."""
    position = a.position
    assert isinstance(position, ReopenReason)
    unit = a.uow.orgs.unit_by_id(position.unit_id)
    reason = clean_text(text).strip()
    try:
        if unit is None:
            raise EngineError("Unit tidak ditemukan.")
        task_id = reopen_unit(
            a.uow, position.run_id, unit.code, a.person_id, reason=reason, now=a.now
        )
    except EngineError as error:
        a.turn.rollback()
        step = a.step(Event.TEXT_TYPED, Facts(saved=False))
        assert step is not None
        a.move(step, position)
        return AdminView("reopen_refused", {"reason": str(error)}, (), step.effects)
    step = a.step(Event.TEXT_TYPED, Facts(saved=True))
    assert step is not None
    a.move(step)
    context = {"run_id": position.run_id, "unit": unit.name, "reason": reason, "task": task_id}
    return AdminView("reopened", context, (), step.effects, notify=True)
