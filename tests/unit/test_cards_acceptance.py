"""Telegram texts and keyboards for question steps and verifying reviews (no network)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.sop import StepKind
from bot.engine import TaskView
from bot.render.texts import render
from bot.telegram.cards import card_context
from bot.telegram.keyboards import card_actions

WITA = ZoneInfo("Asia/Makassar")


def _view(kind: StepKind, **changes: object) -> TaskView:
    values: dict[str, object] = {
        "task_id": 7,
        "run_id": 1,
        "sop_id": "uji",
        "sop_name": "Monitoring Uji",
        "period": "2026-TW3",
        "period_label": "Triwulan III 2026",
        "step_no": 3,
        "uraian": "Membandingkan cakupan dengan target",
        "kind": kind,
        "role_name": "Kabid",
        "unit_name": "Bidang Politik",
        "due_at": datetime(2026, 10, 13, 9, tzinfo=WITA),
        "round": 1,
        "reason": None,
        "late_by": None,
        "day_minutes": 510,
        "zone": "Asia/Makassar",
    }
    return TaskView(**{**values, **changes})  # type: ignore[arg-type]


def _labels(view: TaskView) -> list[list[str]]:
    return [[b.text for b in row] for row in card_actions(view).inline_keyboard]


def test_a_question_card_has_ya_and_tidak_and_its_question() -> None:
    view = _view(StepKind.QUESTION, question="Ada hambatan?", shows_figures=True)
    assert _labels(view) == [["YA", "TIDAK"]]
    text = render("card", **card_context(view, []))
    assert "Ada hambatan?" in text


def test_a_verifying_review_says_verifikasi() -> None:
    assert _labels(_view(StepKind.REVIEW, verifies=True))[0][0] == "Verifikasi"
    assert _labels(_view(StepKind.REVIEW))[0][0] == "Setujui"
    decided = render(
        "decided", card="", who="Kasubid", when="kini", approved=True, verified=True, reason=None
    )
    assert "Diverifikasi" in decided


def test_the_handed_off_notice_says_verified_for_a_verifying_yes() -> None:
    event = {
        "kind": "approved",
        "effect": "verified",
        "step_no": 4,
        "unit_name": "Bidang",
        "period_label": "TW III",
        "next_names": "Kabid",
        "next_step": 5,
    }
    assert render("notice_handed_off", e=event).startswith("Diverifikasi: langkah 4")
    old = {k: v for k, v in event.items() if k != "effect"}  # an event from before the rule
    assert render("notice_handed_off", e=old).startswith("Disetujui: langkah 4")


def test_a_step_for_all_roles_says_who_must_still_do_it() -> None:
    event = {
        "kind": "task_done",
        "step_no": 1,
        "unit_name": "Bidang",
        "period_label": "TW III",
        "next_names": "",
        "next_step": None,
        "waiting_for": ["Kasubid/ Kasubag"],
    }
    text = render("notice_handed_off", e=event)
    assert "setelah dikerjakan juga oleh Kasubid/ Kasubag" in text
    assert "Tidak ada langkah berikutnya" not in text
