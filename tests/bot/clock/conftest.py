"""Fixtures for the clock tests: the served app and a Slack stub whose message ts follow the clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.slack_stub import SlackStub
from store.db import Database
from tests.support.clock import SETTINGS, ZONES
from tests.support.harness import PulseHarness


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub(clock_ts=True) as running:
        running.users.update({user: {"tz": zone, "real_name": user[2:].title()} for user, zone in ZONES.items()})
        yield running


@pytest.fixture
def pulse(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    harness = PulseHarness(database, stub, **SETTINGS)
    yield harness
    harness.close()
