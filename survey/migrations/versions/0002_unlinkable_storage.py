"""Unlinkable storage: no dates on answers, sealed drafts with random ids, team-link capacity

Revision ID: 0002
Revises: 0001
Created: 2026-11-30

- ``response.submitted_on`` goes (a response keeps no time finer than its wave) and
  ``response.channel`` says whether it came through a personal invitation or a team link;
  existing responses are taken as personal (the app never recorded it before).
- ``invitation.used_on`` (a day) becomes ``invitation.used`` (a flag).
- ``team_link`` gets ``capacity`` (existing links: the people of their role on the roster in
  the team's subtree, at least 1) and ``used`` (counted from 0 from now on).
- ``draft`` is made anew: a random id, and ``sealed`` (AES-GCM ciphertext under a key derived
  from the link) instead of the plain ``state`` and its ``updated_at``. Drafts saved before this
  revision were readable by anyone with the database and cannot be sealed without the links, so
  they are deleted: people with an unfinished draft start again.
- On SQLite, ``ladder_rung`` and ``cooperation_link`` become WITHOUT ROWID tables, so no hidden
  sequential rowid numbers their rows in the order they were written.

Columns are dropped with ALTER TABLE (``recreate="never"``): recreating ``response`` or
``invitation`` on SQLite would drop the old table, and with foreign keys on, that deletes the
rows that refer to it (rungs, cooperation links, mail deliveries) through ON DELETE CASCADE.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RandomId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SCAN_BEFORE = [
    "wave_id",
    "role",
    "questionnaire_key",
    "questionnaire_version",
    "team_id",
    "ladder_top",
    "values",
    "respondent_key",
]
LEAF_TABLES = ("ladder_rung", "cooperation_link")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _draft_table(new: bool) -> None:
    """The draft table as this revision (``new``) or the one before declares it."""
    if new:
        columns = [
            sa.Column("id", RandomId, autoincrement=False, nullable=False),
            sa.Column("invitation_id", sa.Integer(), nullable=True),
            sa.Column("team_link_id", sa.Integer(), nullable=True),
            sa.Column("sealed", sa.LargeBinary(), nullable=False),
        ]
    else:
        columns = [
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("invitation_id", sa.Integer(), nullable=True),
            sa.Column("team_link_id", sa.Integer(), nullable=True),
            sa.Column("state", sa.JSON(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
        ]
    op.create_table(
        "draft",
        *columns,
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_draft_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_link_id"],
            ["team_link.id"],
            name=op.f("fk_draft_team_link_id_team_link"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint("invitation_id", name=op.f("uq_draft_invitation_id")),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_team_link_id"), ["team_link_id"], unique=False)


def _drop_drafts() -> None:
    op.execute(sa.text("DELETE FROM draft"))
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_team_link_id"))
    op.drop_table("draft")


def _roster_capacities(connection) -> dict[int, int]:
    """Each team link's default capacity: its role's people in its team's subtree, at least 1."""
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in connection.execute(sa.text("SELECT id, parent_id FROM team")):
        children.setdefault(parent_id, []).append(team_id)
    people: dict[tuple[int, str], int] = {}
    for team_id, role, count in connection.execute(
        sa.text("SELECT team_id, role, COUNT(*) FROM person GROUP BY team_id, role")
    ):
        people[(team_id, role)] = count
    capacities = {}
    for link_id, team_id, role in connection.execute(
        sa.text("SELECT id, team_id, role FROM team_link")
    ):
        total, stack, seen = 0, [team_id], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            total += people.get((current, role), 0)
            stack.extend(children.get(current, ()))
        capacities[link_id] = max(1, total)
    return capacities


def upgrade() -> None:
    connection = op.get_bind()

    # Drafts: plain answers tied to a link cannot be sealed without the link; start anew.
    _drop_drafts()
    _draft_table(new=True)

    # Invitations: a flag instead of the day they were used.
    with op.batch_alter_table("invitation", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("used", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(sa.text("UPDATE invitation SET used = TRUE WHERE used_on IS NOT NULL"))
    with op.batch_alter_table("invitation", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("used_on")

    # Responses: no date, and the channel they came through.
    with op.batch_alter_table("response", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=10), server_default="personal", nullable=False)
        )
        batch_op.drop_column("submitted_on")
        batch_op.drop_index("ix_response_scan")
        batch_op.create_index("ix_response_scan", [*SCAN_BEFORE, "channel"], unique=False)

    # Team links: a capacity and the answers taken so far.
    with op.batch_alter_table("team_link", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("used", sa.Integer(), server_default="0", nullable=False))
    for link_id, capacity in _roster_capacities(connection).items():
        connection.execute(
            sa.text("UPDATE team_link SET capacity = :capacity WHERE id = :id"),
            {"capacity": capacity, "id": link_id},
        )
    # On SQLite this recreates team_link; only drafts refer to it, and there are none now.
    with op.batch_alter_table("team_link", schema=None) as batch_op:
        batch_op.alter_column("capacity", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("used", existing_type=sa.Integer(), server_default=None)
        batch_op.create_check_constraint("capacity_positive", "capacity >= 1")
        batch_op.create_check_constraint("used_within_capacity", "used <= capacity")

    # SQLite: rungs and cooperation links without a sequential rowid (nothing refers to them).
    if _sqlite():
        for table in LEAF_TABLES:
            with op.batch_alter_table(
                table, schema=None, recreate="always", table_kwargs={"sqlite_with_rowid": False}
            ):
                pass


def downgrade() -> None:
    if _sqlite():
        for table in LEAF_TABLES:
            with op.batch_alter_table(
                table, schema=None, recreate="always", table_kwargs={"sqlite_with_rowid": True}
            ):
                pass

    _drop_drafts()
    _draft_table(new=False)

    with op.batch_alter_table("team_link", schema=None) as batch_op:
        batch_op.drop_constraint("used_within_capacity", type_="check")
        batch_op.drop_constraint("capacity_positive", type_="check")
        batch_op.drop_column("used")
        batch_op.drop_column("capacity")

    # The dates are gone: a response gets its wave's opening day, a used invitation today.
    with op.batch_alter_table("response", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_response_scan")
        batch_op.create_index("ix_response_scan", SCAN_BEFORE, unique=False)
        batch_op.add_column(sa.Column("submitted_on", sa.Date(), nullable=True))
        batch_op.drop_column("channel")
    op.execute(
        sa.text(
            "UPDATE response SET submitted_on = "
            "(SELECT DATE(wave.opens_at) FROM wave WHERE wave.id = response.wave_id)"
        )
    )
    with op.batch_alter_table("invitation", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("used_on", sa.Date(), nullable=True))
    op.execute(sa.text("UPDATE invitation SET used_on = CURRENT_DATE WHERE used"))
    with op.batch_alter_table("invitation", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("used")
