"""Released results: immutable snapshots of each wave, and what erasures leave for the auditor

Revision ID: 0003
Revises: 0002
Created: 2026-11-30

- ``release``: one row per release of a wave (``seq`` 1, 2, ... within the wave; ``final`` for
  the one made at closing), with every figure views show as JSON.
- ``released_erasure``: a response erased after an interim release of a wave not yet released
  in full: its team, role and the releases that included it, no answers.
- ``response.released_in``: the seq of the first release that took the response in; existing
  responses have none, so each closed wave is released, with all its answers, when first read.
  The scan index covers it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCAN = [
    "wave_id",
    "role",
    "questionnaire_key",
    "questionnaire_version",
    "team_id",
    "ladder_top",
    "values",
    "respondent_key",
    "channel",
]


def upgrade() -> None:
    op.create_table(
        "release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"], name=op.f("fk_release_wave_id_wave")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release")),
        sa.UniqueConstraint("wave_id", "seq", name=op.f("uq_release_wave_id")),
    )
    op.create_index(op.f("ix_release_wave_id"), "release", ["wave_id"], unique=False)
    op.create_table(
        "released_erasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("first_release", sa.Integer(), nullable=False),
        sa.Column("last_release", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_released_erasure_team_id_team")
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["wave.id"], name=op.f("fk_released_erasure_wave_id_wave")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_released_erasure")),
    )
    op.create_index(
        op.f("ix_released_erasure_wave_id"), "released_erasure", ["wave_id"], unique=False
    )
    with op.batch_alter_table("response", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("released_in", sa.Integer(), nullable=True))
        batch_op.drop_index("ix_response_scan")
        batch_op.create_index("ix_response_scan", [*SCAN, "released_in"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_response_scan")
        batch_op.create_index("ix_response_scan", SCAN, unique=False)
        batch_op.drop_column("released_in")
    op.drop_index(op.f("ix_released_erasure_wave_id"), table_name="released_erasure")
    op.drop_table("released_erasure")
    op.drop_index(op.f("ix_release_wave_id"), table_name="release")
    op.drop_table("release")
