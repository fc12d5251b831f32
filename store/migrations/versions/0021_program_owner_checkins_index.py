"""An index of active programs by owner and check-in setting, so the clock's per-tick look at owners' check-in
times reads an index instead of every program

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 08:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_program_owner_checkins", "program", ["team_id", "archived_at", "owner_id", "checkin"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_program_owner_checkins", table_name="program")
