"""Migration 0009 (a workspace's own escalation channel) upgrades a database that already holds settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from store.db import Database
from store.migrate import alembic_config, upgrade
from store.models import WorkspaceSettings
from tests.support.store import filled_database

NOW = "2026-11-20 09:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0008 whose workspace saved its own bands and date order."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0008")
    database = Database(url)
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace_settings (team_id, band_medium_min, band_high_min, band_critical_min,"
                " ladder_step2_days, ladder_step3_days, day_first, appetite_band, appetite_needs_mitigation,"
                " updated_at) VALUES ('T1', 4, 9, 16, 3, 6, true, 'high', false, :now)"
            ),
            {"now": NOW},
        )
    database.dispose()


def test_upgrade_keeps_the_settings_and_the_environment_s_channel_stays_the_default(at_0008: str) -> None:
    upgrade(at_0008)
    database = Database(at_0008)
    try:
        with database.session(write=True) as session:
            saved = session.exec(select(WorkspaceSettings)).one()
            assert (saved.band_critical_min, saved.ladder_step3_days, saved.day_first) == (16, 6, True)
            assert (saved.appetite_band, saved.appetite_needs_mitigation) == ("high", False)
            assert saved.escalation_channel is None  # PULSE_ESCALATION_CHANNEL until an admin sets one
            saved.escalation_channel = "C0OWNESC"
            session.add(saved)
        with database.session() as session:
            assert session.exec(select(WorkspaceSettings)).one().escalation_channel == "C0OWNESC"
    finally:
        database.dispose()


def test_downgrade_to_0008_keeps_the_other_settings(at_0008: str) -> None:
    upgrade(at_0008)
    command.downgrade(alembic_config(at_0008), "0008")
    database = Database(at_0008)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT band_critical_min FROM workspace_settings")).scalar_one() == 16
    finally:
        database.dispose()
