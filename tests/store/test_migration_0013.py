"""Migration 0013 (budgets, the workspace's currency and budget threshold, status by dimension, issues) upgrades a
database holding data."""

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
from store.models import (
    BudgetPlan,
    BudgetSpend,
    Issue,
    Kpi,
    Program,
    ProgramDependency,
    Rag,
    SpendCategory,
    StaffingLine,
    StatusUpdate,
    WorkspaceSettings,
)
from tests.support.store import filled_database, old_program

NOW = "2026-11-20 09:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0008 with a program, a KPI and saved workspace settings."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0008")
    database = Database(url)
    with database.engine.begin() as conn:
        program_id = old_program(conn, NOW)
        conn.execute(
            text(
                "INSERT INTO kpi (team_id, number, program_id, name, unit, target, direction, owner_id, created_by,"
                " created_at) VALUES ('T1', 1, :program, 'Median appeal time', 'h', 48, 'down', 'U1', 'U1', :now)"
            ),
            {"program": program_id, "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO status_update (team_id, program_id, rag, summary, author_id, created_at)"
                " VALUES ('T1', :program, 'amber', 'Vendor slipped', 'U1', :now)"
            ),
            {"program": program_id, "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO workspace_settings (team_id, band_medium_min, band_high_min, band_critical_min,"
                " ladder_step2_days, ladder_step3_days, day_first, appetite_band, appetite_needs_mitigation,"
                " updated_at) VALUES ('T1', 4, 9, 16, 2, 5, false, 'high', true, :now)"
            ),
            {"now": NOW},
        )
    database.dispose()


def test_upgrade_keeps_the_data_and_gives_the_defaults(at_0008: str) -> None:
    upgrade(at_0008)
    database = Database(at_0008)
    try:
        with database.session(write=True) as session:
            program = session.exec(select(Program)).one()
            settings = session.exec(select(WorkspaceSettings)).one()
            assert (program.key, session.exec(select(Kpi)).one().name) == ("TNS-OLD", "Median appeal time")
            assert (settings.appetite_band, settings.currency, settings.budget_threshold_pct) == ("high", "USD", 10)
            assert settings.staffing_threshold_pct == 80
            session.add(
                StaffingLine(team_id="T1", program_id=program.id or 0, role="reviewers", planned=40, updated_by="U1")
            )
            update = session.exec(select(StatusUpdate)).one()
            assert (update.rag, update.summary, update.schedule, update.confidence) == (
                Rag.AMBER,
                "Vendor slipped",
                None,
                None,
            )
            session.add(
                Issue(
                    team_id="T1",
                    number=1,
                    program_id=program.id or 0,
                    title="Backlog",
                    severity=2,
                    impact="14k appeals late",
                    owner_id="U1",
                    created_by="U1",
                )
            )
            session.add(
                BudgetPlan(team_id="T1", program_id=program.id or 0, quarter="2027Q1", planned=10**14, set_by="U1")
            )
            session.add(
                BudgetSpend(
                    team_id="T1",
                    program_id=program.id or 0,
                    quarter="2027Q1",
                    amount=1_250_050,
                    category=SpendCategory.VENDOR,
                    spent_on=dt.date(2027, 1, 4),
                    recorded_by="U1",
                )
            )
            session.add(
                ProgramDependency(
                    team_id="T1", program_id=program.id or 0, on_program_id=program.id or 0, created_by="U1"
                )
            )
        with database.session() as session:
            assert session.exec(select(ProgramDependency)).one().milestone_id is None
            line = session.exec(select(StaffingLine)).one()
            assert (line.planned, line.filled) == (40, 0)
            plan = session.exec(select(BudgetPlan)).one()
            spend = session.exec(select(BudgetSpend)).one()
            assert (plan.planned, plan.committed, spend.amount, spend.category) == (
                10**14,
                0,
                1_250_050,
                SpendCategory.VENDOR,
            )
    finally:
        database.dispose()


def test_downgrade_to_0008_keeps_the_old_data(at_0008: str) -> None:
    upgrade(at_0008)
    command.downgrade(alembic_config(at_0008), "0008")
    database = Database(at_0008)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM kpi")).scalar_one() == "Median appeal time"
            assert conn.execute(text("SELECT appetite_band FROM workspace_settings")).scalar_one() == "high"
            assert conn.execute(text("SELECT summary FROM status_update")).scalar_one() == "Vendor slipped"
    finally:
        database.dispose()
