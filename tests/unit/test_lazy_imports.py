"""Starting the bot does not load the report and chart libraries: they load when a report
is made (bot.reports.files.render_report). They were most of a bot process's memory.

Both run in one fresh process (tests/unit/fresh_process.py), step after step."""

from __future__ import annotations

import pytest

from tests.unit.fresh_process import FILES_IMPORTED, REPORT_MADE, STARTED, probe

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
