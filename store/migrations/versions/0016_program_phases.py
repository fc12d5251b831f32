"""Program phases (name, current and baseline dates, the reason of the last re-plan) and the reason a milestone
was last re-dated

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "program_phase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("baseline_start", sa.Date(), nullable=True),
        sa.Column("baseline_end", sa.Date(), nullable=True),
        sa.Column("replan_reason", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "name", name="uq_program_phase_program_name"),
    )
    with op.batch_alter_table("program_phase", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_phase_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_phase_team_id"), ["team_id"], unique=False)
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replan_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    # In place (SQLite 3.35+ drops a column itself): rebuilding the milestone table, as batch mode would, breaks
    # the foreign keys of the dependencies on milestones that a database with data holds.
    op.drop_column("milestone", "replan_reason")
    with op.batch_alter_table("program_phase", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_phase_team_id"))
        batch_op.drop_index(batch_op.f("ix_program_phase_program_id"))
    op.drop_table("program_phase")
