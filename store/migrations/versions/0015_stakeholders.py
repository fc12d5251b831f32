"""Stakeholders: the people of each function (Finance, Legal, ...) around a program, with their RACI role

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = (
    "finance",
    "legal",
    "product",
    "data_science",
    "product_safety",
    "risk_compliance",
    "operations",
    "leadership",
)
ROLES = ("responsible", "accountable", "consulted", "informed")


def upgrade() -> None:
    op.create_table(
        "stakeholder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column(
            "function", sa.Enum(*FUNCTIONS, name="stakeholderfunction", native_enum=False, length=16), nullable=False
        ),
        sa.Column("role", sa.Enum(*ROLES, name="raci", native_enum=False, length=16), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "user_id", "function", name="uq_stakeholder_program_user_function"),
    )
    with op.batch_alter_table("stakeholder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stakeholder_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stakeholder_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stakeholder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stakeholder_team_id"))
        batch_op.drop_index(batch_op.f("ix_stakeholder_program_id"))
    op.drop_table("stakeholder")
