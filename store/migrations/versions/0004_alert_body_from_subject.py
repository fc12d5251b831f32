"""alerts are re-rendered from their subject: drop alert.markup

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("markup")


def downgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("markup", sa.Text(), nullable=False, server_default=""))
