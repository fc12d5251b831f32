"""Program plans: budgets by quarter and spending, the workspace's currency and budget threshold; status by
dimension with a path to green and a confidence; issues (I-n); dependencies between programs; staffing

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budget_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("planned", sa.BigInteger(), nullable=False),
        sa.Column("committed", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "quarter", name="uq_budget_plan_program_quarter"),
    )
    with op.batch_alter_table("budget_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_plan_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_plan_team_id"), ["team_id"], unique=False)
    op.create_table(
        "budget_spend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "category",
            sa.Enum("vendor", "headcount", "tooling", name="spendcategory", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("budget_spend", schema=None) as batch_op:
        batch_op.create_index("ix_budget_spend_program_quarter", ["program_id", "quarter"], unique=False)
    op.create_table(
        "issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("impact", sa.String(length=2000), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column(
            "status", sa.Enum("open", "resolved", name="issuestatus", native_enum=False, length=16), nullable=False
        ),
        sa.Column("resolution", sa.String(length=2000), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "number", name="uq_issue_team_number"),
    )
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issue_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issue_team_id"), ["team_id"], unique=False)
    op.create_table(
        "program_dependency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("on_program_id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestone.id"]),
        sa.ForeignKeyConstraint(["on_program_id"], ["program.id"]),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("program_dependency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_dependency_on_program_id"), ["on_program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_dependency_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_dependency_team_id"), ["team_id"], unique=False)
    op.create_table(
        "staffing_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("filled", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "role", name="uq_staffing_line_program_role"),
    )
    with op.batch_alter_table("staffing_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staffing_line_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staffing_line_team_id"), ["team_id"], unique=False)
    rag = ("green", "amber", "red")
    with op.batch_alter_table("status_update", schema=None) as batch_op:
        for dimension in ("schedule", "budget", "scope", "people"):
            batch_op.add_column(
                sa.Column(dimension, sa.Enum(*rag, name="rag", native_enum=False, length=16), nullable=True)
            )
        batch_op.add_column(sa.Column("path_to_green", sa.String(length=1000), nullable=True))
        batch_op.add_column(
            sa.Column(
                "confidence",
                sa.Enum("high", "medium", "low", name="confidence", native_enum=False, length=16),
                nullable=True,
            )
        )
    # Existing workspaces keep budgets in US dollars and call 10% over plan a budget reason until changed.
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=False, server_default="USD"))
        batch_op.add_column(sa.Column("budget_threshold_pct", sa.Integer(), nullable=False, server_default="10"))
        batch_op.add_column(sa.Column("staffing_threshold_pct", sa.Integer(), nullable=False, server_default="80"))
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.alter_column("currency", server_default=None)
        batch_op.alter_column("budget_threshold_pct", server_default=None)
        batch_op.alter_column("staffing_threshold_pct", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("staffing_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staffing_line_team_id"))
        batch_op.drop_index(batch_op.f("ix_staffing_line_program_id"))
    op.drop_table("staffing_line")
    with op.batch_alter_table("program_dependency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_dependency_team_id"))
        batch_op.drop_index(batch_op.f("ix_program_dependency_program_id"))
        batch_op.drop_index(batch_op.f("ix_program_dependency_on_program_id"))
    op.drop_table("program_dependency")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_team_id"))
        batch_op.drop_index(batch_op.f("ix_issue_program_id"))
    op.drop_table("issue")
    with op.batch_alter_table("status_update", schema=None) as batch_op:
        for column in ("confidence", "path_to_green", "people", "scope", "budget", "schedule"):
            batch_op.drop_column(column)
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("staffing_threshold_pct")
        batch_op.drop_column("budget_threshold_pct")
        batch_op.drop_column("currency")
    with op.batch_alter_table("budget_spend", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_spend_program_quarter")
    op.drop_table("budget_spend")
    with op.batch_alter_table("budget_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_plan_team_id"))
        batch_op.drop_index(batch_op.f("ix_budget_plan_program_id"))
    op.drop_table("budget_plan")
