"""``sopbot targets``: import indicators and targets from XLSX, or write the blank template."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.db import ORG_OPTION, friendly_db_errors, resolve_org, unit_of_work


@click.group()
def targets() -> None:
    """Indikator kinerja dan target (PK tahunan, Rencana Aksi triwulanan)."""


@targets.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ORG_OPTION
@friendly_db_errors
def import_(file: Path, org_slug: str | None) -> None:
    """Impor FILE.xlsx (sheet Indikator dan Target); semua atau tidak sama sekali."""
    from bot.imports import ImportFailed
    from bot.imports.targets_import import import_targets

    try:
        with unit_of_work() as uow:
            result = import_targets(uow, file, resolve_org(uow, org_slug))
            uow.commit()
    except ImportFailed as exc:
        raise click.ClickException(exc.report()) from exc
    click.echo(result.summary())


@targets.command()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Berkas .xlsx yang ditulis.",
)
@click.option("--force", is_flag=True, help="Timpa berkas yang sudah ada.")
def template(output: Path, force: bool) -> None:
    """Tulis templat kosong (judul kolom, satu baris contoh, pilihan dropdown)."""
    from bot.imports.targets_template import write_targets_workbook

    if output.suffix.lower() != ".xlsx":
        raise click.ClickException("Nama berkas templat harus berakhiran .xlsx")
    if output.exists() and not force:
        raise click.ClickException(f"{output} sudah ada; pakai --force untuk menimpa.")
    write_targets_workbook(output)
    click.echo(f"Templat ditulis ke {output}.")
