"""conversation positions: chat_states.state becomes a versioned document, a position per task

The old shape is one flat dict per Telegram account (13 keys, no version):
``mode``, ``task_id``, ``indicator_id``, ``single``, ``code``, ``pending``,
``shown``, ``concerns``, ``required``, ``below``, ``card_chat_id``,
``card_message_id``, ``ticked``. Version 2 (``bot.conversation.state``) keeps
one position per task and the task typed text goes to::

    {"version": 2, "active": 12, "positions": {"12": {"mode": "input_kendala", ...}}}

A data migration only: the column stays JSON. Positions are converted, not
dropped; a row whose mode nothing awaits becomes an empty document. The
downgrade keeps the active position in the old shape (other tasks' positions
are lost: the old shape has room for one).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INPUT = {
    "input_value",
    "input_confirm",
    "input_no_data",
    "input_kendala",
    "input_tindak_lanjut",
    "input_evidence",
}
_INPUT_KEYS = ("task_id", "indicator_id", "code", "single", "required", "below")
_CONFIRM_KEYS = ("pending", "shown", "concerns")
_REVIEW_KEYS = ("task_id", "card_chat_id", "card_message_id", "ticked")
_LEGACY_KEYS = (*_INPUT_KEYS, *_CONFIRM_KEYS, *_REVIEW_KEYS[1:], "mode")

chat_states = sa.table(
    "chat_states",
    sa.column("telegram_user_id", sa.BigInteger()),
    sa.column("state", sa.JSON()),
)


def _position(old: dict[str, Any]) -> dict[str, Any] | None:
    """Version 1 -> one version-2 position (its None values meant "not set")."""
    mode = old.get("mode")
    present = {k: v for k, v in old.items() if v is not None}
    if mode in _INPUT and isinstance(present.get("indicator_id"), int):
        keys = _INPUT_KEYS + (_CONFIRM_KEYS if mode == "input_confirm" else ())
        position = {k: present[k] for k in keys if k in present}
        if mode == "input_confirm":
            if "pending" not in position:
                return None
            position["pending"] = str(position["pending"])
            position.setdefault("shown", position["pending"])
    elif mode == "review_reason":
        position = {k: present[k] for k in _REVIEW_KEYS if k in present}
        if len(position) < 3:
            return None
    else:
        return None
    if not isinstance(position.get("task_id"), int):
        return None
    return {"mode": mode, **position}


def _upgraded(old: dict[str, Any] | None) -> dict[str, Any]:
    if old and old.get("version") == 2:
        return old
    position = _position(old or {})
    if position is None:
        return {"version": 2, "active": None, "positions": {}}
    task = position["task_id"]
    return {"version": 2, "active": task, "positions": {str(task): position}}


def _downgraded(new: dict[str, Any] | None) -> dict[str, Any]:
    if not new or new.get("version") != 2:
        return new or {}
    active = new.get("active")
    position = (new.get("positions") or {}).get(str(active)) if active is not None else None
    return {k: (position or {}).get(k) for k in _LEGACY_KEYS} if position else {}


def _rewrite(convert: Any) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(chat_states.c.telegram_user_id, chat_states.c.state)).all()
    for user_id, state in rows:
        new = convert(state)
        if new == state:
            continue
        bind.execute(
            chat_states.update().where(chat_states.c.telegram_user_id == user_id).values(state=new)
        )


def upgrade() -> None:
    _rewrite(_upgraded)


def downgrade() -> None:
    _rewrite(_downgraded)
