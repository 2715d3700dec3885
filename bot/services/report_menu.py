"""What ``/laporan`` offers: which SOPs, periods and units a member may ask a report of.

No Telegram calls here: the handler (``handlers/report.py``) shows these
choices as buttons and checks every press against :func:`allowed_units` again,
since callback data comes back from the client and is not trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.definitions import Catalog
from bot.domain.periods import Period, PeriodKind
from bot.engine.inputs import participating_units
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services.context import Services
from bot.services.members import Member, member_in, oversees

ALL_UNITS = 0
"""The unit argument meaning "the whole organisation" (the consolidated report)."""

_KIND_CODE = {PeriodKind.TRIWULAN: 0, PeriodKind.SEMESTER: 4, PeriodKind.BULANAN: 10}
_PER_SOP = 1_000_000
"""A choice's number is ``sop_index * _PER_SOP + period code`` (period codes stay below)."""
_MAX_SOPS = 20


@dataclass(frozen=True)
class ReportChoice:
    """An SOP (by its index in the organisation's list) and, once chosen, a period.

    Packed into one number so it fits the callback codec's ``<action>:<n>[:<arg>]``.
    """

    sop_index: int
    period: Period | None = None

    def number(self) -> int:
        return self.sop_index * _PER_SOP + (_period_code(self.period) if self.period else 0)

    @classmethod
    def from_number(cls, number: int) -> ReportChoice | None:
        sop_index, code = divmod(number, _PER_SOP)
        if sop_index >= _MAX_SOPS:
            return None
        if code == 0:
            return cls(sop_index)
        period = _period_from_code(code)
        return None if period is None else cls(sop_index, period)


def _period_code(period: Period) -> int:
    """``year * 100 + k``: k is 1-4 for a quarter, 5-6 for a semester, 7 for the year,
    11-22 for a month (10 + its number)."""
    if period.kind is PeriodKind.TAHUNAN:
        return period.year * 100 + 7
    return period.year * 100 + _KIND_CODE[period.kind] + period.index


def _period_from_code(code: int) -> Period | None:
    year, k = divmod(code, 100)
    try:
        if 1 <= k <= 4:
            return Period(year, PeriodKind.TRIWULAN, k)
        if k in (5, 6):
            return Period(year, PeriodKind.SEMESTER, k - 4)
        if k == 7:
            return Period(year, PeriodKind.TAHUNAN)
        if 11 <= k <= 22:
            return Period(year, PeriodKind.BULANAN, k - 10)
    except ValueError:
        return None
    return None


def period_choices(today: date, *, monthly: bool = False) -> list[Period]:
    """The four quarters that have ended, the last two semesters and years, newest first;
    for a monthly SOP the three months that have ended come first."""
    months: list[Period] = []
    if monthly:
        months = [Period.containing(PeriodKind.BULANAN, today).previous()]
        while len(months) < 3:
            months.append(months[-1].previous())
    last = Period.quarter_before(today)
    quarters = [last]
    while len(quarters) < 4:
        quarters.append(quarters[-1].previous())
    if last.index == 1:
        newest_semester = Period(last.year - 1, PeriodKind.SEMESTER, 2)
    else:
        newest_semester = Period(last.year, PeriodKind.SEMESTER, 1 if last.index < 4 else 2)
    year = Period(last.year, PeriodKind.TAHUNAN)
    return [
        *months,
        *quarters,
        newest_semester,
        newest_semester.previous(),
        year,
        year.previous(),
    ]


def organisation_sops(uow: SqlAlchemyUnitOfWork, catalog: Catalog, member: Member) -> list[str]:
    """The organisation's SOPs that are loaded, in its own order (capped for the codec)."""
    ids = [s for s in uow.orgs.sop_ids(member.organisation_id) if s in catalog.definitions]
    return ids[:_MAX_SOPS]


@dataclass(frozen=True)
class UnitOption:
    unit_id: int
    code: str
    name: str


def allowed_units(
    uow: SqlAlchemyUnitOfWork, catalog: Catalog, member: Member, year: int
) -> tuple[bool, list[UnitOption]]:
    """(may see the whole organisation, the units with indicators for ``year`` offered).

    Reviewers and run-level roles (Kabid, Kasubag Perencanaan...) may take every
    unit and the consolidated report; the others their own units only.
    """
    everything = any(oversees(catalog, role) for role, _ in member.roles)
    own = {unit for _, unit in member.roles}
    units = uow.orgs.units(member.organisation_id)
    reporting = set(participating_units(uow, [u.id for u in units], year))
    units = [
        UnitOption(u.id, u.code, u.name)
        for u in units
        if u.id in reporting and (everything or u.id in own)
    ]
    return everything, sorted(units, key=lambda u: u.code)


@dataclass(frozen=True)
class Menu:
    """What the member may choose from at this point of the menu."""

    sops: list[tuple[str, str]]
    """(id, name) of the organisation's SOPs."""
    periods_by_sop: tuple[tuple[Period, ...], ...]
    """The periods offered for each SOP, in the order of ``sops``."""
    everything: bool = False
    units: tuple[UnitOption, ...] = ()

    def periods(self, sop_index: int) -> list[Period]:
        return list(self.periods_by_sop[sop_index]) if sop_index < len(self.sops) else []


def member_menu(
    services: Services, telegram_user_id: int, year: int | None
) -> tuple[Member | None, Menu | None]:
    """Who is asking and (for a member) what they may choose, in one unit of work: one
    update of /laporan reads once."""
    with services.uow_factory() as uow:
        member = member_in(uow, telegram_user_id)
        if member is None:
            return None, None
        return member, _menu_in(uow, services, member, year)


def menu(services: Services, member: Member, year: int | None) -> Menu:
    """The SOPs, periods and (for ``year``) units the member may choose, in one read."""
    with services.uow_factory() as uow:
        return _menu_in(uow, services, member, year)


def _menu_in(
    uow: SqlAlchemyUnitOfWork, services: Services, member: Member, year: int | None
) -> Menu:
    sops = organisation_sops(uow, services.catalog, member)
    org = uow.orgs.organisation_by_id(member.organisation_id)
    today = services.now().astimezone(ZoneInfo(org.timezone if org else "UTC")).date()
    everything, units = allowed_units(uow, services.catalog, member, year) if year else (False, [])
    definitions = [services.catalog.definitions[s].definition for s in sops]
    names = [(s, d.name) for s, d in zip(sops, definitions, strict=True)]
    periods = tuple(
        tuple(period_choices(today, monthly=d.frequency == "bulanan")) for d in definitions
    )
    return Menu(names, periods, everything, tuple(units))
