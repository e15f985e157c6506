"""Action plans: up to three actions a team commits to after a released wave

Revision ID: 0007
Revises: 0006
Created: 2026-12-01

- ``planned_action``: one row per action of a team's plan after a wave, in slots 1 to 3 (unique
  per team and wave, so at most three), with the dimension it works on, the library practice it
  comes from (or none: the manager's own words), its text, owner and due date, and who made it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "planned_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("practice_id", sa.String(length=80), nullable=True),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "slot BETWEEN 1 AND 3", name=op.f("ck_planned_action_at_most_three_actions")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_planned_action_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_planned_action_team_id_team")
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["wave.id"],
            name=op.f("fk_planned_action_wave_id_wave"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_action")),
        sa.UniqueConstraint("team_id", "wave_id", "slot", name=op.f("one_action_per_slot")),
    )
    op.create_index(op.f("ix_planned_action_team_id"), "planned_action", ["team_id"])
    op.create_index(op.f("ix_planned_action_wave_id"), "planned_action", ["wave_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_planned_action_wave_id"), table_name="planned_action")
    op.drop_index(op.f("ix_planned_action_team_id"), table_name="planned_action")
    op.drop_table("planned_action")
