"""letterhead: the organisation's kop surat, a person's pangkat, a post's full title

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("letterhead", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("rank", sa.String(length=100), nullable=True))
    with op.batch_alter_table("role_assignments") as batch:
        batch.add_column(sa.Column("title", sa.String(length=200), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35), not a batch copy: on SQLite with foreign keys
    # on, dropping the copied ``people`` (or ``organisations``) table is refused or
    # cascades into every row that refers to it (as in 0007's downgrade).
    op.drop_column("role_assignments", "title")
    op.drop_column("people", "rank")
    op.drop_column("organisations", "letterhead")
