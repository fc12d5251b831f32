"""`pulse serve` runs the work after each ack in separate, lower-priority processes: the same commands work."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from sqlmodel import select

from bot.slack_stub import SlackStub
from store.db import Database
from store.models import Program, Risk
from tests.app.harness import PulseHarness
from tests.app.helpers import fetch, ok


@pytest.fixture
def pulse_with_workers(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    harness = PulseHarness(database, stub, worker_processes=1, PULSE_ADMINS="U0ADMIN")
    yield harness
    harness.close()


def test_commands_and_channel_posts_run_in_worker_processes(pulse_with_workers: PulseHarness, database: Database):
    pulse = pulse_with_workers
    created = ok(pulse.command("/program", "new TNS-APPEALS Appeals SLA reduction channel:<#C0APPEALS|tns-appeals>"))
    assert created.via == "response_url"
    assert fetch(database, Program, key="TNS-APPEALS").name == "Appeals SLA reduction"
    added = ok(pulse.command("/risk", "add TNS-APPEALS Vendor short likelihood:5 impact:5"))
    assert added.text.startswith("R-1 added to TNS-APPEALS: score 25 (critical)")
    assert "Escalation alert posted to <#C0APPEALS>." in added.text
    assert [p["channel"] for p in pulse.stub.payloads("chat.postMessage")] == ["C0APPEALS"]
    shown = ok(pulse.command("/program", "show TNS-APPEALS"))
    assert "R-1 Vendor short" in shown.text


def test_a_killed_worker_is_replaced_and_commands_keep_working(pulse_with_workers: PulseHarness):
    pulse = pulse_with_workers
    work = pulse.worker_processes
    assert work is not None
    ok(pulse.command("/program", "new TNS-APPEALS Appeals SLA reduction"))
    (killed,) = work.pids
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while work.pids in ([killed], []) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert work.pids and killed not in work.pids
    shown = ok(pulse.command("/program", "show TNS-APPEALS"))
    assert "Appeals SLA reduction" in shown.text


def test_shutdown_finishes_every_queued_job(database: Database, stub: SlackStub):
    harness = PulseHarness(database, stub, worker_processes=2, PULSE_ADMINS="U0ADMIN")
    try:
        ok(harness.command("/program", "new TNS-APPEALS Appeals SLA reduction"))
        for n in range(12):
            harness.command("/risk", f"add TNS-APPEALS Queued risk {n} likelihood:2 impact:3", wait=False)
    finally:
        harness.close()
    with database.session() as session:
        titles = session.exec(select(Risk.title)).all()
    assert sorted(titles) == sorted(f"Queued risk {n}" for n in range(12))
