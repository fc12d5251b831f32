"""`pulse serve` with its clock (the default): the clock ticks in the gunicorn master, and the web workers
forked after it started still write (no database connection of the master's is carried into a worker)."""

from __future__ import annotations

import time
from pathlib import Path

from bot.slack_stub import SlackStub
from store.db import Database
from tests.support.served import ServedPulse

TICK_TIMEOUT_SECONDS = 60
POLL_SECONDS = 0.1  # waiting on another process, not on time
COMMANDS = 6  # fresh connections, so both workers take some


def test_commands_are_saved_in_every_worker_after_the_first_tick(database: Database, tmp_path: Path) -> None:
    with SlackStub() as stub:
        pulse = ServedPulse(database, stub, tmp_path, workers=2, scheduler=True)
        try:
            ends = time.monotonic() + TICK_TIMEOUT_SECONDS
            while "tick at" not in pulse.log():
                assert time.monotonic() < ends, pulse.log()
                time.sleep(POLL_SECONDS)
            answers = [pulse.command("/program", f"new TNS-FORK{i} Forked worker {i}") for i in range(COMMANDS)]
        finally:
            pulse.close()
    created = [f"*TNS-FORK{i}* created" in answer.text for i, answer in enumerate(answers)]
    assert created == [True] * COMMANDS, [answer.text for answer in answers]
    assert "Traceback" not in pulse.log(), pulse.log()
