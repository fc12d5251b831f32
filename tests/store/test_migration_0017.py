"""Migration 0017 (actions that work on an issue, the function of a staffing role) upgrades a database holding
actions, issues and staffing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from store.db import Database
from store.migrate import alembic_config, upgrade
from store.models import Action, Issue, StaffingLine
from tests.support.store import filled_database, old_program

NOW = "2026-11-20 09:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0014(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0014 with a program, an action linked to nothing and an open issue."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0014")
    database = Database(url)
    with database.engine.begin() as conn:
        program_id = old_program(conn, NOW)
        conn.execute(
            text(
                "INSERT INTO action (team_id, number, program_id, title, owner_id, due, status, created_by,"
                " created_at) VALUES ('T1', 1, :program, 'Call the vendor', 'U1', '2026-12-01', 'open', 'U1', :now)"
            ),
            {"program": program_id, "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO issue (team_id, number, program_id, title, severity, impact, owner_id, status,"
                " created_by, created_at) VALUES ('T1', 1, :program, 'Backlog', 2, '14k appeals late', 'U1', 'open',"
                " 'U1', :now)"
            ),
            {"program": program_id, "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO staffing_line (team_id, program_id, role, planned, filled, updated_by, created_at,"
                " updated_at) VALUES ('T1', :program, 'reviewers', 40, 24, 'U1', :now, :now)"
            ),
            {"program": program_id, "now": NOW},
        )
    database.dispose()


def test_upgrade_keeps_the_actions_and_links_them_to_issues(at_0014: str) -> None:
    upgrade(at_0014)
    database = Database(at_0014)
    try:
        with database.session(write=True) as session:
            action = session.exec(select(Action)).one()
            assert (action.number, action.title, action.issue_id) == (1, "Call the vendor", None)
            action.issue_id = session.exec(select(Issue)).one().id
            session.add(action)
            line = session.exec(select(StaffingLine)).one()
            assert (line.role, line.planned, line.filled, line.function) == ("reviewers", 40, 24, None)
            line.function = "operations"
            session.add(line)
        with database.session() as session:
            assert session.exec(select(Action)).one().issue_id == session.exec(select(Issue)).one().id
            assert session.exec(select(StaffingLine)).one().function == "operations"
    finally:
        database.dispose()


def test_downgrade_to_0014_keeps_the_actions(at_0014: str) -> None:
    upgrade(at_0014)
    command.downgrade(alembic_config(at_0014), "0014")
    database = Database(at_0014)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT title FROM action")).scalar_one() == "Call the vendor"
            assert conn.execute(text("SELECT planned FROM staffing_line")).scalar_one() == 40
    finally:
        database.dispose()
