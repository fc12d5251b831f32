"""Migration 0010 (fingerprints of signed requests) upgrades a database that already holds data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from store import requests
from store.db import Database
from store.migrate import alembic_config, upgrade
from tests.support.store import filled_database, old_program

NOW = "2026-11-20 09:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0008 holding a program."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0008")
    database = Database(url)
    with database.engine.begin() as conn:
        old_program(conn, NOW)
    database.dispose()


def test_upgrade_keeps_the_data_and_records_each_fingerprint_once(at_0008: str) -> None:
    upgrade(at_0008)
    database = Database(at_0008)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT key FROM program")).scalar_one() == "TNS-OLD"
        with database.session(write=True) as session:
            assert requests.claim(session, "T1:abc") is None  # new
        with database.session(write=True) as session:
            requests.remember_answer(session, "T1:abc", status=200, content_type="application/json", body="{}")
        with database.session(write=True) as session:
            seen = requests.claim(session, "T1:abc")  # a replay: the first answer comes back
            assert seen is not None and (seen.status, seen.body) == (200, "{}")
        with database.session(write=True) as session:
            requests.forget_before(session, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
        with database.session(write=True) as session:
            assert requests.claim(session, "T1:abc") is None  # pruned after the window
    finally:
        database.dispose()


def test_downgrade_to_0008_keeps_the_old_data(at_0008: str) -> None:
    upgrade(at_0008)
    command.downgrade(alembic_config(at_0008), "0008")
    database = Database(at_0008)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT key FROM program")).scalar_one() == "TNS-OLD"
    finally:
        database.dispose()
