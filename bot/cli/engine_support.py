"""What the run and task commands share: the Engine, the clock, the organisation, the person.

The command line is the one place allowed to read the clock (``--now`` replaces
it for demos and tests); everything below it takes the time as an argument.
Engine refusals are meant for people, so they become their Indonesian message
and exit code 1, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import click

from bot.cli.db import friendly_db_errors, require_database, resolve_org, unit_of_work
from bot.definitions import Catalog
from bot.domain.calendar import load_zone
from bot.domain.locale_id import format_datetime_id
from bot.engine import Engine, EngineError
from bot.persistence.uow import SqlAlchemyUnitOfWork

P = ParamSpec("P")
R = TypeVar("R")

NOW_OPTION = click.option(
    "--now",
    "now_text",
    metavar="ISO",
    help=(
        "Waktu 'sekarang' untuk demo/uji, mis. 2026-10-12T08:00 (tanpa zona: zona "
        "organisasi; bawaan: SOPBOT_NOW, bila tidak diatur: waktu sebenarnya)."
    ),
)
ORG_OPTION = click.option(
    "--org", "org_slug", metavar="SLUG", help="Slug organisasi (bawaan: satu-satunya organisasi)."
)
RUN_OPTION = click.option(
    "--run",
    "run_id",
    required=True,
    type=int,
    metavar="N",
    help="Nomor pelaksanaan (dari sopbot status).",
)
AS_OPTION = click.option(
    "--as", "nip", required=True, metavar="NIP", help="NIP pegawai yang bertindak."
)


@dataclass(frozen=True)
class OrgRef:
    """The organisation a command works on, read once and then used outside any session."""

    id: int
    slug: str
    name: str
    zone: ZoneInfo


@dataclass(frozen=True)
class Actor:
    """The person a task command acts as (``--as NIP``)."""

    org: OrgRef
    person_id: int
    name: str


def engine_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Engine refusals and database trouble become one message and exit 1."""

    @friendly_db_errors
    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except EngineError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


@dataclass(frozen=True)
class Database:
    """The unit-of-work factory on DATABASE_URL and the loaded SOP definitions."""

    uow_factory: Callable[[], SqlAlchemyUnitOfWork]
    catalog: Catalog


@contextmanager
def open_database() -> Iterator[Database]:
    """DATABASE_URL with every definition; broken definitions stop the command."""
    from bot.definitions import load_catalog
    from bot.persistence.db import make_engine
    from bot.persistence.uow import make_uow_factory

    url = require_database()
    catalog = load_catalog()
    if catalog.problems:
        for problem in catalog.problems:
            click.echo(str(problem), err=True)
        click.echo(
            f"{len(catalog.problems)} masalah pada definisi SOP; perbaiki dulu "
            "(sopbot sop validate).",
            err=True,
        )
        raise click.exceptions.Exit(1)
    db_engine = make_engine(url)
    try:
        yield Database(make_uow_factory(db_engine), catalog)
    finally:
        db_engine.dispose()


@contextmanager
def open_engine() -> Iterator[Engine]:
    """An Engine on DATABASE_URL with every definition (see ``open_database``)."""
    with open_database() as db:
        yield Engine(db.uow_factory, db.catalog)


def organisation(slug: str | None) -> OrgRef:
    """``--org``, or the only organisation there is (see ``resolve_org``)."""
    with unit_of_work() as uow:
        org = resolve_org(uow, slug)
        return OrgRef(org.id, org.slug, org.name, load_zone(org.timezone))


def actor(slug: str | None, nip: str) -> Actor:
    """The person with this NIP in the organisation, or a clear refusal."""
    org = organisation(slug)
    with unit_of_work() as uow:
        person = uow.orgs.person_by_nip(org.id, nip.strip())
        if person is None:
            raise click.ClickException(f"Tidak ada pegawai dengan NIP {nip} di {org.name}.")
        if not person.active:
            raise click.ClickException(f"{person.name} (NIP {nip}) tidak aktif.")
        return Actor(org, person.id, person.name)


def local(moment: datetime | None, zone: ZoneInfo) -> str:
    """``Senin, 12 Oktober 2026 08.15 WITA`` (or ``-`` when there is no moment)."""
    return format_datetime_id(moment.astimezone(zone)) if moment is not None else "-"
