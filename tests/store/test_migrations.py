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
