"""Actions that work on an issue (I-n): `/action add KEY ... issue:I-n`; the function a staffing role sits in
(`/staff plan KEY reviewers:40 function:operations`)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.add_column(sa.Column("issue_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_action_issue_id_issue", "issue", ["issue_id"], ["id"])
    with op.batch_alter_table("staffing_line") as batch:
        batch.add_column(sa.Column("function", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staffing_line") as batch:
        batch.drop_column("function")
    with op.batch_alter_table("action") as batch:
        batch.drop_constraint("fk_action_issue_id_issue", type_="foreignkey")
        batch.drop_column("issue_id")
