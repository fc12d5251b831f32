"""`pulse serve` runs the work after each ack in separate, lower-priority processes: the same commands work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlmodel import select

from bot.slack_stub import SlackStub
from store.db import Database
from store.models import Program, Risk
from tests.app.harness import SECRET, TEAM, TOKEN, PulseHarness
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


EXITING_PROCESS = """
import sys, urllib.parse
from bot.settings import Settings
from bot.signing import slash_command_body
from bot.work import WorkerProcesses

api_url, response_url, database_url, team, token, secret = sys.argv[1:]
settings = Settings(
    SLACK_BOT_TOKEN=token, SLACK_SIGNING_SECRET=secret, SLACK_API_URL=api_url,
    DATABASE_URL=database_url, PULSE_ADMINS="U0ADMIN",
)
work = WorkerProcesses(settings, processes=1)
for n in range(8):
    form = slash_command_body(
        command="/risk", text=f"add TNS-APPEALS Left behind {n} likelihood:2 impact:2", user_id="U0ADMIN",
        team_id=team, channel_id="C0GENERAL", response_url=f"{response_url}{n}",
    )
    work.submit("command", dict(urllib.parse.parse_qsl(form)))
# no shutdown(): the process simply ends, as a gunicorn worker does when it is stopped
"""


def test_jobs_still_queued_when_the_process_exits_are_finished(database: Database, stub: SlackStub):
    harness = PulseHarness(database, stub, PULSE_ADMINS="U0ADMIN")
    ok(harness.command("/program", "new TNS-APPEALS Appeals SLA reduction", user="U0ADMIN"))
    harness.close()
    args = [stub.api_url, stub.response_url("left-behind-"), database.url, TEAM, TOKEN, SECRET]
    done = subprocess.run(  # noqa: S603 - a fixed script of this test
        [sys.executable, "-c", EXITING_PROCESS, *args], timeout=60, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    with database.session() as session:
        titles = session.exec(select(Risk.title)).all()
    assert sorted(titles) == sorted(f"Left behind {n}" for n in range(8))
    replies = [r.payload["text"] for r in stub.responses() if r.name.startswith("left-behind-")]
    assert len(replies) == 8 and all(" added to TNS-APPEALS" in text for text in replies)


KILLED_PARENT = """
import sys
from bot.settings import Settings
from bot.work import WorkerProcesses

api_url, database_url, token, secret = sys.argv[1:]
settings = Settings(
    SLACK_BOT_TOKEN=token, SLACK_SIGNING_SECRET=secret, SLACK_API_URL=api_url, DATABASE_URL=database_url
)
work = WorkerProcesses(settings, processes=2)
print(*work.pids, flush=True)
sys.stdin.read()  # until the test kills this process
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_worker_processes_end_when_their_web_worker_is_killed(database: Database, stub: SlackStub):
    parent = subprocess.Popen(  # noqa: S603 - a fixed script of this test
        [sys.executable, "-c", KILLED_PARENT, stub.api_url, database.url, TOKEN, SECRET],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2 and all(_running(pid) for pid in workers)
    parent.kill()
    parent.wait(timeout=10)
    deadline = time.monotonic() + 15
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in workers)
