"""Connection settings Pulse relies on: WAL, a busy timeout and enforced foreign keys on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import exc, text

from store.db import SQLITE_BUSY_TIMEOUT_MS, Database, is_unavailable, normalise_url
from store.models import Risk
from tests.support.replicas import free_port
from tests.support.store import TEAM


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'pragmas.db'}")
    yield db
    db.dispose()


def pragmas(database: Database, *, write: bool) -> tuple[str, int, int]:
    with database.session(write=write) as session:
        journal = session.execute(text("PRAGMA journal_mode")).scalar_one()
        busy = session.execute(text("PRAGMA busy_timeout")).scalar_one()
        foreign_keys = session.execute(text("PRAGMA foreign_keys")).scalar_one()
    return str(journal).lower(), int(busy), int(foreign_keys)


def test_every_sqlite_connection_has_wal_busy_timeout_and_foreign_keys(sqlite_database: Database) -> None:
    assert SQLITE_BUSY_TIMEOUT_MS >= 5000
    assert pragmas(sqlite_database, write=False) == ("wal", SQLITE_BUSY_TIMEOUT_MS, 1)
    assert pragmas(sqlite_database, write=True) == ("wal", SQLITE_BUSY_TIMEOUT_MS, 1)
    sqlite_database.engine.dispose()  # fresh connections get the same settings
    with sqlite_database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == SQLITE_BUSY_TIMEOUT_MS
    assert sqlite_database.dialect == "sqlite"
    assert sqlite_database.ping()


def test_the_database_refuses_rows_that_point_at_nothing(database: Database) -> None:
    """Foreign keys hold on both databases: a risk of a program that does not exist is refused."""
    orphan = Risk(
        team_id=TEAM,
        number=1,
        program_id=424242,
        title="orphan",
        likelihood=1,
        impact=1,
        score=1,
        owner_id="U1",
        created_by="U1",
    )
    with pytest.raises(exc.IntegrityError), database.session(write=True) as session:
        session.add(orphan)


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u:p%40ss@db:5432/pulse") == "postgresql+psycopg://u:p%40ss@db:5432/pulse"
    assert normalise_url("postgres://db/pulse") == "postgresql+psycopg://db/pulse"
    assert normalise_url("sqlite:///./pulse.db") == "sqlite:///./pulse.db"


def test_ping_is_false_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    unreachable = Database(f"sqlite:///{tmp_path / 'no-such-dir' / 'pulse.db'}")
    try:
        assert unreachable.ping() is False
    finally:
        unreachable.dispose()


def test_a_server_that_is_away_is_told_from_a_bug(database: Database) -> None:
    """`is_unavailable` (answered "busy, try again") is a server nobody answers on, never a faulty statement."""
    with pytest.raises(exc.DBAPIError) as faulty, database.session() as session:
        session.execute(text("SELECT * FROM no_such_table"))
    assert not is_unavailable(faulty.value)
    away = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/pulse")  # nothing listens there
    try:
        with pytest.raises(exc.OperationalError) as refused, away.session() as session:
            session.execute(text("SELECT 1"))
    finally:
        away.dispose()
    assert is_unavailable(refused.value)
    assert not is_unavailable(ValueError("not a database error"))
