"""The clock's plan marks (what each workspace's reminders were last planned against) and an index on a
workspace's audit events by id (its newest change, read every tick)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_mark",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("planned_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("steady", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_team_id_id", ["team_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_team_id_id")
    op.drop_table("plan_mark")
