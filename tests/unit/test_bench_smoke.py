"""The report and memory benchmarks run end to end at tiny sizes (no timing is asserted)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from bench import memory, reports
from bench.common import Figure

pytestmark = pytest.mark.slow  # whole benchmarks at tiny sizes: CI runs them, "not slow" not

ROOT = Path(__file__).resolve().parents[2]


def _sane(figures: list[Figure]) -> None:
    assert figures
    for figure in figures:
        assert figure.name and figure.unit
        assert math.isfinite(figure.value) and figure.value >= 0, figure
        assert figure.target is None or figure.met in (True, False)
        assert figure.line().startswith(figure.name)


def test_reports_quick() -> None:
    figures = reports.run(quick=True)
    _sane(figures)
    by_unit = {f.unit for f in figures}
    assert {"s", "MB"} <= by_unit
    pdf = next(f for f in figures if f.name.startswith("Report PDF render, ReportLab"))
    assert pdf.target is not None and " pages" in pdf.note
    xlsx = next(f for f in figures if f.name.startswith("Report XLSX render"))
    assert xlsx.target is not None
    assert all(f.target is not None for f in figures if f.unit == "MB")  # peak RSS targets


def test_memory_quick() -> None:
    figures = memory.run(quick=True)
    _sane(figures)
    peak = next(f for f in figures if f.target is not None)
    assert peak.unit == "MB" and peak.value > 10  # a Python process with the bot loaded
    baseline = figures[0]
    assert baseline.unit == "MB" and 0 < baseline.value <= peak.value


def test_command_line_quick_reports_exits_zero() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "reports"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Mesin (machine)" in done.stdout
    assert "Report PDF render" in done.stdout
    assert "Ringkasan (summary)" in done.stdout
