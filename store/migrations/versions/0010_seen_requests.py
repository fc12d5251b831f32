"""Fingerprints of signed Slack requests already received, so a replay is not applied twice

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_request",
        sa.Column("fingerprint", sa.String(length=120), nullable=False),
        sa.Column("received_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("fingerprint"),
    )
    op.create_index(op.f("ix_seen_request_received_at"), "seen_request", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_seen_request_received_at"), table_name="seen_request")
    op.drop_table("seen_request")
