"""Small helpers for driving the engine through whole procedures in tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.definitions import load_catalog
from bot.domain.capaian import capaian
from bot.domain.plausibility import kinds
from bot.engine import Engine, InputLine
from bot.imports.org_file import read_org_file
from bot.imports.org_import import import_org
from bot.imports.problems import Problems
from bot.persistence.models import Indicator
from bot.persistence.uow import SqlAlchemyUnitOfWork

WITA = ZoneInfo("Asia/Makassar")
ROOT = Path(__file__).resolve().parents[2]
ORGS = ROOT / "tests" / "fixtures" / "orgs"
UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def make_engine(uow_factory: UowFactory) -> Engine:
    catalog = load_catalog([ROOT / "sop_definitions"])
    assert catalog.ok, catalog.problems
    return Engine(uow_factory, catalog)


def import_org_file(uow_factory: UowFactory, name: str) -> str:
    problems = Problems()
    data = read_org_file(ORGS / f"{name}.yaml", problems)
    problems.raise_if_any()
    with uow_factory() as uow:
        result = import_org(uow, data, None)
        uow.commit()
    return result.slug


def add_indicators(
    uow_factory: UowFactory, slug: str, per_unit: dict[str, int], *, year: int = 2026
) -> None:
    """``per_unit`` unit code -> how many indicators (targets 100 every quarter, 400 a year)."""
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        for code, count in per_unit.items():
            unit = uow.orgs.unit(org.id, code)
            assert unit is not None
            for i in range(1, count + 1):
                indicator = Indicator(
                    organisation_id=org.id,
                    unit_id=unit.id,
                    code=f"{code}-{i:02d}",
                    name=f"Indikator {i} {unit.name}",
                    satuan="dokumen",
                )
                uow.indicators.add(indicator)
                for q in range(1, 5):
                    uow.indicators.set_target(indicator, year, f"{year}-TW{q}", Decimal(100))
                uow.indicators.set_target(indicator, year, f"{year}-TAHUNAN", Decimal(400))
        uow.commit()


def person_id(uow_factory: UowFactory, slug: str, nip: str) -> int:
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        person = uow.orgs.person_by_nip(org.id, nip)
        assert person is not None, nip
        return person.id


@dataclass(frozen=True)
class Event:
    kind: str
    payload: dict[str, Any]


def events(uow_factory: UowFactory, kind: str | None = None) -> list[Event]:
    """Outbox events not yet dispatched, oldest first, as plain values."""
    with uow_factory() as uow:
        rows = uow.audit.pending_events(limit=100_000)
        return [Event(e.kind, dict(e.payload)) for e in rows if kind is None or e.kind == kind]


@dataclass
class Clock:
    """A controlled clock: the tests move time, never the wall clock."""

    now: datetime = field(default_factory=lambda: datetime(2026, 10, 12, 8, 0, tzinfo=WITA))

    def advance(self, **delta: Any) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


def fill_all(
    engine: Engine,
    task_id: int,
    person: int,
    now: datetime,
    value: Decimal = Decimal(90),
    only: Iterable[int] | None = None,
) -> int:
    """Enter ``value`` for every editable indicator of the task; returns how many.

    Where the value's capaian is below the kendala threshold, a kendala and a
    tindak lanjut go with it (submit requires them there).
    """
    keep = set(only) if only is not None else None
    count = 0
    for line in engine.input_sheet(task_id, person, now=now):
        if line.editable and (keep is None or line.indicator_id in keep):
            notes = _required_notes(line, value)
            # One figure for every indicator is far from some targets (90 activities for
            # a target of 3): the helper confirms what the person would confirm.
            sure = kinds(line.checks.concerns(value)) if line.checks is not None else frozenset()
            engine.save_value(
                task_id, person, line.indicator_id, now=now, value=value, confirmed=sure, **notes
            )
            count += 1
    return count


def _required_notes(line: InputLine, value: Decimal) -> dict[str, str]:
    result = capaian(line.target, value, line.polarity, line.lower_formula)
    if line.checks is None or not line.checks.kendala_required(result.value):
        return {}
    return {"kendala": "Kendala uji", "tindak_lanjut": "Tindak lanjut uji"}


def single_task(engine: Engine, person: int, now: datetime, step_no: int | None = None) -> int:
    tasks = [t for t in engine.open_tasks(person, now=now) if step_no in (None, t.step_no)]
    assert len(tasks) == 1, [(t.task_id, t.step_no, t.unit_name) for t in tasks]
    return tasks[0].task_id


def finish(engine: Engine, person: int, step_no: int, now: datetime) -> int:
    """Complete the person's one open task at ``step_no``; returns its id."""
    task = single_task(engine, person, now, step_no)
    engine.complete_task(task, person, now=now)
    return task


def approve(engine: Engine, person: int, step_no: int, now: datetime) -> int:
    """Approve (YA) the person's one open review at ``step_no``; returns its id."""
    task = single_task(engine, person, now, step_no)
    engine.decide(task, person, approve=True, now=now)
    return task
