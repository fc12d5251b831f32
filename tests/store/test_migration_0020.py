"""Migration 0020 (program canvases) upgrades a database holding programs and a pending outbox message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from store import canvases
from store.db import Database
from store.migrate import alembic_config, upgrade
from store.models import OutboxStatus
from store.types import utcnow
from tests.support.store import filled_database, old_program

NOW = "2026-11-20 09:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0014(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0014 with a program in #appeals and a pending outbox message."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0014")
    database = Database(url)
    with database.engine.begin() as conn:
        old_program(conn, NOW, channel_id="C0APPEALS")
        conn.execute(
            text(
                "INSERT INTO outbox_message (team_id, dedupe_key, kind, channel_id, markup, buttons, status,"
                " attempts, next_attempt_at, created_at) VALUES ('T1', 'digest:1', 'digest', 'C1', 'hello', '[]',"
                " 'pending', 0, :now, :now)"
            ),
            {"now": NOW},
        )
    database.dispose()


def test_upgrade_keeps_the_data_and_remembers_canvases(at_0014: str) -> None:
    upgrade(at_0014)
    database = Database(at_0014)
    try:
        with database.session(write=True) as session:
            (program,) = canvases.programs_in(session, "T1", "C0APPEALS")
            assert program.key == "TNS-OLD"
            assert canvases.in_channel(session, "T1", "C0APPEALS") is None
            canvases.remember(session, "T1", "C0APPEALS", canvas_id="F0CANVAS0001")
            assert canvases.refuse(session, "T1", "team_tier_cannot_create_channel_canvases", utcnow()) is True
            assert canvases.refuse(session, "T1", "team_tier_cannot_create_channel_canvases", utcnow()) is False
            assert not canvases.waiting(session, "T1", "C1", "canvas", due_by=utcnow())
        with database.session() as session:
            stored = canvases.in_channel(session, "T1", "C0APPEALS")
            assert stored is not None and stored.canvas_id == "F0CANVAS0001"
            refusal = canvases.refusal(session, "T1")
            assert refusal is not None and refusal.error == "team_tier_cannot_create_channel_canvases"
        with database.engine.connect() as conn:
            status = conn.execute(text("SELECT status FROM outbox_message")).scalar_one()
            assert status == OutboxStatus.PENDING.value
    finally:
        database.dispose()


def test_downgrade_to_0014_drops_only_the_canvas_tables(at_0014: str) -> None:
    upgrade(at_0014)
    command.downgrade(alembic_config(at_0014), "0014")
    database = Database(at_0014)
    try:
        tables = set(inspect(database.engine).get_table_names())
        assert "channel_canvas" not in tables and "canvas_refusal" not in tables
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM program")).scalar_one() == 1
            assert conn.execute(text("SELECT count(*) FROM outbox_message")).scalar_one() == 1
    finally:
        database.dispose()
