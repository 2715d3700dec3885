"""acceptance: verified figures (the role that verified them), the organisation's default Waktu

Measurement states are VARCHAR without a constraint, so the new state
``verified`` needs no type change; ``measurements.verified_role`` says whose
YES verified the figure. ``organisations.default_duration`` is
``organisasi.durasi_bawaan``: the Waktu of a step whose document gives none.
Submitted figures of completed runs become approved (the rule accepts them
when the receiving step is done; before it they stayed "submitted").

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("measurements") as batch_op:
        batch_op.add_column(sa.Column("verified_role", sa.String(length=40), nullable=True))
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.add_column(
            sa.Column(
                "default_duration",
                sa.String(length=40),
                nullable=False,
                server_default="1 Hari",
            )
        )
    # The acceptance rule: a run completes only after its accepting step, so the
    # submitted figures of a run that completed (an SOP without a review step, where
    # they stayed "submitted" before this rule) are accepted.
    op.execute(
        "UPDATE measurements SET state = 'approved' WHERE state = 'submitted' "
        "AND run_id IN (SELECT id FROM runs WHERE state = 'completed')"
    )


def downgrade() -> None:
    # A verified figure is not final: going back, it is submitted again.
    op.execute("UPDATE measurements SET state = 'submitted' WHERE state = 'verified'")
    # Plain DROP COLUMN (SQLite >= 3.35), not a batch copy: on SQLite with foreign keys
    # on, copying ``organisations`` would drop the old table and cascade-delete every
    # unit, person, indicator and measurement of the organisation.
    op.drop_column("organisations", "default_duration")
    op.drop_column("measurements", "verified_role")
