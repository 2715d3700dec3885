"""``sopbot task sheet T -o F.xlsx`` and ``sopbot task input T --file F.xlsx`` (issue 16).

The same input sheet the bot sends from the task card, and the same reading
of it when it comes back: all or nothing, every problem named by sheet, row
and column, a stale sheet (another period, another unit, an earlier round of
the task) refused with the reason. Figures are saved through the engine's
``save_value``; one with a plausibility concern only with ``--yakin``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from bot.cli import task_checks
from bot.cli.engine_support import Actor, open_database
from bot.engine.card import read_card
from bot.imports.input_sheet import NotInputSheet, file_name
from bot.services import batch_input


def write_sheet(task_id: int, who: Actor, nip: str, now: datetime, output: Path | None) -> Path:
    """The task's input sheet written to ``output`` (default: its own name in the cwd)."""
    with open_database() as db, db.uow_factory() as uow:
        card = read_card(uow, task_id, who.person_id, now)
        if not any(line.editable for line in card.lines):
            raise click.ClickException(
                f"Tugas {task_id} tidak meminta (lagi) pengisian data; tidak ada lembar isian."
            )
        content = batch_input.sheet_bytes(uow, card, who.org.id, now)
    path = output or Path(file_name(card.view))
    path.write_bytes(content)
    click.echo(
        f"Lembar isian tugas {task_id} ({card.view.unit_name}, {card.view.period_label}, "
        f"putaran {card.view.round}, {len(card.lines)} indikator) ditulis ke {path}."
    )
    click.echo(f"Isi kolom Realisasi, lalu: sopbot task input {task_id} --file {path} --as {nip}")
    return path


def input_file(
    task_id: int, who: Actor, nip: str, now: datetime, path: Path, *, yakin: bool
) -> None:
    """Read the returned sheet ``path`` for ``task_id`` and save its figures (or nothing)."""
    content = path.read_bytes()
    with open_database() as db, db.uow_factory() as uow:
        try:
            found = batch_input.read_sheet(uow, who.person_id, who.org.id, now, content)
        except NotInputSheet as error:
            raise click.ClickException(
                f"{path} bukan lembar isian sopbot ({error}). Ambil lembarnya dengan: "
                f"sopbot task sheet {task_id} --as NIP"
            ) from error
        if found.stale is not None:
            raise click.ClickException(f"Tidak ada yang disimpan. {found.stale}")
        if found.problems:
            raise click.ClickException("\n".join(found.problems))
        if found.task_id != task_id:
            raise click.ClickException(
                f"Tidak ada yang disimpan: {path} adalah lembar tugas {found.task_id}, "
                f"bukan tugas {task_id}."
            )
        card = found.card
        assert card is not None
        concerned = False
        for figure in found.figures:
            line = card.line(figure.indicator_id)
            assert line is not None
            shown = batch_input.read_figure(line, figure)
            capaian = f", capaian {shown.capaian}" if shown.capaian else ""
            unit = line.satuan if line.satuan == "%" else f" {line.satuan}"
            click.echo(f"{figure.code}: dibaca {figure.shown}{unit}{capaian}")
            for concern in shown.concerns:
                click.echo(f"{figure.code}: Perhatian: {concern}")
                concerned = True
        if concerned and not yakin:
            raise click.ClickException(
                "Tidak ada yang disimpan: periksa nilai di atas. "
                "Bila nilainya memang benar, ulangi perintah dengan --yakin."
            )
        batch_input.save_figures(uow, task_id, who.person_id, now, found.figures)
        uow.commit()
        sheet = read_card(uow, task_id, who.person_id, now).lines
    changed = {figure.indicator_id for figure in found.figures}
    heading = f"Tersimpan sebagai draf ({len(changed)} indikator dari {path.name}):"
    task_checks.echo_saved(sheet, changed, task_id, nip, heading)
