"""Fixtures that serve the real Bolt app over HTTP against the local Slack stub."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.slack_stub import SlackStub
from store.db import Database
from tests.support.harness import PulseHarness


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


@pytest.fixture
def pulse(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    harness = PulseHarness(database, stub, PULSE_ADMINS="U0ADMIN")
    yield harness
    harness.close()
