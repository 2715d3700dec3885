"""invites carry the admin's name for a new person; refused invite codes are counted

``invites.person_name``: an invite made without a person names who it is for, so
the new person's name comes from the admin, never from a Telegram profile.
``invite_attempts``: one row per refused code and Telegram account; redemption is
throttled on them (per account and overall), across restarts and workers.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("person_name", sa.String(200), nullable=True))
    op.create_table(
        "invite_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_invite_attempts_telegram_user_id_at", "invite_attempts", ["telegram_user_id", "at"]
    )
    op.create_index("ix_invite_attempts_at", "invite_attempts", ["at"])


def downgrade() -> None:
    op.drop_index("ix_invite_attempts_at", table_name="invite_attempts")
    op.drop_index("ix_invite_attempts_telegram_user_id_at", table_name="invite_attempts")
    op.drop_table("invite_attempts")
    with op.batch_alter_table("invites") as batch:
        batch.drop_column("person_name")
