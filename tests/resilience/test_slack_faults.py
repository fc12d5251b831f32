"""Resilience, Slack faults: 429 with Retry-After, 500 before and after Slack took the call, slow answers,
dropped connections before and after, and an outage of a minute (simulated clock), against the real
WebClient and the served app: every message and every reply is delivered once.
Prints `Slack faults: N tried, N held`."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.clock.clock import Clock
from bot.slack_stub import RESPONSE_URL, SlackStub
from domain.digests import FILE_KIND
from store.db import Database
from store.models import OutboxMessage, OutboxStatus
from tests.support.clock import MORNING, SETTINGS, ZONES, at, busy_morning, outbox_rows, posted, tick_at
from tests.support.figures import area_figures
from tests.support.harness import PulseHarness

ASKERS = [f"U0ASK{n:02d}" for n in range(1, 11)]
SLOW = 3.0  # a first users.info this slow sends the command down the "working on it" path
OUTAGE = dt.timedelta(minutes=1)
SECOND = dt.timedelta(seconds=1)
# In order, after the outage: Slack took it and failed (500, dropped), rate limited, down once more.
REPLY_FAULTS: list[dict[str, Any]] = [
    {"status": 500, "accept": True},
    {"drop": True, "accept": True},
    {"status": 429},
    {"status": 503},
]
POST_FAULTS: list[dict[str, Any]] = [
    {"status": 429, "retry_after": 1},
    {"status": 500},  # before Slack took it
    {"status": 500, "accept": True},  # after
    {"drop": True},
    {"drop": True, "accept": True},
    {"delay": 0.5},
    {"status": 503, "accept": True},
]


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub(clock_ts=True) as running:
        running.users.update({user: {"tz": zone} for user, zone in ZONES.items()})
        running.users.update({user: {"tz": "Europe/London"} for user in ASKERS})
        yield running


@pytest.fixture
def pulse(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    harness = PulseHarness(database, stub, **SETTINGS)
    yield harness
    harness.close()


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    with area_figures(request, "Slack faults") as tally:
        yield tally


def replies(pulse: PulseHarness) -> list[OutboxMessage]:
    return [r for r in outbox_rows(pulse.database) if r.response_url is not None]


def wait_for_replies(pulse: PulseHarness, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(replies(pulse)) < count:
        assert time.monotonic() < deadline, f"{len(replies(pulse))} of {count} replies queued"
        time.sleep(0.05)  # waiting for the app's threads to give up on the response_url


def test_every_message_and_reply_is_delivered_once_through_slack_faults(
    pulse: PulseHarness, figures: Counter[str]
) -> None:
    due = busy_morning(pulse)
    # The response_url endpoint is down while ten people run commands that take too long for the ack.
    pulse.stub.fail("users.info", delay=SLOW, times=len(ASKERS))
    pulse.stub.fail(RESPONSE_URL, 503, times=None)
    with at(MORNING - SECOND), ThreadPoolExecutor(max_workers=len(ASKERS)) as people:
        acks = list(people.map(lambda user: pulse.command("/risk", "", user=user, wait=False), ASKERS))
        wait_for_replies(pulse, len(ASKERS))
    assert all(a.status == 200 for a in acks)
    pulse.stub.clear_faults()
    for fault in REPLY_FAULTS:
        pulse.stub.fail(RESPONSE_URL, **fault)

    # Then all of Slack is down for a minute of the clock, while the morning's messages fall due.
    clock = Clock(pulse.runtime)
    pulse.stub.outage(503)
    for seconds in (0, 20, 40):
        down = tick_at(clock, MORNING + seconds * SECOND)
        assert down.sent == 0
    pulse.stub.end_outage()
    for fault in POST_FAULTS:
        pulse.stub.fail("chat.postMessage", **fault)

    now = MORNING + OUTAGE
    for _ in range(12):  # each tick at the moment the next retry is due
        tick_at(clock, now)
        waiting = [r for r in outbox_rows(pulse.database) if r.status != OutboxStatus.SENT]
        if not waiting:
            break
        assert all(r.status == OutboxStatus.PENDING for r in waiting), [(r.kind, r.last_error) for r in waiting]
        now = max(now + SECOND, min(r.next_attempt_at for r in waiting))

    rows = outbox_rows(pulse.database)
    messages = [r for r in rows if r.response_url is None]
    assert len(messages) == due
    in_slack: Counter[str] = Counter()  # what is in the channels and DMs, including posts Slack took, then failed
    for channel in {str(r.sent_channel) for r in messages}:
        in_slack.update(
            m["metadata"]["event_payload"]["dedupe_key"] for m in pulse.stub.history(channel) if m.get("metadata")
        )
    pictures = len([c for c in pulse.stub.calls("files.completeUploadExternal") if c.status == 200])
    tally: Counter[str] = Counter()
    for message in messages:
        tally["tried"] += 1
        if message.kind == FILE_KIND:  # the digest's picture, in its thread: uploaded once
            shown_once = pictures == len([r for r in messages if r.kind == FILE_KIND])
            tally["held"] += message.status == OutboxStatus.SENT and shown_once
        elif message.status == OutboxStatus.SENT and in_slack[message.dedupe_key] == 1:
            tally["held"] += 1
    for reply in replies(pulse):
        tally["tried"] += 1
        assert reply.response_url is not None
        shown = pulse.stub.shown(reply.response_url.rsplit("/", 1)[-1])
        if reply.status == OutboxStatus.SENT and len(shown) == 1 and "/risk" in str(shown[0]["blocks"]):
            tally["held"] += 1
    figures.update(tally)
    assert not [m for m in posted(pulse.stub) if m.is_dm and m.to in ASKERS]  # no reply needed the DM way
    assert tally["tried"] == due + len(ASKERS)
    posts = [r for r in messages if r.kind != FILE_KIND]
    lost = [(r.kind, r.status, r.last_error, in_slack[r.dedupe_key]) for r in posts if in_slack[r.dedupe_key] != 1]
    lost += [
        (r.kind, r.status, r.last_error, len(pulse.stub.shown((r.response_url or "").rsplit("/", 1)[-1])))
        for r in replies(pulse)
        if len(pulse.stub.shown((r.response_url or "").rsplit("/", 1)[-1])) != 1
    ]
    assert tally["held"] == tally["tried"], lost
    faults = Counter(c.status for c in pulse.stub.calls("chat.postMessage"))
    assert faults[429] and faults[500] and faults[503] and faults[0]  # the faults really happened
