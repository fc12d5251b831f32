"""Two schedulers on one database at once (say, two `pulse serve` replicas): every message still goes
out exactly once. Planning is serialised (an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite),
dedupe keys make deciding twice harmless, and leases keep two senders off one message."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import time_machine

from bot.clock.clock import Clock, TickReport
from tests.bot.clock.test_cli_and_crash import start_tick
from tests.support.clock import HEATMAPS, MORNING, assert_each_delivered_once, busy_morning, make_clock
from tests.support.harness import PulseHarness


def test_two_clocks_ticking_the_same_instants_send_each_message_once(pulse: PulseHarness) -> None:
    due = busy_morning(pulse)
    pulse.stub.flaky("chat.postMessage", share=0.2, status=500, seed=5)  # retries interleave too
    clocks = [make_clock(pulse, pace_seconds=0)[0] for _ in range(2)]
    reports: list[TickReport] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def run(clock: Clock, now: dt.datetime, start: threading.Barrier) -> None:
        try:
            start.wait(5)
            report = clock.tick(now)
            with lock:
                reports.append(report)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    instants = [MORNING + dt.timedelta(minutes=m) for m in range(-1, 15)]
    for now in instants:
        start = threading.Barrier(2)
        with time_machine.travel(now, tick=False):
            threads = [threading.Thread(target=run, args=(clock, now, start)) for clock in clocks]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
    assert not errors, errors
    assert len(reports) == 2 * len(instants)
    assert sum(r.queued["digest messages"] for r in reports) == 4 + HEATMAPS
    assert sum(r.queued["reminders"] for r in reports) == due - 4 - HEATMAPS
    assert sum(r.sent for r in reports) == due
    assert_each_delivered_once(pulse, due)


def test_two_pulse_tick_processes_at_once_send_each_message_once(pulse: PulseHarness, tmp_path: Path) -> None:
    due = busy_morning(pulse)
    processes = [start_tick(pulse, "2027-03-01T09:00:00Z", tmp_path) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    delivered = [int(out.split("delivered ")[1].split(",")[0]) for out, _ in outputs]
    assert sum(delivered) == due, outputs
    assert_each_delivered_once(pulse, due)
