"""Migration 0008 (KPIs, milestone baselines, risk appetite) upgrades a database that already holds data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from store.db import Database
from store.migrate import alembic_config, upgrade
from store.models import Kpi, KpiDirection, KpiReading, Milestone, Program, WorkspaceSettings
from tests.support.store import filled_database, old_program

NOW = "2026-11-20 09:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0004(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0004 with a program, a milestone and saved workspace settings."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0004")
    database = Database(url)
    with database.engine.begin() as conn:
        program_id = old_program(conn, NOW)
        conn.execute(
            text(
                "INSERT INTO milestone (team_id, number, program_id, title, due, owner_id, created_by, created_at)"
                " VALUES ('T1', 1, :program, 'Vendor signed', '2026-12-01', 'U1', 'U1', :now)"
            ),
            {"program": program_id, "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO workspace_settings (team_id, band_medium_min, band_high_min, band_critical_min,"
                " ladder_step2_days, ladder_step3_days, updated_at) VALUES ('T1', 4, 9, 16, 2, 5, :now)"
            ),
            {"now": NOW},
        )
    database.dispose()


def test_upgrade_keeps_the_data_and_gives_the_defaults(at_0004: str) -> None:
    upgrade(at_0004)
    database = Database(at_0004)
    try:
        with database.session(write=True) as session:
            program = session.exec(select(Program)).one()
            milestone = session.exec(select(Milestone)).one()
            settings = session.exec(select(WorkspaceSettings)).one()
            assert (program.key, milestone.title, milestone.due) == ("TNS-OLD", "Vendor signed", dt.date(2026, 12, 1))
            assert milestone.baseline_due is None  # never re-planned
            assert (settings.band_critical_min, settings.appetite_band, settings.appetite_needs_mitigation) == (
                16,
                "critical",
                True,
            )
            kpi = Kpi(
                team_id="T1",
                number=1,
                program_id=program.id or 0,
                name="Median appeal time",
                unit="h",
                target=48,
                direction=KpiDirection.DOWN,
                owner_id="U1",
                created_by="U1",
            )
            session.add(kpi)
            session.flush()
            session.add(
                KpiReading(team_id="T1", kpi_id=kpi.id or 0, value=71, taken_on=dt.date(2026, 12, 1), recorded_by="U1")
            )
        with database.session() as session:
            reading = session.exec(select(KpiReading)).one()
            assert (reading.value, reading.taken_on) == (71, dt.date(2026, 12, 1))
    finally:
        database.dispose()


def test_downgrade_to_0004_keeps_the_old_data(at_0004: str) -> None:
    upgrade(at_0004)
    command.downgrade(alembic_config(at_0004), "0004")
    database = Database(at_0004)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT title FROM milestone")).scalar_one() == "Vendor signed"
            assert conn.execute(text("SELECT band_critical_min FROM workspace_settings")).scalar_one() == 16
    finally:
        database.dispose()
