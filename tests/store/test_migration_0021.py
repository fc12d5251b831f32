"""Migration 0021 (an index of active programs by owner and check-in setting) upgrades a database holding
programs, and the clock's look at owners' check-in times then reads that index alone."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, inspect, text

from store import programs
from store.db import Database
from store.migrate import alembic_config, upgrade
from tests.support.store import filled_database, old_program

NOW = "2026-11-20 09:00:00"
INDEX = "ix_program_owner_checkins"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0020(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0020: TNS-OLD (owner U1, cached in Europe/Berlin, Thursday check-ins), a second
    program of U1's on the default cadence, an archived one of U2's and one with no owner."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0020")
    database = Database(url)
    with database.engine.begin() as conn:
        old_id = old_program(conn, NOW)
        conn.execute(text("UPDATE program SET checkin = 'thu@14:00' WHERE id = :id"), {"id": old_id})
        for key, owner, archived in (("TNS-TWO", "U1", None), ("TNS-GONE", "U2", NOW), ("TNS-NOBODY", "", None)):
            conn.execute(
                text(
                    "INSERT INTO program (team_id, key, name, owner_id, restricted, members, allowed_channels,"
                    " created_by, created_at, updated_at, archived_at)"
                    " VALUES ('T1', :key, 'A program', :owner, false, '[]', '[]', 'U1', :now, :now, :archived)"
                ),
                {"key": key, "owner": owner, "now": NOW, "archived": archived},
            )
        conn.execute(
            text(
                "INSERT INTO user_profile (team_id, user_id, tz, fetched_at) VALUES ('T1', 'U1', 'Europe/Berlin', :now)"
            ),
            {"now": NOW},
        )
    database.dispose()


def test_upgrade_keeps_the_programs_and_indexes_owners_check_ins(at_0020: str) -> None:
    upgrade(at_0020)
    database = Database(at_0020)
    try:
        indexes = {ix["name"]: ix["column_names"] for ix in inspect(database.engine).get_indexes("program")}
        assert indexes[INDEX] == ["team_id", "archived_at", "owner_id", "checkin"]
        with database.session() as session:
            assert programs.owner_checkins(session, "T1") == {("thu@14:00", "Europe/Berlin"), (None, "Europe/Berlin")}
            assert programs.owner_checkins(session, "T2") == set()
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM program")).scalar_one() == 4
    finally:
        database.dispose()


def test_the_check_in_look_reads_only_the_index_on_sqlite(at_0020: str) -> None:
    if not at_0020.startswith("sqlite"):
        pytest.skip("SQLite's query plan: PostgreSQL chooses by its statistics")
    upgrade(at_0020)
    database = Database(at_0020)
    try:
        sent: list[tuple[str, Sequence[Any]]] = []

        def listen(_conn: object, _cursor: object, statement: str, parameters: Sequence[Any], *_: object) -> None:
            sent.append((statement, parameters))

        event.listen(database.engine, "before_cursor_execute", listen)
        with database.session() as session:
            programs.owner_checkins(session, "T1")
        event.remove(database.engine, "before_cursor_execute", listen)
        (statement, parameters), *_ = [(s, p) for s, p in sent if "FROM program" in s]
        with database.engine.connect() as conn:
            plans = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
        assert any(f"COVERING INDEX {INDEX}" in plan for plan in plans), plans
        assert not any(plan.startswith("SCAN program") for plan in plans), plans
    finally:
        database.dispose()


def test_downgrade_to_0020_drops_only_the_index(at_0020: str) -> None:
    upgrade(at_0020)
    command.downgrade(alembic_config(at_0020), "0020")
    database = Database(at_0020)
    try:
        assert INDEX not in {ix["name"] for ix in inspect(database.engine).get_indexes("program")}
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM program")).scalar_one() == 4
    finally:
        database.dispose()
