"""Starting the bot does not load the report and chart libraries: they load when a report
is made (bot.reports.files.render_report). They were most of a bot process's memory.

Also what ``python -m bench --only memory`` measures after imports (issue 15: <= 80 MB)
loads none of them, nor what the bot's libraries would import only because the
development tools installed it (bot.optional_imports). The first two checks share one fresh
process (tests/unit/fresh_process.py), step after step."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tests.unit.fresh_process import FILES_IMPORTED, HEAVY, REPORT_MADE, STARTED, probe

NOT_AT_START = (
    *HEAVY,
    "typst",
    "alembic",
    "holidays",
    "cryptography",  # python-telegram-bot's Telegram Passport (bot.optional_imports)
    "rich",  # httpx's command line
    "pygments",
    "tornado",  # python-telegram-bot's webhook server (bot.telegram.webhook_server)
    "bot.render.sop_sheet",
    "bot.reports.collect",
    "bot.reports.files",
)
"""Packages and modules, by name or top-level package."""

# A fresh Python process that starts the bot, makes a report and draws a chart: seconds
# (shared with test_chart's pyplot check). CI runs them; `pytest -m "not slow"` leaves them out.
pytestmark = pytest.mark.slow


def test_starting_the_bot_loads_no_report_library() -> None:
    assert probe()[STARTED] == []


def test_making_a_report_loads_them() -> None:
    """The check above can fail: rendering does import them."""
    steps = probe()
    assert "openpyxl" not in steps[FILES_IMPORTED]
    assert "openpyxl" in steps[REPORT_MADE] and "matplotlib" in steps[REPORT_MADE]


def _loaded(probe: str, names: tuple[str, ...]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", probe + f"\nnames = {names!r}\n" + _REPORT_LOADED],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


_REPORT_LOADED = """
import json, sys
print(json.dumps(sorted(
    m for m in sys.modules if m in names or m.split(".")[0] in names
)))
"""


def test_the_bots_imports_load_no_report_module_nor_dev_only_package() -> None:
    """The modules bench/memory.py imports, in a fresh interpreter as it does."""
    from bench.memory import HANDLER_MODULES

    probe = "import importlib, bot.app, bot.engine.status, bot.services.reminding\n"
    probe += "import bot.telegram.reminders\n"
    probe += "".join(f"importlib.import_module('handlers.{name}')\n" for name in HANDLER_MODULES)
    assert _loaded(probe, NOT_AT_START) == []


def test_a_handler_imported_first_declines_them_too() -> None:
    """handlers/__init__ imports bot first, so its import policy is in place."""
    assert _loaded("import handlers.start", ("cryptography", "rich", "pygments")) == []


def test_the_declined_packages_still_import_for_anyone_else() -> None:
    """Only python-telegram-bot's and httpx's own imports are declined: they carry on
    without (no Passport, no httpx command line), and pdfplumber still gets cryptography."""
    for name in ("cryptography", "rich", "pygments"):
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"{name} is not installed (the dev extras install it)")
    probe = (
        "import bot.app, sys, telegram._bot, httpx\n"
        "assert telegram._bot.CRYPTO_INSTALLED is False\n"
        "import cryptography.hazmat.primitives.hashes, rich.console, pygments.lexers\n"
    )
    loaded = _loaded(probe, ("cryptography", "rich", "pygments"))
    assert {"cryptography", "rich", "pygments"} <= set(loaded)


def test_the_webhook_server_loads_for_a_webhook() -> None:
    """``sopbot run --webhook`` loads PTB's webhook server, which polling does without
    (the e2e tests run both modes); PTB's module globals it sets still exist."""
    probe = (
        "import bot.app, sys\n"
        "from telegram.ext import _updater\n"
        "assert not _updater.WEBHOOKS_AVAILABLE and 'tornado' not in sys.modules\n"
        "from bot.telegram.webhook_server import load_webhook_server\n"
        "load_webhook_server()\n"
        "load_webhook_server()\n"
        "from telegram.ext._utils.webhookhandler import WebhookAppClass, WebhookServer\n"
        "assert _updater.WEBHOOKS_AVAILABLE\n"
        "assert _updater.WebhookAppClass is WebhookAppClass\n"
        "assert _updater.WebhookServer is WebhookServer\n"
    )
    assert "tornado.web" in _loaded(probe, ("tornado",))
