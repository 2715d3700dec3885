"""``sopbot org``: import an organisation (units, people, roles) and list what is stored."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.db import friendly_db_errors, unit_of_work


@click.group()
def org() -> None:
    """Organisasi: unit, pegawai dan peran."""


@org.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--org", "org_slug", metavar="SLUG", help="Slug organisasi (jika berkas tidak menyebutnya)."
)
@friendly_db_errors
def import_(file: Path, org_slug: str | None) -> None:
    """Impor FILE (YAML atau XLSX); semua atau tidak sama sekali, aman diulang."""
    from bot.imports import ImportFailed
    from bot.imports.org_file import read_org_file
    from bot.imports.org_import import import_org
    from bot.imports.problems import Problems

    problems = Problems()
    data = read_org_file(file, problems)
    try:
        problems.raise_if_any()
        with unit_of_work() as uow:
            result = import_org(uow, data, org_slug)
            uow.commit()
    except ImportFailed as exc:
        raise click.ClickException(exc.report()) from exc
    click.echo(result.summary())


@org.command("list")
@friendly_db_errors
def list_() -> None:
    """Daftar organisasi beserta jumlah unit dan pegawainya."""
    with unit_of_work() as uow:
        orgs = uow.orgs.organisations()
        if not orgs:
            click.echo("Belum ada organisasi.")
        for o in orgs:
            sample = " [DATA CONTOH]" if o.is_sample else ""
            units, people = len(uow.orgs.units(o.id)), len(uow.orgs.people(o.id))
            click.echo(f"{o.slug}: {o.name} ({units} unit, {people} pegawai){sample}")
