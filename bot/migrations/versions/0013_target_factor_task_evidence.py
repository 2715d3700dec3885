"""issue 16: an indicator's own target factor; evidence kept once per task

``indicators.target_factor``: a value beyond this factor of its target (above or
below) asks for confirmation; NULL means the organisation's ``pengawasan:
target_factor`` (default 10).

``task_evidence``: photos and documents sent once for a whole input task (issue
16 asks for evidence once per task, not once per indicator). Evidence stored on
measurements before stays where it is and is still shown.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.add_column(sa.Column("target_factor", sa.Numeric(20, 6), nullable=True))
    op.create_table(
        "task_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("file_unique_id", sa.String(length=255), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_evidence_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_task_evidence_run_id_runs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_task_evidence_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["people.id"], name=op.f("fk_task_evidence_added_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_evidence")),
        sa.UniqueConstraint(
            "run_id",
            "unit_id",
            "file_unique_id",
            name=op.f("uq_task_evidence_run_id_unit_id_file_unique_id"),
        ),
    )
    op.create_index(op.f("ix_task_evidence_run_id_unit_id"), "task_evidence", ["run_id", "unit_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_task_evidence_run_id_unit_id"), table_name="task_evidence")
    op.drop_table("task_evidence")
    # Plain DROP COLUMN (SQLite >= 3.35), not a batch copy: on SQLite with foreign keys on,
    # recreating the referenced indicators table cascades and empties measurements.
    op.drop_column("indicators", "target_factor")
