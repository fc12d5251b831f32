"""Migration 0014 (replies through the outbox) upgrades a database whose outbox holds messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from store import outbox
from store.db import Database
from store.migrate import alembic_config, upgrade
from store.models import OutboxMessage, OutboxStatus
from tests.support.store import filled_database

NOW = "2026-11-20 09:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at migration 0008 with one sent and one pending outbox message."""
    with filled_database(request, tmp_path, _fill) as url:
        yield url


def _fill(url: str) -> None:
    upgrade(url, "0008")
    database = Database(url)
    with database.engine.begin() as conn:
        for key, status in (("digest:1", "sent"), ("reminder:1", "pending")):
            conn.execute(
                text(
                    "INSERT INTO outbox_message (team_id, dedupe_key, kind, channel_id, markup, buttons, status,"
                    " attempts, next_attempt_at, created_at) VALUES ('T1', :key, 'digest', 'C1', 'hello', '[]',"
                    " :status, 1, :now, :now)"
                ),
                {"key": key, "status": status, "now": NOW},
            )
    database.dispose()


def test_upgrade_keeps_the_outbox_and_takes_replies(at_0008: str) -> None:
    upgrade(at_0008)
    database = Database(at_0008)
    try:
        with database.session(write=True) as session:
            old = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()  # type: ignore[arg-type]
            assert [(m.dedupe_key, m.status, m.response_url) for m in old] == [
                ("digest:1", OutboxStatus.SENT, None),
                ("reminder:1", OutboxStatus.PENDING, None),
            ]
            reply = outbox.enqueue(
                session,
                team_id="T1",
                dedupe_key="reply:1",
                kind=outbox.COMMAND_REPLY,
                markup="Risk R-1 updated",
                user_id="U1",
                response_url="https://hooks.slack.com/commands/T1/1/abc",
            )
            assert reply is not None
        with database.session() as session:
            stored = session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == "reply:1")).one()
            assert stored.response_url == "https://hooks.slack.com/commands/T1/1/abc"
    finally:
        database.dispose()


def test_downgrade_to_0008_keeps_the_outbox(at_0008: str) -> None:
    upgrade(at_0008)
    command.downgrade(alembic_config(at_0008), "0008")
    database = Database(at_0008)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM outbox_message")).scalar_one() == 2
    finally:
        database.dispose()
