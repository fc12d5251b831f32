"""Migration 0015 (stakeholders: people by function around a program, with a RACI role) upgrades a database holding
programs and decisions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import select

from store.db import Database
from store.migrate import alembic_config, upgrade
from store.models import Decision, Program, Raci, Stakeholder, StakeholderFunction
from tests.support.store import filled_database, old_program

NOW = "2026-11-20 09:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0014(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0014 with a program and a decision informing someone."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0014")
    database = Database(url)
    with database.engine.begin() as conn:
        program_id = old_program(conn, NOW)
        conn.execute(
            text(
                "INSERT INTO decision (team_id, number, program_id, title, decision, driver_id, decider_id,"
                " consulted, informed, status, created_at) VALUES ('T1', 1, :program, 'Use vendor B',"
                " 'Use vendor B', 'U1', 'U1', '[]', '[\"U2\"]', 'decided', :now)"
            ),
            {"program": program_id, "now": NOW},
        )
    database.dispose()


def test_upgrade_keeps_the_data_and_takes_stakeholders(at_0014: str) -> None:
    upgrade(at_0014)
    database = Database(at_0014)
    try:
        with database.session(write=True) as session:
            program = session.exec(select(Program)).one()
            assert session.exec(select(Decision)).one().informed == ["U2"]
            session.add(
                Stakeholder(
                    team_id="T1",
                    program_id=program.id or 0,
                    user_id="U2",
                    function=StakeholderFunction.RISK_COMPLIANCE,
                    role=Raci.INFORMED,
                    updated_by="U1",
                )
            )
        with database.session() as session:
            stored = session.exec(select(Stakeholder)).one()
            assert (stored.function, stored.role, stored.removed_at) == (
                StakeholderFunction.RISK_COMPLIANCE,
                Raci.INFORMED,
                None,
            )
    finally:
        database.dispose()


def test_downgrade_to_0014_keeps_the_old_data(at_0014: str) -> None:
    upgrade(at_0014)
    command.downgrade(alembic_config(at_0014), "0014")
    database = Database(at_0014)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT title FROM decision")).scalar_one() == "Use vendor B"
            assert "stakeholder" not in inspect(conn).get_table_names()
    finally:
        database.dispose()
