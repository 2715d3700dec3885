"""/laporan's period buttons: a monthly SOP offers the months that have ended, and every
offered period survives the trip through the callback number."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.periods import Period
from bot.services.report_menu import ReportChoice, period_choices


def test_a_monthly_sop_offers_the_three_months_that_have_ended_first() -> None:
    offered = period_choices(date(2026, 12, 6), monthly=True)
    assert [str(p) for p in offered[:3]] == ["2026-11", "2026-10", "2026-09"]
    assert str(offered[3]) == "2026-TW3"


def test_a_quarterly_sop_offers_no_months() -> None:
    offered = period_choices(date(2026, 12, 6))
    assert str(offered[0]) == "2026-TW3"
    assert all("-" in str(p) and not str(p)[5:].isdigit() for p in offered)


@pytest.mark.parametrize("text", ["2026-01", "2026-12", "2026-TW4", "2026-S2", "2026-TAHUNAN"])
def test_every_period_round_trips_through_the_button_number(text: str) -> None:
    for sop_index in (0, 19):
        choice = ReportChoice(sop_index, Period.parse(text))
        assert ReportChoice.from_number(choice.number()) == choice
