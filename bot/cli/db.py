"""``sopbot db``: apply migrations, and the database helpers the other admin commands share.

Every command reads DATABASE_URL through the settings; failures (server down,
bad URL, a file that does not import) become one Bahasa Indonesia line, exit 1,
never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from bot.persistence.db import make_engine, missing_sqlite_file, normalise_url
from bot.persistence.models import Organisation
from bot.persistence.uow import SqlAlchemyUnitOfWork, make_uow_factory

P = ParamSpec("P")
R = TypeVar("R")


def database_url() -> str:
    from bot.settings import get_settings

    return normalise_url(get_settings().database_url)


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(URL tidak sah)"


def no_database_message(missing: object) -> str:
    """What to say when the SQLite file does not exist yet (nothing has been set up)."""
    return (
        f"Basis data belum ada: berkas {missing} tidak ditemukan. Buat dulu dengan "
        "'sopbot db upgrade', lalu impor organisasi dengan 'sopbot org import'."
    )


def require_database(url: str | None = None) -> str:
    """DATABASE_URL (or ``url``), refusing a SQLite file that does not exist yet.

    Connecting would create an empty file in the working directory; a command
    that only reads must never do that.
    """
    url = normalise_url(url) if url is not None else database_url()
    try:
        missing = missing_sqlite_file(url)
    except ArgumentError:
        return url  # friendly_db_errors says what is wrong with it
    if missing is not None:
        raise click.ClickException(no_database_message(missing))
    return url


def friendly_db_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn connection and schema errors into a ClickException with a hint."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ArgumentError as exc:
            raise click.ClickException(f"DATABASE_URL tidak sah: {exc}") from exc
        except OperationalError as exc:
            not_upgraded = _not_upgraded()
            if not_upgraded:
                raise click.ClickException(not_upgraded) from exc
            reason = str(exc.orig or exc).strip().splitlines()[0]
            raise click.ClickException(
                f"Basis data {shown_url(database_url())} tidak dapat dipakai: {reason}. "
                "Sudahkah menjalankan 'sopbot db upgrade'?"
            ) from exc
        except ProgrammingError as exc:
            not_upgraded = _not_upgraded()
            if not_upgraded:
                raise click.ClickException(not_upgraded) from exc
            reason = str(exc.orig or exc).strip().splitlines()[0]
            raise click.ClickException(
                f"Struktur basis data tidak sesuai ({reason}); jalankan 'sopbot db upgrade'."
            ) from exc

    return wrapper


def _not_upgraded() -> str | None:
    """Why the database lacks tables, when it is behind the migrations (else None).

    The driver's "no such table: organisations" is English and says nothing of the
    cure; a database that is reachable but not at the newest revision has one.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.persistence.migrate import current_revision, head_revision

    url = database_url()
    try:
        now = current_revision(url)
    except SQLAlchemyError:
        return None  # unreachable: the caller says so
    head = head_revision()
    if now == head:
        return None
    where = shown_url(url)
    if now is None:
        return (
            f"Basis data {where} belum disiapkan (tabelnya belum ada); jalankan dulu "
            "'sopbot db upgrade', lalu 'sopbot org import'."
        )
    return f"Basis data {where} pada revisi {now}, terbaru {head}; jalankan 'sopbot db upgrade'."


@contextmanager
def unit_of_work() -> Iterator[SqlAlchemyUnitOfWork]:
    """A unit of work on DATABASE_URL (which must exist); the engine is disposed afterwards."""
    engine = make_engine(require_database())
    try:
        with make_uow_factory(engine)() as uow:
            yield uow
    finally:
        engine.dispose()


def resolve_org(uow: SqlAlchemyUnitOfWork, slug: str | None) -> Organisation:
    """The organisation named by ``--org``, or the only one there is."""
    if slug:
        org = uow.orgs.organisation(slug)
        if org is None:
            raise click.ClickException(
                f"Organisasi '{slug}' tidak ada; impor dulu (sopbot org import)."
            )
        return org
    orgs = list(uow.orgs.organisations())
    if len(orgs) == 1:
        return orgs[0]
    if not orgs:
        raise click.ClickException("Belum ada organisasi; jalankan dulu 'sopbot org import'.")
    raise click.ClickException(
        "Ada beberapa organisasi; pilih dengan --org: " + ", ".join(o.slug for o in orgs)
    )


ORG_OPTION = click.option("--org", "org_slug", metavar="SLUG", help="Slug organisasi.")


@click.group()
def db() -> None:
    """Basis data: terapkan migrasi dan periksa revisinya."""


@db.command()
@click.argument("revision", default="head")
@friendly_db_errors
def upgrade(revision: str) -> None:
    """Terapkan migrasi sampai REVISI (bawaan: head, yang terbaru)."""
    from bot.persistence.migrate import current_revision
    from bot.persistence.migrate import upgrade as run_upgrade

    url = database_url()
    run_upgrade(url, revision)
    click.echo(f"Basis data {shown_url(url)} pada revisi {current_revision(url)}.")


@db.command()
@friendly_db_errors
def current() -> None:
    """Tampilkan revisi basis data dan revisi terbaru."""
    from bot.persistence.migrate import current_revision, head_revision

    url = database_url()
    missing = missing_sqlite_file(url)
    if missing is not None:
        click.echo(
            f"{shown_url(url)}: belum ada basis data (berkas {missing} tidak ditemukan), "
            f"terbaru {head_revision()} (perlu 'sopbot db upgrade')."
        )
        return
    now, head = current_revision(url), head_revision()
    state = "mutakhir" if now == head else "perlu 'sopbot db upgrade'"
    click.echo(f"{shown_url(url)}: revisi {now or '(kosong)'}, terbaru {head} ({state}).")


@db.command(hidden=True)
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def revision(message: str, autogenerate: bool) -> None:
    """(Pengembang) Buat berkas migrasi baru dari perbedaan model dan basis data."""
    from alembic import command

    from bot.persistence.migrate import alembic_config

    command.revision(alembic_config(database_url()), message=message, autogenerate=autogenerate)
