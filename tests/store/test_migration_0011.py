"""Migration 0011 (the clock's plan marks, audit events indexed by workspace and id) upgrades a database that
already holds data, and a clock planning on it starts from no mark."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from store import audit, ticks
from store.db import Database
from store.migrate import upgrade
from store.models import PlanMark
from store.types import utcnow
from tests.support.store import filled_database

NOW = "2026-11-20 09:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0008 with two workspaces' audit events."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0008")
    database = Database(url)
    with database.engine.begin() as conn:
        for team, ref in (("T1", "R-1"), ("T2", "R-1"), ("T1", "R-2")):
            conn.execute(
                text(
                    "INSERT INTO audit_event (team_id, actor_id, entity_type, entity_ref, action, created_at)"
                    " VALUES (:team, 'U1', 'risk', :ref, 'create', :now)"
                ),
                {"team": team, "ref": ref, "now": NOW},
            )
    database.dispose()


def test_upgrade_keeps_the_audit_trail_and_starts_without_marks(at_0008: str) -> None:
    upgrade(at_0008)
    database = Database(at_0008)
    try:
        indexes = {ix["name"]: ix["column_names"] for ix in inspect(database.engine).get_indexes("audit_event")}
        assert indexes["ix_audit_event_team_id_id"] == ["team_id", "id"]
        with database.session(write=True) as session:
            newest = {team: audit.newest_id(session, team) for team in ("T1", "T2", "T3")}
            assert newest["T1"] > newest["T2"] > 0 == newest["T3"]
            assert ticks.plan_mark(session, "T1") is None
            ticks.set_plan_mark(session, "T1", at=utcnow(), audit_id=newest["T1"], steady=False)
        with database.session() as session:
            (mark,) = session.exec(select(PlanMark))
            assert (mark.team_id, mark.audit_id, mark.steady) == ("T1", newest["T1"], False)
    finally:
        database.dispose()
