"""Which libraries a fresh Python process has loaded after each step of the bot's life.

Three tests ask this (the bot starts without the report libraries; making a report loads
them; drawing the chart never loads pyplot). Each needs a process of its own, and starting
one (Telegram, the bot, then matplotlib) takes seconds, so one process answers all three,
step after step, and ``probe()`` runs it once per test session. Those tests are marked
``slow``: CI runs them, ``pytest -m "not slow"`` leaves them out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("matplotlib", "reportlab", "openpyxl", "xhtml2pdf", "svglib", "pypdf", "pdfplumber")

STARTED = "started"
"""What `sopbot run` does before it polls: the command line (every command's module), then
build_application, which registers every handler."""
FILES_IMPORTED = "files imported"
"""Then ``bot.reports.files`` imported (what the report handlers import when called)."""
REPORT_MADE = "report made"
"""Then ``files.render_report`` called (it loads the libraries before it looks at its
arguments, so the refused call below loads them too)."""
CHART_DRAWN = "chart drawn"
"""Then the capaian chart of a report drawn."""

_SCRIPT = f"""
import json, sys

def loaded():
    return sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})

steps = {{}}

import bot.cli
from bot.app import build_application
from bot.settings import Settings

application = build_application(Settings(TELEGRAM_BOT_TOKEN="123456:ABC"))
assert application.handlers
steps[{STARTED!r}] = loaded()

from bot.reports import files
steps[{FILES_IMPORTED!r}] = loaded()

try:
    files.render_report(None, "nothing")
except ValueError:
    pass
steps[{REPORT_MADE!r}] = loaded()

sys.path.insert(0, {str(ROOT)!r})  # the tests' report factory; after the steps above
from bot.reports.chart import report_chart
from tests.unit.reports.factory import quarterly_report

report_chart(quarterly_report())
steps[{CHART_DRAWN!r}] = sorted(sys.modules)
print(json.dumps(steps))
"""


@cache
def probe() -> dict[str, list[str]]:
    """Step name -> the modules loaded after it (of ``HEAVY`` only, except for the last
    step, which lists every module)."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=180, check=True
    )
    steps: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return steps
