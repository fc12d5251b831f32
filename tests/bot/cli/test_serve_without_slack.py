"""`pulse serve --http` with Slack unreachable starts anyway, says so on /healthz and in one log line naming
SLACK_API_URL, keeps acking, and notices by itself when Slack comes up (real processes, real ports)."""

from __future__ import annotations

import time
from pathlib import Path

from bot.slack_stub import SlackStub
from store.db import Database
from tests.support.app import APPEALS
from tests.support.served import ServedPulse, free_port

RECOVERY_TIMEOUT_SECONDS = 30
POLL_SECONDS = 0.1  # waiting on another process, not on time


def test_pulse_serves_while_slack_is_down_and_recovers_when_it_comes_up(database: Database, tmp_path: Path) -> None:
    port = free_port()  # nothing listens here until the stub starts on it
    api_url = f"http://127.0.0.1:{port}/api/"
    stub = SlackStub(autostart=False)
    pulse = ServedPulse(database, stub, tmp_path, api_url=api_url)
    try:
        status, report = pulse.health()
        ends = time.monotonic() + RECOVERY_TIMEOUT_SECONDS
        while report["slack"] == "unknown" and time.monotonic() < ends:  # the first check is under way
            time.sleep(POLL_SECONDS)
            status, report = pulse.health()
        assert (status, report["ok"], report["database"], report["slack"]) == (200, True, "reachable", "unreachable")
        assert pulse.process.poll() is None  # still serving

        stub.start(port)
        started = time.monotonic()
        while pulse.health()[1]["slack"] != "reachable":
            assert time.monotonic() - started < RECOVERY_TIMEOUT_SECONDS, pulse.log()
            time.sleep(POLL_SECONDS)
        answer = pulse.command("/program", f"new {APPEALS} Appeals SLA reduction")
        assert f"*{APPEALS}* created" in answer.text, answer.text
    finally:
        pulse.close()
        stub.stop()
    log = pulse.log()
    assert "Traceback" not in log, log
    naming = [line for line in log.splitlines() if "SLACK_API_URL" in line and "unreachable" in line]
    assert len(naming) == 1, log
    assert api_url in naming[0]
    assert any("reachable again" in line for line in log.splitlines()), log
