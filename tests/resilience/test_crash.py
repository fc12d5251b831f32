"""Resilience, crash: a replica and the scheduler are SIGKILLed in the middle of a fan-out to 50 channels
(real processes, PostgreSQL), then started again: each channel gets its message once, and all of them
within a minute of the restart (the first tick after it). Prints `crash: N tried, N held`."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel, col, select

from bot.canvases import CANVAS_KIND
from bot.slack_stub import SlackStub
from domain.digests import FILE_KIND
from store.db import Database
from store.models import OutboxStatus, Program, StatusUpdate
from store.outbox import LEASE
from tests.bot.clock.test_cli_and_crash import KillAfter, start_tick
from tests.support.clock import (
    ADMIN,
    ADMIN_ACTOR,
    MORNING,
    SETTINGS,
    WORKSPACE_TZ,
    ZONES,
    make_clock,
    outbox_rows,
    seed_programs,
    seeding,
    tick_at,
    utc,
)
from tests.support.figures import area_figures
from tests.support.harness import PulseHarness
from tests.support.replicas import process_env, send_command, start_replica
from tests.support.services import programs, schedules

CHANNELS = [f"C0FAN{n:02d}" for n in range(1, 51)]
RESTART_LAG = LEASE + dt.timedelta(seconds=10)  # the restarted process's first tick comes this long after


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty, migrated PostgreSQL database (replicas share one PostgreSQL)."""
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
        running.users.update({user: {"tz": zone} for user, zone in ZONES.items()})
        yield running


