"""Shared actors and small helpers for the store tests (they work on both databases)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import Connection, make_url
from sqlmodel import Session, SQLModel, col, select

from domain.access import Actor
from domain.lookup import item as numbered
from domain.lookup import program as program_by_key
from store.db import Database
from store.ids import Kind
from store.models import Action, AuditEvent, Decision, Milestone, Program, Risk
from tests.support.services import programs

TEAM = "T1"
ADMIN = Actor(team_id=TEAM, user_id="U0ADMIN", is_admin=True)
OWNER = Actor(team_id=TEAM, user_id="U0OWNER")  # owns the program
RISK_OWNER = Actor(team_id=TEAM, user_id="U0RISK")
ACTION_OWNER = Actor(team_id=TEAM, user_id="U0DOER")
DECIDER = Actor(team_id=TEAM, user_id="U0DECIDER")
STRANGER = Actor(team_id=TEAM, user_id="U0STRANGER")
TODAY = dt.date(2026, 11, 25)


def new_program(database: Database, key: str = "TNS-X", *, owner: Actor = OWNER, **fields: Any) -> Program:
    """Create a program as an admin, owned by `owner`."""
    with database.session(write=True) as session:
        return programs.create(session, ADMIN, key=key, name=f"{key} program", owner_id=owner.user_id, **fields)


def get_program(session: Session, key: str = "TNS-X") -> Program:
    return program_by_key(session, ADMIN, key)


def get_risk(session: Session, number: int) -> tuple[Risk, Program]:
    return numbered(session, ADMIN, Risk, Kind.RISK, number)


def get_action(session: Session, number: int) -> tuple[Action, Program]:
    return numbered(session, ADMIN, Action, Kind.ACTION, number)


def get_decision(session: Session, number: int) -> tuple[Decision, Program]:
    return numbered(session, ADMIN, Decision, Kind.DECISION, number)


def get_milestone(session: Session, number: int) -> tuple[Milestone, Program]:
    return numbered(session, ADMIN, Milestone, Kind.MILESTONE, number)


def write(database: Database, work: Callable[[Session], object]) -> object:
    """Run `work` in one write transaction, as a command does."""
    with database.session(write=True) as session:
        return work(session)


def row_counts(database: Database) -> dict[str, int]:
    """Rows per table, to prove that nothing was written (or removed)."""
    with database.session() as session:
        return {
            table.name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for table in SQLModel.metadata.sorted_tables
        }


def audit_events(database: Database) -> list[AuditEvent]:
    with database.session() as session:
        return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))


@contextmanager
def filled_database(request: pytest.FixtureRequest, tmp_path: Path, fill: Callable[[str], None]) -> Iterator[str]:
    """A database of the fixture's kind (`request.param`: "sqlite" or "postgresql") that `fill(url)` brought to an
    older schema and filled: what a migration test upgrades."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        fill(url)
        yield url
        return
    with scratch_postgres(request.getfixturevalue("postgres_url")) as url:
        fill(url)
        yield url


@contextmanager
def scratch_postgres(base_url: str) -> Iterator[str]:
    """An empty PostgreSQL database on the server of `base_url`, dropped afterwards."""
    name = f"pulse_scratch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def old_program(conn: Connection, now: str, *, channel_id: str | None = None) -> int:
    """Insert TNS-OLD as a migration test's earlier revision holds it (raw SQL: the models are at head); its id."""
    conn.execute(
        text(
            "INSERT INTO program (team_id, key, name, owner_id, channel_id, restricted, members, allowed_channels,"
            " created_by, created_at, updated_at)"
            " VALUES ('T1', 'TNS-OLD', 'Old program', 'U1', :channel, false, '[]', '[]', 'U1', :now, :now)"
        ),
        {"channel": channel_id, "now": now},
    )
    return int(conn.execute(text("SELECT id FROM program WHERE key = 'TNS-OLD'")).scalar_one())
