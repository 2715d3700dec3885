"""``python -m bench --only bulk_input`` runs (quick size): the counts are checked, the
timings only reported (never asserted)."""

from __future__ import annotations

from bench import bulk_input


def test_bulk_input_quick_counts_messages_and_confirmations() -> None:
    figures = {figure.name: figure for figure in bulk_input.run(quick=True)}
    count = bulk_input.QUICK_INDICATORS
    assert figures[f"text: messages typed for {count} figures"].value == 1
    assert figures[f"text: confirmations for {count} figures"].value == 1
    assert figures[f"Excel: documents sent for {count} figures"].value == 1
    assert figures[f"Excel: confirmations for {count} figures"].value == 1
    timed = figures[f"Excel: {count}-row sheet sent back -> answer (median)"]
    assert timed.unit == "ms" and timed.target == 1000 and timed.value > 0
