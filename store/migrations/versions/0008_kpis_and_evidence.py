"""KPIs and their readings, the workspace's risk appetite

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=24), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column(
            "direction", sa.Enum("up", "down", name="kpidirection", native_enum=False, length=16), nullable=False
        ),
        sa.Column("warning", sa.Float(), nullable=True),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "number", name="uq_kpi_team_number"),
        sa.UniqueConstraint("program_id", "name", name="uq_kpi_program_name"),
    )
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kpi_team_id"), ["team_id"], unique=False)
    op.create_table(
        "kpi_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kpi_reading", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_reading_kpi_taken", ["kpi_id", "taken_on"], unique=False)
    # Existing workspaces get the default appetite: no critical risk without a mitigation.
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appetite_band", sa.String(length=16), nullable=False, server_default="critical"))
        batch_op.add_column(
            sa.Column("appetite_needs_mitigation", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.alter_column("appetite_band", server_default=None)
        batch_op.alter_column("appetite_needs_mitigation", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("appetite_needs_mitigation")
        batch_op.drop_column("appetite_band")
    with op.batch_alter_table("kpi_reading", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_reading_kpi_taken")
    op.drop_table("kpi_reading")
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_team_id"))
        batch_op.drop_index(batch_op.f("ix_kpi_program_id"))
    op.drop_table("kpi")
