"""Migrations build exactly the schema the models describe, from an empty database, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from store.db import Database
from store.migrate import NotMigrated, alembic_config, current_revision, head_revision, require_migrated, upgrade
from tests.support.store import scratch_postgres


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with scratch_postgres(request.getfixturevalue("postgres_url")) as url:
        yield url


def schema_differences(url: str) -> list[object]:
    engine = Database(url).engine
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrading_an_empty_database_gives_exactly_the_model_schema(empty_url: str) -> None:
    assert schema_differences(empty_url) != []  # the comparison does see a missing schema
    upgrade(empty_url)
    assert schema_differences(empty_url) == []
    assert table_names(empty_url) == {t.name for t in SQLModel.metadata.sorted_tables} | {"alembic_version"}


def test_downgrade_to_base_and_upgrade_again_round_trips(empty_url: str) -> None:
    upgrade(empty_url)
    command.downgrade(alembic_config(empty_url), "base")
    assert table_names(empty_url) == {"alembic_version"}
    upgrade(empty_url)
    assert schema_differences(empty_url) == []


def test_the_session_database_fixture_is_at_head_with_no_differences(database: Database) -> None:
    assert current_revision(database.engine) == head_revision()
    assert schema_differences(database.url) == []
    require_migrated(database.engine)  # does not raise


def test_an_empty_database_is_refused_with_a_hint_to_migrate(empty_url: str) -> None:
    engine = Database(empty_url).engine
    try:
        with pytest.raises(NotMigrated, match="pulse migrate") as refused:
            require_migrated(engine)
        assert "has no Pulse tables" in str(refused.value)
        upgrade(empty_url)
        require_migrated(engine)
    finally:
        engine.dispose()


def test_a_database_at_another_revision_is_refused(empty_url: str) -> None:
    upgrade(empty_url)
    engine = Database(empty_url).engine
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
        with pytest.raises(NotMigrated, match="pulse migrate") as refused:
            require_migrated(engine)
        assert f"is at migration ffff, code needs {head_revision()}" in str(refused.value)
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless(empty_url: str) -> None:
    upgrade(empty_url)
    upgrade(empty_url)
    assert schema_differences(empty_url) == []


def test_upgrading_a_database_with_data_keeps_every_row_and_turns_current_asks_into_open_asks(empty_url: str) -> None:
    command.upgrade(alembic_config(empty_url), "0004")
    engine = create_engine(empty_url)
    try:
        with engine.begin() as conn:
            for pid, key in ((1, "TNS-APPEALS"), (2, "TNS-QUIET")):
                conn.execute(
                    text(
                        "INSERT INTO program (id, team_id, key, name, owner_id, restricted, members, allowed_channels,"
                        " created_by, created_at, updated_at) VALUES (:id, 'T1', :key, 'P', 'U1', false, '[]', '[]',"
                        " 'U1', '2026-11-01 09:00:00', '2026-11-01 09:00:00')"
                    ),
                    {"id": pid, "key": key},
                )
            reports = [  # (program, asks, day): APPEALS asks now; QUIET asked once, then stopped asking
                (1, None, 2),
                (1, "Two extra reviewers", 9),
                (2, "Legal review slot", 3),
                (2, None, 8),
            ]
            for pid, asks, day in reports:
                conn.execute(
                    text(
                        "INSERT INTO status_update (team_id, program_id, rag, summary, asks, author_id, created_at)"
                        " VALUES ('T1', :pid, 'amber', 'Late', :asks, 'U1', :at)"
                    ),
                    {"pid": pid, "asks": asks, "at": f"2026-11-{day:02d} 09:00:00"},
                )
            conn.execute(
                text(
                    "INSERT INTO milestone (team_id, number, program_id, title, due, owner_id, created_by, created_at)"
                    " VALUES ('T1', 1, 1, 'Vendor signed', '2026-12-01', 'U1', 'U1', '2026-11-01 09:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO workspace_settings (team_id, band_medium_min, band_high_min,"
                    " band_critical_min, ladder_step2_days, ladder_step3_days, updated_at)"
                    " VALUES ('T1', 5, 10, 20, 2, 5, '2026-11-01 09:00:00')"
                )
            )
        upgrade(empty_url)
        assert schema_differences(empty_url) == []
        with engine.connect() as conn:
            ask_rows = conn.execute(text("SELECT number, program_id, text, state, to_user, due FROM ask")).all()
            counter = conn.execute(text("SELECT value FROM id_counter WHERE team_id = 'T1' AND kind = 'ASK'")).all()
            milestone = conn.execute(text("SELECT due, baseline_due FROM milestone")).one()
            day_first = conn.execute(text("SELECT day_first FROM workspace_settings")).scalar_one()
            reports_kept = conn.execute(text("SELECT count(*) FROM status_update")).scalar_one()
    finally:
        engine.dispose()
    assert [tuple(row) for row in ask_rows] == [(1, 1, "Two extra reviewers", "open", None, None)]
    assert [tuple(row) for row in counter] == [(1,)]  # the next ask is ASK-2
    assert (str(milestone[0]), milestone[1]) == ("2026-12-01", None)
    assert not day_first  # month/day until the workspace says otherwise
    assert reports_kept == 4