@pytest.fixture
def pulse(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    harness = PulseHarness(database, stub, **SETTINGS)
    yield harness
    harness.close()


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    with area_figures(request, "crash") as tally:
        yield tally


def reported(database: Database) -> Counter[str]:
    """How many status reports each program has."""
    with database.session() as session:
        rows = session.exec(select(Program.key).join(StatusUpdate, col(StatusUpdate.program_id) == Program.id))
        return Counter(rows)


def in_slack(stub: SlackStub, channel: str) -> Counter[str]:
    """How many times each outbox message is in `channel` (by the dedupe key it carries)."""
    return Counter(m["metadata"]["event_payload"]["dedupe_key"] for m in stub.history(channel) if m.get("metadata"))


def test_the_scheduler_killed_mid_fan_out_to_50_channels(
    pulse: PulseHarness, tmp_path: Path, figures: Counter[str]
) -> None:
    with seeding(pulse.database, utc(2027, 2, 26, 12)) as session:
        seed_programs(session)
        for channel in CHANNELS:
            schedules.create(
                session,
                ADMIN_ACTOR,
                channel_id=channel,
                program=None,
                days="daily",
                time_of_day="09:00",
                tz=WORKSPACE_TZ,
            )
    killer = KillAfter(pulse.stub, 25)
    pulse.stub.on("chat.postMessage", killer)
    scheduler = start_tick(pulse, MORNING.isoformat(), tmp_path)
    killer.pid = scheduler.pid
    killer.ready.set()
    scheduler.communicate(timeout=120)
    assert scheduler.returncode == -signal.SIGKILL
    pulse.stub.wait_for("chat.postMessage", count=25)  # the stub has answered the dead process
    pulse.stub.on("chat.postMessage", lambda p: pulse.stub.default_answer("chat.postMessage", p))
    stranded = [r for r in outbox_rows(pulse.database) if r.status != OutboxStatus.SENT]
    assert stranded, "the kill came before the fan-out ended"

    restarted, _ = make_clock(pulse, pace_seconds=0)
    report = tick_at(restarted, MORNING + RESTART_LAG)

    rows = outbox_rows(pulse.database)
    assert report.failed == 0
    assert all(r.status == OutboxStatus.SENT for r in rows)
    assert all(r.sent_at is not None and r.sent_at <= MORNING + RESTART_LAG + dt.timedelta(minutes=1) for r in rows)
    for channel in CHANNELS:
        figures["tried"] += 1
        expected = {r.dedupe_key for r in rows if r.channel_id == channel and r.kind != FILE_KIND}
        if expected and in_slack(pulse.stub, channel) == Counter(dict.fromkeys(expected, 1)):
            figures["held"] += 1
    assert figures["held"] == figures["tried"]


def test_a_replica_killed_mid_fan_out_to_50_channels(
    pulse: PulseHarness, tmp_path: Path, figures: Counter[str]
) -> None:
    keys = [f"TNS-F{n:02d}" for n in range(1, 51)]
    with seeding(pulse.database, utc(2027, 2, 26, 12)) as session:
        for key, channel in zip(keys, CHANNELS, strict=True):
            programs.create(session, ADMIN_ACTOR, key=key, name=f"Fan-out {key}", owner_id=ADMIN, channel_id=channel)
    env = process_env(pulse.database.url, pulse.stub, **{k: str(v) for k, v in SETTINGS.items()})
    replica = start_replica(env, tmp_path)
    accepted = 0
    lock = threading.Lock()

    def kill_on_the_20th(payload: dict[str, Any]) -> dict[str, Any]:
        nonlocal accepted
        answer = pulse.stub.default_answer("chat.postMessage", payload)
        with lock:
            accepted += 1
            if accepted == 20:  # Slack took it; the replica dies before it reads the answer
                os.killpg(replica.popen.pid, signal.SIGKILL)
                time.sleep(0.2)
        return answer

    pulse.stub.on("chat.postMessage", kill_on_the_20th)
    assert replica.url is not None
    with ThreadPoolExecutor(max_workers=8) as senders:
        acks = list(
            senders.map(
                lambda key: send_command(
                    str(replica.url), pulse.stub, "/program", f"status {key} green On track", user=ADMIN, name=key
                ),
                keys,
            )
        )
    replica.popen.wait(timeout=30)
    # Answered before the kill: applied and said so (first contact with a user raced on its cached profile).
    answered = [str(ack) for ack in acks if ack is not None]
    assert answered
    assert not [a for a in answered if "went wrong" in a], answered
    pulse.stub.on("chat.postMessage", lambda p: pulse.stub.default_answer("chat.postMessage", p))
    killed_at = dt.datetime.now(dt.UTC)

    # Started again: a new replica; commands whose request died unapplied are sent again by their users,
    # and the scheduler's first tick after the restart sends what the dead replica had left.
    again = start_replica(env, tmp_path)
    try:
        applied = reported(pulse.database)
        for key in keys:
            if key not in applied:  # its request died with the replica, or it was told to try again
                resent = send_command(
                    str(again.url), pulse.stub, "/program", f"status {key} green On track", user=ADMIN, name=f"{key}+"
                )
                assert resent is not None
        assert reported(pulse.database) == Counter(dict.fromkeys(keys, 1))  # each applied once
        scheduler, _ = make_clock(pulse, pace_seconds=0)
        tick_at(scheduler, killed_at + RESTART_LAG)
        tick_at(scheduler, killed_at + RESTART_LAG + dt.timedelta(minutes=1))  # the changes' canvas syncs are due
    finally:
        again.stop()

    rows = outbox_rows(pulse.database)
    assert all(r.status == OutboxStatus.SENT for r in rows), [(r.dedupe_key, r.status, r.last_error) for r in rows]
    for channel in CHANNELS:
        figures["tried"] += 1
        expected = {r.dedupe_key for r in rows if r.channel_id == channel and r.kind not in (FILE_KIND, CANVAS_KIND)}
        if len(expected) == 1 and in_slack(pulse.stub, channel) == Counter(dict.fromkeys(expected, 1)):
            figures["held"] += 1
    # Each program channel has one canvas, showing its report (created once, whatever the replica's death).
    made = [c.payload["channel_id"] for c in pulse.stub.calls("conversations.canvases.create") if c.ok]
    assert sorted(made) == CHANNELS
    assert all("On track" in (pulse.stub.canvas(pulse.stub.channel_canvas(c)) or "") for c in CHANNELS)
    assert figures["held"] == figures["tried"]
