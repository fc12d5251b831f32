"""The message a risk, an action or a status report was made from (its permalink); each program's check-in

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("risk", "action", "status_update")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("source_permalink", sa.String(length=500), nullable=True))
    op.add_column("program", sa.Column("checkin", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of these tables would trip the foreign keys that point at them.
    op.drop_column("program", "checkin")
    for table in TABLES:
        op.drop_column(table, "source_permalink")
