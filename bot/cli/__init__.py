"""The ``sopbot`` command line.

Each command group lives in its own module; this one only assembles them.
"""

from __future__ import annotations

import click

from bot import __version__
from bot.cli.audit import audit
from bot.cli.db import db
from bot.cli.health import health
from bot.cli.invite import invite
from bot.cli.monev import monev
from bot.cli.org import org
from bot.cli.report import report
from bot.cli.run import run
from bot.cli.runs import register as register_runs
from bot.cli.schedule import schedule
from bot.cli.simulate import simulate
from bot.cli.sop import sop
from bot.cli.sop_render import render as _render  # noqa: F401  (registers `sop render`)
from bot.cli.targets import targets
from bot.cli.verify import verify


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sopbot")
def cli() -> None:
    """sopbot: SOP Pengumpulan Data Kinerja sebagai percakapan Telegram."""


# Registration order is the order `sopbot --help` lists them.
cli.add_command(run)
cli.add_command(simulate)
cli.add_command(sop)
cli.add_command(schedule)
cli.add_command(db)
cli.add_command(org)
cli.add_command(targets)
cli.add_command(invite)
register_runs(cli)  # start, status, task, deadlines
cli.add_command(report)
cli.add_command(monev)
cli.add_command(verify)
cli.add_command(audit)
cli.add_command(health)


def main() -> None:
    cli()
