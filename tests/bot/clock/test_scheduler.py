"""`pulse serve` and `pulse scheduler` run the same tick every minute with APScheduler."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clock.clock import Clock, TickReport
from bot.clock.every_minute import JOB_ID, _safe_tick, start_background
from bot.runtime import Runtime
from tests.support.harness import PulseHarness


def test_the_clock_job_ticks_on_every_minute_one_at_a_time(pulse: PulseHarness) -> None:
    scheduler = start_background(Runtime.build(pulse.settings, pulse.database))
    try:
        (job,) = scheduler.get_jobs()
        assert job.id == JOB_ID
        assert (job.max_instances, job.coalesce) == (1, True)
        assert isinstance(job.args[0], Clock)
        start = dt.datetime(2027, 3, 1, 8, 59, 30, tzinfo=dt.UTC)
        fire = job.trigger.get_next_fire_time(None, start)
        assert fire == dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
        assert job.trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1)) == fire + dt.timedelta(minutes=1)
    finally:
        scheduler.shutdown(wait=False)


class _Broken(Clock):
    def __init__(self) -> None:
        self.calls = 0

    def tick(self, now: dt.datetime | None = None) -> TickReport:
        self.calls += 1
        raise RuntimeError("database went away")


def test_a_failing_tick_is_logged_and_the_clock_keeps_going(caplog: pytest.LogCaptureFixture) -> None:
    broken = _Broken()
    _safe_tick(broken)
    _safe_tick(broken)
    assert broken.calls == 2
    assert [r.getMessage() for r in caplog.records] == ["tick failed", "tick failed"]
