"""Migration 0016 (program phases, a milestone's re-plan reason) upgrades a database holding the demo portfolio as
it stood before the plan tables (revision 0012), on both databases: every row the demo had is still there, the
new tables start empty, and the upgraded portfolio takes plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import select

from bot import demo_data as demo
from domain import phases, plans
from domain.access import Actor
from domain.context import Context
from domain.phases import PhaseSet
from domain.programs import ProgramRef
from store.db import Database
from store.migrate import alembic_config, upgrade
from store.models import Milestone, ProgramPhase
from tests.support.store import filled_database

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
BEFORE_PLANS = "0012"  # the revision before budgets, issues, dependencies, staffing (0013) and phases (0016)
KEPT = {  # what the demo holds in tables older than the plans, and the columns of them compared
    "program": "key, name, owner_id, restricted, target_date",
    "milestone": "number, title, due, baseline_due, done_at",
    "risk": "number, title, likelihood, impact, status",
    "action": "number, title, due, status",
    "decision": "number, title, status",
    "status_update": "program_id, rag, summary",
    "ask": "number, text, state",
    "kpi": "number, name, target",
    "kpi_reading": "kpi_id, value, taken_on",
    "audit_event": "entity_type, entity_ref, action",
}
PLAN_TABLES = ("budget_plan", "budget_spend", "issue", "program_dependency", "staffing_line", "program_phase")


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    database = Database(url)
    try:
        with database.engine.connect() as conn:
            return {
                table: sorted(tuple(row) for row in conn.execute(text(f"SELECT {columns} FROM {table}")))
                for table, columns in KEPT.items()
            }
    finally:
        database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_before_plans(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """A database at 0012 holding the demo portfolio (seeded at head, then downgraded), and its rows."""
    held: dict[str, Any] = {}

    def fill(url: str) -> None:
        upgrade(url)
        database = Database(url)
        with database.session(write=True) as session:
            assert demo.seed(session, today=NOW.date(), now=NOW)
        database.dispose()
        command.downgrade(alembic_config(url), BEFORE_PLANS)
        held.update(_rows(url))

    with filled_database(request, tmp_path, fill) as url:
        yield url, held


def test_the_upgrade_keeps_the_demo_portfolio_and_adds_empty_plan_tables(
    demo_before_plans: tuple[str, dict[str, Any]],
) -> None:
    url, before = demo_before_plans
    database = Database(url)
    try:
        tables = set(inspect(database.engine).get_table_names())
        assert tables.isdisjoint(PLAN_TABLES)
        database.dispose()
        upgrade(url)
        assert _rows(url) == before
        assert len(before["program"]) == 7 and len(before["milestone"]) == 8 and len(before["audit_event"]) > 100
        with database.engine.connect() as conn:
            assert all(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() == 0 for t in PLAN_TABLES)
        with database.session() as session:
            redated = session.exec(select(Milestone).where(Milestone.number == 4)).one()
            assert (redated.due - (redated.baseline_due or redated.due)).days == 7 and redated.replan_reason is None
    finally:
        database.dispose()


def test_the_upgraded_demo_takes_plans(demo_before_plans: tuple[str, dict[str, Any]]) -> None:
    url, _before = demo_before_plans
    upgrade(url)
    database = Database(url)
    lena = Actor(team_id=demo.DEMO_TEAM, user_id="U0LENA")
    try:
        with database.session(write=True) as session:
            ctx = Context(session, lena, NOW, ZoneInfo("UTC"), quiet=True)
            phase = PhaseSet(
                key="TNS-CLASSIFIER", name="Enforcement", start=dt.date(2026, 12, 7), end=dt.date(2027, 1, 15)
            )
            phases.set_phase(ctx, phase)
        with database.session() as session:
            ctx = Context(session, lena, NOW, ZoneInfo("UTC"), quiet=True)
            answer = plans.plan(ctx, ProgramRef(key="TNS-CLASSIFIER"))
            facts = answer.message.context["f"]
            assert [p.phase.name for p in facts.phases] == ["Enforcement"]
            assert [(pm.milestone.number, pm.moved) for pm in facts.milestones] == [(3, 0), (4, 7)]
            assert session.exec(select(ProgramPhase)).one().created_by == "U0LENA"
    finally:
        database.dispose()
