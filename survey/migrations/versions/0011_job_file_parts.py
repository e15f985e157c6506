"""Job files in pieces

Revision ID: 0011
Revises: 0010
Created: 2026-12-01

- ``job_file_part``: a job's file in pieces of up to 1 MiB (``survey.jobs.files``), written and
  served a piece at a time.
- ``job.result`` goes: files made before this revision are dropped (jobs keep them a day at
  most; a job can be run again to make its file anew), and their names with them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_file_part",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["job.id"], name=op.f("fk_job_file_part_job_id_job"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", "position", name=op.f("pk_job_file_part")),
    )
    op.execute("UPDATE job SET result_name = NULL, result_type = NULL")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("result")


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.LargeBinary(), nullable=True))
    op.drop_table("job_file_part")
