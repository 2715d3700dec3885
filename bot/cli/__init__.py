"""The ``sopbot`` command line.

Each command group lives in its own module; this one only assembles them.
"""

from __future__ import annotations

import click

from bot.cli import bahasa

# Before any command is built: click's texts (help option, usage, errors) in Indonesian.
bahasa.install()

from bot import __version__  # noqa: E402
from bot.cli.audit import audit  # noqa: E402
from bot.cli.db import db  # noqa: E402
from bot.cli.health import health  # noqa: E402
from bot.cli.invite import invite  # noqa: E402
from bot.cli.monev import monev  # noqa: E402
from bot.cli.org import org  # noqa: E402
from bot.cli.report import report  # noqa: E402
from bot.cli.run import run  # noqa: E402
from bot.cli.runs import register as register_runs  # noqa: E402
from bot.cli.schedule import schedule  # noqa: E402
from bot.cli.simulate import simulate  # noqa: E402
from bot.cli.sop import sop  # noqa: E402
from bot.cli.sop_render import render as _render  # noqa: E402, F401  (registers `sop render`)
from bot.cli.targets import targets  # noqa: E402
from bot.cli.verify import verify  # noqa: E402


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
bahasa.localise(cli)


def main() -> None:
    cli()
