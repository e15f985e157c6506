"""Background jobs and wave schedules

Revision ID: 0010
Revises: 0009
Created: 2026-12-01

- ``job``: one row per piece of background work (``survey.jobs``), unique by ``key``, with its
  progress, heartbeat, error and an optional file it made.
- ``wave.invite_on_open`` and ``wave.reminder_days``: what the scheduler does for a wave.
- ``mail_delivery.status`` may be ``sending``: committed before a mail goes to the server.
- ``roster_upload.job_id``: the job that imports a confirmed roster.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STATUSES = "status IN ('pending', 'sent', 'failed')"
STATUSES_WITH_SENDING = "status IN ('pending', 'sending', 'sent', 'failed')"


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=100), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("result_name", sa.String(length=200), nullable=True),
        sa.Column("result_type", sa.String(length=100), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_job_known_state")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_job_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_job_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
        sa.UniqueConstraint("key", name=op.f("uq_job_key")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_organisation_id"), ["organisation_id"], unique=False
        )

    with op.batch_alter_table("wave", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "invite_on_open", sa.Boolean(), server_default=sa.text("false"), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("reminder_days", sa.JSON(), server_default="[]", nullable=False)
        )

    with op.batch_alter_table("mail_delivery", schema=None) as batch_op:
        batch_op.drop_constraint("known_status", type_="check")
        batch_op.create_check_constraint("known_status", STATUSES_WITH_SENDING)

    with op.batch_alter_table("roster_upload", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_roster_upload_job_id_job"),
            "job",
            ["job_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("roster_upload", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_roster_upload_job_id_job"), type_="foreignkey")
        batch_op.drop_column("job_id")

    op.execute("UPDATE mail_delivery SET status = 'failed' WHERE status = 'sending'")
    with op.batch_alter_table("mail_delivery", schema=None) as batch_op:
        batch_op.drop_constraint("known_status", type_="check")
        batch_op.create_check_constraint("known_status", STATUSES)

    with op.batch_alter_table("wave", schema=None) as batch_op:
        batch_op.drop_column("reminder_days")
        batch_op.drop_column("invite_on_open")

    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_organisation_id"))

    op.drop_table("job")
