"""The two bot benchmarks run end to end in their quick form and report well-formed figures.

Timings are printed by ``python -m bench``, never asserted: only the shape of
the figures and the counts that do not depend on the machine are checked.
"""

from __future__ import annotations

import math

import pytest

from bench import fanout, throughput
from bench.common import Figure

pytestmark = pytest.mark.slow  # seconds each; `pytest -m "not slow"` leaves them out


def _check(figures: list[Figure]) -> dict[str, Figure]:
    assert figures
    for figure in figures:
        assert isinstance(figure, Figure)
        assert figure.name and isinstance(figure.unit, str)
        assert isinstance(figure.value, int | float) and not math.isnan(figure.value), figure
        assert figure.comparison in ("<=", ">=", "==")
        assert figure.target is None or isinstance(figure.target, int | float)
        assert figure.line()  # printable
    names = [figure.name for figure in figures]
    assert len(names) == len(set(names))
    return {figure.name: figure for figure in figures}


def test_throughput_quick_reports_both_bots() -> None:
    figures = _check(throughput.run(quick=True))
    echo = figures["echo bot (bare PTB): updates/s (burst)"]
    sopbot = figures["sopbot guided input (sqlite): updates/s (burst)"]
    assert echo.value > 0 and sopbot.value > 0
    assert "conversation errors" not in sopbot.note, sopbot.note
    assert figures["sopbot/echo ratio (sqlite)"].target is None  # reported only
    assert figures["sopbot p95 latency (sqlite, paced)"].target == 30
    anchor = figures["anchor bot (bare PTB): updates/s (burst)"]
    assert anchor.value > 0, anchor  # the anchor answered the whole script
    assert figures["sopbot/anchor ratio (sqlite)"].target == 0.8
    floor = figures["floor bot (sqlite): updates/s (burst)"]
    assert floor.value > 0, floor  # the floor bot answered the whole script too
    assert figures["floor/anchor ratio (sqlite)"].target is None  # reported only
    assert figures["sopbot/floor ratio (sqlite)"].value > 0
    pooled = figures["anchor bot on sopbot's client: updates/s (burst)"]
    assert pooled.value > 0, pooled  # the anchor on sopbot's Bot API client answered too
    assert figures["sopbot/pooled anchor ratio (sqlite)"].target is None  # reported only
    one_org = figures["sopbot guided input (sqlite, one org): updates/s (burst)"]
    assert one_org.value > 0 and "conversation errors" not in one_org.note, one_org
    assert figures["one-org/per-org throughput (sqlite)"].target == 0.83
    assert figures["one-org/per-org CPU per update (sqlite)"].value > 0


def test_fanout_quick_loses_nothing() -> None:
    figures = _check(fanout.run(quick=True))
    assert figures["fan-out: lost recipients"].value == 0
    assert figures["fan-out: duplicates"].value == 0
    assert figures["fan-out with kill -9: lost recipients"].value == 0
    assert figures["fan-out with kill -9: repeats"].value <= 1
