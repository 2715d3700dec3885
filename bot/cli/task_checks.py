"""Plausibility on the command line: ``sopbot task input`` shows each concern and saves such a
value only with ``--yakin``; it also says which indicators still need kendala and tindak lanjut.

The checks are the engine's (``InputLine.checks``), so what is printed here is what the
engine would refuse without confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import click

from bot.cli.task_sheet import render_sheet
from bot.domain.plausibility import kinds, threshold_text
from bot.engine.inputs import InputLine
from bot.engine.plausibility import lacks_kendala

YAKIN_HELP = (
    "Simpan juga nilai yang tampak tidak wajar (lonjakan dari triwulan lalu, jauh dari "
    "target, persentase di atas 100%, total kumulatif yang turun) setelah diperiksa. "
    "Tanpa --yakin nilai seperti "
    "itu hanya ditampilkan dengan peringatannya dan tidak ada yang disimpan."
)


def confirmations(
    figures: Mapping[int, Decimal], lines: Iterable[InputLine], *, yakin: bool
) -> dict[int, frozenset[str]]:
    """Print every concern about ``figures``; the kinds to confirm per indicator.

    Without ``yakin`` a concern stops the command before anything is saved.
    """
    by_id = {line.indicator_id: line for line in lines}
    confirmed: dict[int, frozenset[str]] = {}
    for indicator_id, value in figures.items():
        line = by_id[indicator_id]
        concerns = line.checks.concerns(value) if line.checks is not None else ()
        for concern in concerns:
            click.echo(f"{line.code}: Perhatian: {concern.message(line.precision)}")
        confirmed[indicator_id] = kinds(concerns)
    if not yakin and any(confirmed.values()):
        raise click.ClickException(
            "Tidak ada yang disimpan: periksa nilai di atas. "
            "Bila nilainya memang benar, ulangi perintah dengan --yakin."
        )
    return confirmed


def kept_value(line: InputLine) -> dict[str, Any]:
    """The indicator's current value (or no-data reason), repeated when only notes change."""
    if line.value is not None:
        return {"value": line.value}
    if line.no_data and line.no_data_reason:
        return {"no_data_reason": line.no_data_reason}
    raise click.ClickException(
        f"{line.code}: isi dulu nilainya (KODE=NILAI) atau --no-data, lalu kendalanya."
    )


def kendala_hints(sheet: Sequence[InputLine], task_id: int, nip: str) -> list[str]:
    """What submit will require: kendala and tindak lanjut where the capaian is low."""
    lacking = [line for line in sheet if line.editable and lacks_kendala(line)]
    if not lacking:
        return []
    first = lacking[0]
    threshold = first.checks.kendala_below_percent if first.checks is not None else Decimal(90)
    codes = ", ".join(line.code for line in lacking)
    return [
        f"Wajib diisi kendala dan tindak lanjut (capaian di bawah {threshold_text(threshold)}): "
        f"{codes}.",
        f'Isi dengan: sopbot task input {task_id} --as {nip} --kendala {first.code}="..." '
        f'--tindak-lanjut {first.code}="..."',
    ]


def echo_saved(
    sheet: Sequence[InputLine], changed: set[int], task_id: int, nip: str, heading: str
) -> None:
    """After ``task input``: the indicators just saved, what is still empty, and the next
    command (or what must be added before it)."""
    click.echo(heading)
    for line in render_sheet([line for line in sheet if line.indicator_id in changed]):
        click.echo(line)
    missing = [line.code for line in sheet if line.editable and not line.filled]
    hints = kendala_hints(sheet, task_id, nip)
    if missing:
        click.echo(f"Belum diisi: {', '.join(missing)}.")
    elif not hints:
        click.echo(f"Semua indikator terisi; kirim dengan: sopbot task done {task_id} --as {nip}")
    for hint in hints:
        click.echo(hint)
