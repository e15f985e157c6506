"""Consultants' branding

Revision ID: 0012
Revises: 0011
Created: 2026-12-01

- ``user_account.brand_name`` and ``user_account.brand_logo``: the consultancy's name and logo
  (a re-encoded PNG) that a consultant's or admin's slide decks carry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brand_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("brand_logo", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("brand_logo")
        batch_op.drop_column("brand_name")
