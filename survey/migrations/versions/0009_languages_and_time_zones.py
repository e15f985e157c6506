"""Languages and time zones

Revision ID: 0009
Revises: 0008
Created: 2026-12-01

- ``organisation.time_zone``: the IANA zone its people read times in (UTC for existing ones);
  ``team.time_zone`` overrides it for a team and the teams below.
- ``person.language``: the language of a rep's invitation and questionnaire, from the roster.
- ``user_account.language`` and ``time_zone``: a staff user's own choices.
- ``response.language``: the language a questionnaire was answered in (none for older answers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False)
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=10), nullable=True))

    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=10), nullable=True))

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
        batch_op.drop_column("language")

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("time_zone")

    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("language")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("language")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
