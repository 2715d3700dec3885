"""The report-load benchmark runs end to end in its quick form; its figures are well formed.

Latencies are printed by ``python -m bench``, never asserted here.
"""

from __future__ import annotations

import math

from bench import report_load


def test_report_load_quick_measures_others_while_the_report_is_made() -> None:
    figures = {figure.name: figure for figure in report_load.run(quick=True)}
    busy = figures["other users' p95 while a 12-row report is made"]
    assert busy.target == 100 and busy.unit == "ms"
    assert not math.isnan(busy.value) and "unanswered" not in busy.note, busy.note
    arrived = figures["/laporan: 12-row report's 3 files arrived after"]
    assert not math.isnan(arrived.value)  # the three files came
    for figure in figures.values():
        assert figure.line()
