"""`pulse tick --at` as its own process: the summary line, bad arguments, and a process killed in the
middle of sending (SIGKILL right after Slack accepted a message) that is simply started again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.delivery import DELIVERY_BATCH
from bot.slack_stub import SlackStub
from domain.digests import FILE_KIND
from store.models import OutboxStatus
from store.outbox import IN_FLIGHT, LEASE
from tests.support.clock import (
    HEATMAPS,
    LEADS,
    MORNING,
    SETTINGS,
    busy_morning,
    make_clock,
    outbox_rows,
    posted,
    tick_at,
)
from tests.support.harness import TOKEN, PulseHarness

PULSE = Path(sys.executable).with_name("pulse")


def pulse_command(*args: str) -> list[str]:
    return [str(PULSE), *args] if PULSE.exists() else [sys.executable, "-m", "bot", *args]


def tick_env(pulse: PulseHarness) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PULSE_", "DATABASE_"))}
    env.update(SETTINGS)
    env.update(DATABASE_URL=pulse.database.url, SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=pulse.stub.api_url)
    return env


def start_tick(pulse: PulseHarness, at: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own CLI
        pulse_command("tick", "--at", at),
        env=tick_env(pulse),
        cwd=cwd,  # no stray .env
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_tick(pulse: PulseHarness, at: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    process = start_tick(pulse, at, cwd)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_pulse_tick_at_prints_the_summary(pulse: PulseHarness, tmp_path: Path) -> None:
    due = busy_morning(pulse)
    done = run_tick(pulse, "2027-03-01T09:00:00Z", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"tick at 2027-03-01T09:00:00+00:00: queued {4 + HEATMAPS} digest messages, {due - 4 - HEATMAPS} reminders; "
        f"delivered {due}, retrying 0, failed 0"
    )
    again = run_tick(pulse, "2027-03-01T09:00:00Z", tmp_path)
    assert (
        again.stdout.strip()
        == "tick at 2027-03-01T09:00:00+00:00: queued nothing new; delivered 0, retrying 0, failed 0"
    )
    assert len(posted(pulse.stub)) == due - HEATMAPS
    assert len(pulse.stub.files(LEADS)) == HEATMAPS


def test_pulse_tick_at_a_quiet_instant(pulse: PulseHarness, tmp_path: Path) -> None:
    done = run_tick(pulse, "2027-03-01T14:00:00Z", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "tick at 2027-03-01T14:00:00+00:00: queued nothing new; delivered 0, retrying 0, failed 0\n"


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2027-03-01T14:00:00", "--at needs a time zone, e.g. 2026-12-01T09:05:00Z"),
        ("next tuesday", "--at 'next tuesday' is not an ISO-8601 instant"),
    ],
)
def test_pulse_tick_at_refuses_an_unclear_instant(tmp_path: Path, at: str, message: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PULSE_", "DATABASE_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'never-opened.db'}", SLACK_BOT_TOKEN=TOKEN)
    done = subprocess.run(  # noqa: S603 - our own CLI
        pulse_command("tick", "--at", at), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"pulse: {message}"), done.stderr
    assert not (tmp_path / "never-opened.db").exists()  # refused before touching anything


class KillAfter:
    """A chat.postMessage answer that accepts the message (it is in the channel), then SIGKILLs the
    sending process before it can read the answer, on the `n`th post."""

    def __init__(self, stub: SlackStub, n: int) -> None:
        self.stub, self.n, self.count = stub, n, 0
        self.pid: int | None = None
        self.ready = threading.Event()
        self.killed: dict[str, Any] | None = None

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        answer = self.stub.default_answer("chat.postMessage", payload)
        self.count += 1
        if self.count == self.n:
            self.ready.wait(10)
            assert self.pid is not None
            self.killed = answer
            os.kill(self.pid, signal.SIGKILL)
            time.sleep(0.2)  # the answer goes nowhere
        return answer


@pytest.mark.parametrize(
    ("n", "what"),
    [(1, "a digest summary (its thread reply waits for it)"), (6, "a reminder DM")],
)
def test_killed_mid_fan_out_and_restarted_sends_each_message_once(
    pulse: PulseHarness, tmp_path: Path, n: int, what: str
) -> None:
    due = busy_morning(pulse)
    killer = KillAfter(pulse.stub, n)
    pulse.stub.on("chat.postMessage", killer)
    process = start_tick(pulse, "2027-03-01T09:00:00Z", tmp_path)
    killer.pid = process.pid
    killer.ready.set()
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert killer.killed is not None
    pulse.stub.wait_for("chat.postMessage", count=n)  # the stub has finished answering the dead process

    rows = outbox_rows(pulse.database)
    assert len(rows) == due  # the decisions were committed before sending began
    # The dead process had claimed one small batch: the rest of it is leased to it, one was being posted;
    # messages beyond the batch were never claimed.
    assert due > DELIVERY_BATCH
    # #leads' heat map is uploaded right after its thread reply (the second post): it went before the n-th post
    # only when n > 2.
    tried = n - 1 + (HEATMAPS if n > 2 else 0)
    leased = DELIVERY_BATCH - tried
    assert Counter(r.status for r in rows) == +Counter(
        {OutboxStatus.SENT: tried, OutboxStatus.SENDING: leased, OutboxStatus.PENDING: due - DELIVERY_BATCH}
    )
    (lost,) = [r for r in rows if r.last_error == IN_FLIGHT]
    assert lost.status == OutboxStatus.SENDING

    # Ticking again within the lease: leased messages are left alone (their sender might be alive); the ones
    # never claimed go out now (a thread reply whose summary is leased waits for it).
    pulse.stub.reset()
    clock, _ = make_clock(pulse, pace_seconds=0)
    soon = tick_at(clock, MORNING + LEASE / 2)
    assert soon.failed == 0
    assert soon.sent + soon.retrying == due - DELIVERY_BATCH
    # Started again after the lease: the one being posted is found in Slack by its metadata, not posted
    # again; the others had not been tried and just go.
    after_lease = (MORNING + LEASE + LEASE / 5).isoformat()
    later = run_tick(pulse, after_lease, tmp_path)
    assert later.returncode == 0, later.stderr
    assert f"delivered {leased + soon.retrying}, retrying 0, failed 0" in later.stdout
    assert len(pulse.stub.calls("chat.postMessage")) == due - HEATMAPS - n

    looked = pulse.stub.calls("conversations.replies" if lost.thread_parent_id else "conversations.history")
    assert [c.payload["channel"] for c in looked] == [killer.killed["channel"]]
    rows = outbox_rows(pulse.database)
    assert all(r.status == OutboxStatus.SENT for r in rows)
    (found,) = [r for r in rows if r.id == lost.id]
    assert (found.sent_ts, found.last_error) == (killer.killed["ts"], None)
    # Every message is in Slack exactly once, across the three processes.
    in_slack: Counter[str] = Counter()
    for channel in {r.sent_channel for r in rows}:
        for message in pulse.stub.history(str(channel)):
            if not message.get("files"):  # the heat map's share in #leads' thread is an upload, not a post
                in_slack[message["metadata"]["event_payload"]["dedupe_key"]] += 1
    assert in_slack == Counter({r.dedupe_key: 1 for r in rows if r.kind != FILE_KIND}), what
    assert len(pulse.stub.files(LEADS)) == HEATMAPS
