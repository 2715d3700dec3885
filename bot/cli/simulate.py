"""`sopbot simulate`: see a whole quarter work, with no token and no set-up."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import click


@click.command("simulate")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Direktori untuk transkrip tiap orang dan berkas laporan triwulan.",
)
def simulate(out_dir: Path | None) -> None:
    """Mainkan satu triwulan SOP 004 dengan bot sungguhan dan server Telegram tiruan."""
    from bot.simulate.scenario import simulate as play

    logging.basicConfig(level=logging.WARNING)
    chats = asyncio.run(play(out_dir))
    for text in chats.values():
        click.echo(text)
    if out_dir is not None:
        click.echo(f"Transkrip dan laporan ditulis ke {out_dir}")
