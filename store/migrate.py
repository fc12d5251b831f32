"""Alembic migrations, driven from code so `pulse migrate` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class NotMigrated(Exception):
    """The database schema is behind the code."""


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at Pulse's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str:
    """The newest migration the code knows."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None when it has none."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def require_migrated(engine: Engine) -> None:
    """Refuse to run on a database that is not at the newest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "has no Pulse tables" if current is None else f"is at migration {current}, code needs {head}"
        raise NotMigrated(f"The database {state}: run `pulse migrate` first.")
