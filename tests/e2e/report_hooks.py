"""Renders for the report tests, run in the worker process (they travel there by name).

``gated_render`` holds the render until the test creates the gate file, so a
test can act while a report is "being rendered" for as long as it needs, and
release it when it wants; ``failing_render`` fails the way a broken engine would.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bot.reports.worker import render_report

GATE_LIMIT_SECONDS = 60.0


def gated_render(gate: str, report: Any, fmt: Any) -> Any:
    """Wait (in the worker process) until the file ``gate`` exists, then render as usual."""
    deadline = time.monotonic() + GATE_LIMIT_SECONDS
    while not Path(gate).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return render_report(report, fmt)


def failing_render(report: Any, fmt: Any) -> Any:
    raise RuntimeError("mesin PDF rusak (uji)")


def dying_render(report: Any, fmt: Any) -> Any:
    """The worker process ends mid-render, as when the kernel kills it for memory."""
    import os

    os._exit(1)
