"""The WHY ladder asks for words first: a rung's category becomes optional; reps' words reach
managers above a threshold, and a consultant can hold one back

Revision ID: 0006
Revises: 0005
Created: 2026-11-30

- ``ladder_rung.target`` may be NULL: the rep wrote the step in their own words and left its
  kind to be sorted later (``"none"`` is stored when they said it is none of the categories).
  Existing rungs keep their category.
- ``ladder_rung.held_back``: a consultant kept these words from every manager and report (they
  name or identify someone); they are counted, never shown.
- ``assessment.comment_min_group_size``: the least number of people whose words a group must
  pool before its words are shown (10 for every assessment, never below its minimum group size).

On SQLite ``ladder_rung`` is recreated (to drop NOT NULL; nothing refers to it) and stays a
WITHOUT ROWID table. ``assessment`` is not recreated there (other tables refer to it), so an
upgraded SQLite database has no CHECK that words need at least k people: the assessment form
enforces it (a database made from the models, and PostgreSQL, have the CHECK too).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

WITHOUT_ROWID = {"sqlite_with_rowid": False}


def upgrade() -> None:
    with op.batch_alter_table("ladder_rung", schema=None, table_kwargs=WITHOUT_ROWID) as batch_op:
        batch_op.alter_column("target", existing_type=sa.String(length=40), nullable=True)
        batch_op.add_column(
            sa.Column("held_back", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("assessment", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("comment_min_group_size", sa.Integer(), nullable=False, server_default="10")
        )
    # An assessment whose k is above the default starts with its words' threshold at k.
    op.execute(
        "UPDATE assessment SET comment_min_group_size = min_group_size"
        " WHERE min_group_size > comment_min_group_size"
    )
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(
            "comments_need_a_group", "assessment", "comment_min_group_size >= min_group_size"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("comments_need_a_group", "assessment", type_="check")
    with op.batch_alter_table("assessment", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("comment_min_group_size")
    op.execute("UPDATE ladder_rung SET target = 'none' WHERE target IS NULL")
    with op.batch_alter_table("ladder_rung", schema=None, table_kwargs=WITHOUT_ROWID) as batch_op:
        batch_op.drop_column("held_back")
        batch_op.alter_column("target", existing_type=sa.String(length=40), nullable=False)
