"""Alembic environment: Pulse's models, batch mode for SQLite."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from store.db import create_db_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    url = config.get_main_option("sqlalchemy.url")
    assert url
    engine = create_db_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
