"""Migration 0009 converts saved conversation positions of the old shape; none is dropped."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from bot.conversation.state import Confirming, ReviewReason, read
from bot.persistence.db import make_engine
from bot.persistence.migrate import downgrade, upgrade
from bot.persistence.models import ChatState

CONFIRM = {
    "mode": "input_confirm",
    "task_id": 12,
    "indicator_id": 4,
    "single": True,
    "code": "IWK-02",
    "pending": "3",
    "shown": "3",
    "concerns": ["jump"],
    "required": [],
    "below": None,
}
REVIEW = {
    "mode": "review_reason",
    "task_id": 15,
    "card_chat_id": 1001,
    "card_message_id": 77,
    "ticked": [4, 5],
}


def _rows(url: str) -> dict[int, dict]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(select(ChatState.telegram_user_id, ChatState.state)).all()
            return {user: state for user, state in found}
    finally:
        engine.dispose()


def test_old_positions_are_converted_and_back(fresh_db_url: str) -> None:
    upgrade(fresh_db_url, "0007")
    engine = make_engine(fresh_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                ChatState.__table__.insert(),
                [
                    {"telegram_user_id": 1, "state": CONFIRM, "updated_at": _now()},
                    {"telegram_user_id": 2, "state": REVIEW, "updated_at": _now()},
                    {"telegram_user_id": 3, "state": {"mode": None}, "updated_at": _now()},
                ],
            )
    finally:
        engine.dispose()

    upgrade(fresh_db_url, "0009")
    rows = _rows(fresh_db_url)
    confirming = read(rows[1]).current
    assert isinstance(confirming, Confirming)
    assert (confirming.task_id, confirming.indicator_id, confirming.single) == (12, 4, True)
    assert confirming.pending == Decimal("3") and confirming.concerns == ("jump",)
    assert read(rows[2]).current == ReviewReason(
        task_id=15, card_chat_id=1001, card_message_id=77, ticked=(4, 5)
    )
    assert rows[1]["version"] == 2 and read(rows[3]).empty

    downgrade(fresh_db_url, "0007")
    old = _rows(fresh_db_url)
    assert {k: v for k, v in old[1].items() if v is not None} == {
        k: v for k, v in CONFIRM.items() if v is not None
    }
    assert {k: v for k, v in old[2].items() if v is not None} == REVIEW


def _now():
    from datetime import UTC, datetime

    return datetime(2026, 12, 6, tzinfo=UTC)
