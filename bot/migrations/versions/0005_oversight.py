"""oversight: office groups with their status boards, policies, plausibility and flags

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_chats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_group_chats_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["people.id"],
            name=op.f("fk_group_chats_registered_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_chats")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_group_chats_chat_id")),
    )
    op.create_index(
        op.f("ix_group_chats_organisation_id"), "group_chats", ["organisation_id"], unique=False
    )
    op.create_table(
        "board_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_chat_id", sa.Integer(), nullable=False),
        sa.Column("sop_id", sa.String(length=80), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_chat_id"],
            ["group_chats.id"],
            name=op.f("fk_board_messages_group_chat_id_group_chats"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_messages")),
        sa.UniqueConstraint(
            "group_chat_id",
            "sop_id",
            "period",
            name=op.f("uq_board_messages_group_chat_id_sop_id_period"),
        ),
    )
    op.create_index(
        op.f("ix_board_messages_group_chat_id"), "board_messages", ["group_chat_id"], unique=False
    )
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.add_column(
            sa.Column("oversight_policy", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.add_column(sa.Column("jump_factor", sa.Numeric(20, 6), nullable=True))
    with op.batch_alter_table("measurements") as batch_op:
        batch_op.add_column(sa.Column("flags", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("measurements") as batch_op:
        batch_op.drop_column("flags")
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.drop_column("jump_factor")
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.drop_column("oversight_policy")
    op.drop_index(op.f("ix_board_messages_group_chat_id"), table_name="board_messages")
    op.drop_table("board_messages")
    op.drop_index(op.f("ix_group_chats_organisation_id"), table_name="group_chats")
    op.drop_table("group_chats")
