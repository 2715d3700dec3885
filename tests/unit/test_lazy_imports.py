"""Starting the bot does not load the report and chart libraries: they load when a report
is made (bot.reports.files.render_report). They were most of a bot process's memory."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("matplotlib", "reportlab", "openpyxl", "xhtml2pdf", "svglib", "pypdf", "pdfplumber")

# What `sopbot run` does before it polls: the command line (every command's module), then
# build_application, which registers every handler.
STARTUP = f"""
import json, sys
import bot.cli
from bot.app import build_application
from bot.settings import Settings

application = build_application(Settings(TELEGRAM_BOT_TOKEN="123456:ABC"))
assert application.handlers
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})))
"""


def test_starting_the_bot_loads_no_report_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", STARTUP], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_making_a_report_loads_them() -> None:
    """The check above can fail: rendering does import them (in a fresh process)."""
    probe = (
        "import sys\n"
        "from bot.reports import files\n"
        "assert 'openpyxl' not in sys.modules\n"
        "try:\n"
        "    files.render_report(None, 'nothing')\n"
        "except ValueError:\n"
        "    pass\n"
        "print('openpyxl' in sys.modules and 'matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "True"
