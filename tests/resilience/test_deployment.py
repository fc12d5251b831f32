"""The deployment shape: replicas serve, one `pulse scheduler` ticks, on one PostgreSQL. A second
scheduler started by mistake (two real `pulse scheduler` processes) changes nothing."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from bot.slack_stub import SlackStub
from domain.access import Actor
from domain.digests import FILE_KIND
from store.db import Database
from store.models import OutboxStatus
from tests.support.clock import outbox_rows, seeding
from tests.support.harness import TEAM
from tests.support.replicas import process_env, start_scheduler
from tests.support.services import programs, schedules

ADMIN = "U0ADMIN"
CHANNELS = [f"C0TWO{n:02d}" for n in range(1, 21)]


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue("postgres_url")
    scratch = Database(url)
    with scratch.engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
    scratch.dispose()
    return url


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub(clock_ts=True) as running:
        yield running


def test_a_second_scheduler_changes_nothing(database: Database, stub: SlackStub, tmp_path: Path) -> None:
    admin = Actor(team_id=TEAM, user_id=ADMIN, is_admin=True)
    due = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).strftime("%H:%M")  # due now, well in catch-up
    with seeding(database, dt.datetime.now(dt.UTC) - dt.timedelta(days=1)) as session:  # set up yesterday
        programs.create(session, admin, key="TNS-TWO", name="Two clocks", owner_id=ADMIN, channel_id="C0TWO")
        for channel in CHANNELS:
            schedules.create(session, admin, channel_id=channel, program=None, days="daily", time_of_day=due, tz="UTC")
    env = process_env(database.url, stub, PULSE_ADMINS=ADMIN, PULSE_TIMEZONE="UTC")
    clocks = [start_scheduler(env, tmp_path), start_scheduler(env, tmp_path)]
    try:
        for clock in clocks:  # each ticks once at start: both planned and delivered
            clock.wait_for_line("tick at ", timeout=120)
        deadline = time.monotonic() + 60
        while any(r.status != OutboxStatus.SENT for r in outbox_rows(database)):
            assert time.monotonic() < deadline
            time.sleep(0.05)  # waiting for the senders to finish
    finally:
        said = [clock.stop() for clock in clocks]

    rows = outbox_rows(database)
    assert {r.channel_id for r in rows} == set(CHANNELS)
    assert all(r.status == OutboxStatus.SENT for r in rows)
    in_slack: Counter[str] = Counter()
    for channel in CHANNELS:
        in_slack.update(
            m["metadata"]["event_payload"]["dedupe_key"] for m in stub.history(channel) if m.get("metadata")
        )
    assert in_slack == Counter({r.dedupe_key: 1 for r in rows if r.kind != FILE_KIND})  # pictures have no metadata
    queued = [
        line for out in said for line in out.splitlines() if "tick at " in line and "queued nothing new" not in line
    ]
    assert len(queued) == 1, said  # one of the two clocks planned the digests, the other found them planned
