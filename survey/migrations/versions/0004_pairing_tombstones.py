"""Tombstones remember the pairings of waves they were published in

Revision ID: 0004
Revises: 0003
Created: 2026-11-30

- ``released_erasure.previous_partner_team_id`` and ``released_erasure.next_partner_team_id``
  (nullable): the team of the same person's response in the wave its wave was paired with, and
  in the wave paired with it, each recorded only when that pairing had been published (the
  paired change of confidential assessments, :mod:`survey.releases.pairing`). Existing rows get
  none: no pairing was published before this revision.

From this revision on, tombstones are kept for every released response, finally released waves
included (a finally released wave is audited again when the next one is paired with it).
Responses of finally released waves erased before it left none: when such a wave is paired,
the auditor may find that its releases no longer pass on their own, and then shows no pairs.

Columns are added and dropped with ALTER TABLE (``recreate="never"``), as in 0002 and 0003.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ("previous_partner_team_id", "next_partner_team_id")


def upgrade() -> None:
    with op.batch_alter_table("released_erasure", schema=None, recreate="never") as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("released_erasure", schema=None, recreate="never") as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
