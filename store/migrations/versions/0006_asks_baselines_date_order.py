"""structured asks (ask, ASK-n), milestone baselines, the workspace's day order for dates like 12/5 and its
Slack domain (for permalinks)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02 09:00:00

The asks of each program's current status report (free text until now) become open asks with no addressee and
no date, numbered ASK-1, ASK-2, ... per workspace, so what was asked stays asked after the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders AutoString)
from alembic import op

import store.types

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspace_settings") as batch:
        batch.add_column(sa.Column("day_first", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("team_domain", sa.String(length=64), nullable=True))
    with op.batch_alter_table("milestone") as batch:
        batch.add_column(sa.Column("baseline_due", sa.Date(), nullable=True))
    op.create_table(
        "ask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("to_user", sa.String(length=32), nullable=True),
        sa.Column("to_function", sa.String(length=40), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column(
            "state",
            sa.Enum("open", "answered", "withdrawn", name="askstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("answer", sa.String(length=2000), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "number", name="uq_ask_team_number"),
    )
    op.create_index(op.f("ix_ask_program_id"), "ask", ["program_id"], unique=False)
    op.create_index(op.f("ix_ask_team_id"), "ask", ["team_id"], unique=False)
    _open_asks_from_current_reports()


def _open_asks_from_current_reports() -> None:
    """One open ask per program whose newest status report asked for something."""
    conn = op.get_bind()
    status = sa.table(
        "status_update",
        sa.column("id", sa.Integer),
        sa.column("team_id", sa.String),
        sa.column("program_id", sa.Integer),
        sa.column("asks", sa.String),
        sa.column("author_id", sa.String),
        sa.column("created_at", store.types.UTCDateTime()),
    )
    ranked = sa.select(
        status,
        sa.func.row_number()
        .over(partition_by=status.c.program_id, order_by=(status.c.created_at.desc(), status.c.id.desc()))
        .label("rank"),
    ).subquery()
    current = conn.execute(
        sa.select(ranked)
        .where(ranked.c.rank == 1, ranked.c.asks.is_not(None), ranked.c.asks != "")
        .order_by(ranked.c.team_id, ranked.c.created_at, ranked.c.id)
    ).all()
    ask = sa.table(
        "ask",
        sa.column("team_id", sa.String),
        sa.column("number", sa.Integer),
        sa.column("program_id", sa.Integer),
        sa.column("text", sa.String),
        sa.column("state", sa.String),
        sa.column("created_by", sa.String),
        sa.column("created_at", store.types.UTCDateTime()),
    )
    counter = sa.table(
        "id_counter", sa.column("team_id", sa.String), sa.column("kind", sa.String), sa.column("value", sa.Integer)
    )
    numbers: dict[str, int] = {}
    for row in current:
        numbers[row.team_id] = numbers.get(row.team_id, 0) + 1
        conn.execute(
            ask.insert().values(
                team_id=row.team_id,
                number=numbers[row.team_id],
                program_id=row.program_id,
                text=row.asks[:2000],
                state="open",
                created_by=row.author_id,
                created_at=row.created_at,
            )
        )
    for team_id, last in numbers.items():
        conn.execute(counter.insert().values(team_id=team_id, kind="ASK", value=last))


def downgrade() -> None:
    op.drop_index(op.f("ix_ask_team_id"), table_name="ask")
    op.drop_index(op.f("ix_ask_program_id"), table_name="ask")
    op.drop_table("ask")
    op.execute("DELETE FROM id_counter WHERE kind = 'ASK'")
    with op.batch_alter_table("milestone") as batch:
        batch.drop_column("baseline_due")
    with op.batch_alter_table("workspace_settings") as batch:
        batch.drop_column("team_domain")
        batch.drop_column("day_first")
