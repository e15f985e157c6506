"""Each wave names its questionnaire versions; careless responses can be left out of releases

Revision ID: 0005
Revises: 0004
Created: 2026-11-30

- ``wave.rep_questionnaire_version`` and ``..._sha256`` (and the managers' pair): the version
  of the assessment's questionnaire that the wave asks, so that a later wave can ask a newer
  version (trends across the change use only the items the versions share); ``None``, as for
  every existing wave: the assessment's.
- ``assessment.careless_left_out``: whether the consultant leaves responses flagged as careless
  (:mod:`analysis.response_quality`) out of releases; existing assessments count them, as
  before.
- ``response.careless``: the flag, set when a release first considers the response (``None``
  until then). A response left out for it is never taken in by a release.

Columns are added with ALTER TABLE (``recreate="never"``), as in 0002 to 0004.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

WAVE_COLUMNS = (
    ("rep_questionnaire_version", sa.Integer()),
    ("rep_questionnaire_sha256", sa.String(length=64)),
    ("manager_questionnaire_version", sa.Integer()),
    ("manager_questionnaire_sha256", sa.String(length=64)),
)


def upgrade() -> None:
    with op.batch_alter_table("wave", schema=None, recreate="never") as batch_op:
        for name, kind in WAVE_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("assessment", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("careless_left_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("response", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("careless", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("careless")
    with op.batch_alter_table("assessment", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("careless_left_out")
    with op.batch_alter_table("wave", schema=None, recreate="never") as batch_op:
        for name, _ in reversed(WAVE_COLUMNS):
            batch_op.drop_column(name)
