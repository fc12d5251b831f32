"""Migration 0012 (item sources, program check-ins) upgrades a database that already holds data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from store.db import Database
from store.migrate import alembic_config, upgrade
from store.models import Action, Program, Risk, StatusUpdate
from tests.support.store import filled_database, old_program

NOW = "2026-11-20 09:00:00"
LINK = "https://acme.slack.com/archives/C1/p1700000000000200"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0008 with a program, a status report, a risk and an action."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0008")
    database = Database(url)
    with database.engine.begin() as conn:
        values = {"program": old_program(conn, NOW), "now": NOW}
        conn.execute(
            text(
                "INSERT INTO status_update (team_id, program_id, rag, summary, author_id, created_at)"
                " VALUES ('T1', :program, 'amber', 'Vendor slipped', 'U1', :now)"
            ),
            values,
        )
        conn.execute(
            text(
                "INSERT INTO risk (team_id, number, program_id, title, likelihood, impact, score, owner_id,"
                " response, status, created_by, created_at, updated_at)"
                " VALUES ('T1', 1, :program, 'Vendor attrition', 2, 3, 6, 'U1', 'mitigate', 'open', 'U1', :now, :now)"
            ),
            values,
        )
        conn.execute(
            text(
                "INSERT INTO action (team_id, number, program_id, title, owner_id, due, status, created_by,"
                " created_at) VALUES ('T1', 1, :program, 'Send the SOW', 'U1', '2026-12-01', 'open', 'U1', :now)"
            ),
            values,
        )
    database.dispose()


def test_upgrade_keeps_the_items_with_no_source(at_0008: str) -> None:
    upgrade(at_0008)
    database = Database(at_0008)
    try:
        with database.session(write=True) as session:
            risk, action = session.exec(select(Risk)).one(), session.exec(select(Action)).one()
            status = session.exec(select(StatusUpdate)).one()
            assert (risk.title, action.title, status.summary) == ("Vendor attrition", "Send the SOW", "Vendor slipped")
            assert (risk.source_permalink, action.source_permalink, status.source_permalink) == (None, None, None)
            assert session.exec(select(Program)).one().checkin is None  # the default cadence
            risk.source_permalink = LINK
        with database.session() as session:
            assert session.exec(select(Risk)).one().source_permalink == LINK
    finally:
        database.dispose()


def test_downgrade_to_0008_keeps_the_items(at_0008: str) -> None:
    upgrade(at_0008)
    command.downgrade(alembic_config(at_0008), "0008")
    database = Database(at_0008)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT title FROM risk")).scalar_one() == "Vendor attrition"
            assert conn.execute(text("SELECT summary FROM status_update")).scalar_one() == "Vendor slipped"
    finally:
        database.dispose()
