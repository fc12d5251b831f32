"""Runs the clock: one APScheduler job that calls `Clock.tick` at start and then every minute (one at a
time, coalesced)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from bot.clock.clock import Clock
from bot.runtime import Runtime
from store.db import is_unavailable

log = logging.getLogger(__name__)
JOB_ID = "pulse-tick"


Around = Callable[[], contextlib.AbstractContextManager[None]]  # what each tick runs inside (e.g. a lock)


def _safe_tick(clock: Clock, around: Around = contextlib.nullcontext) -> None:
    try:
        with around():
            clock.tick()
    except Exception as exc:  # one bad tick must not stop the clock; the next minute tries again
        if is_unavailable(exc):
            log.warning("tick skipped: the database is away (the next minute tries again)")
        else:
            log.exception("tick failed")


def start_background(runtime: Runtime, around: Around = contextlib.nullcontext) -> Any:
    """Start the clock in a background thread of this process, each tick inside `around()`; returns the
    scheduler."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=dt.UTC)
    _add_job(scheduler, Clock(runtime), around)
    scheduler.start()
    log.info("clock started: a tick every minute")
    return scheduler


def run_blocking(runtime: Runtime) -> None:
    """Run only the clock, in the foreground (`pulse scheduler`)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone=dt.UTC)
    _add_job(scheduler, Clock(runtime), contextlib.nullcontext)
    log.info("clock running: a tick every minute (Ctrl-C stops)")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("clock stopped")


def _add_job(scheduler: Any, clock: Clock, around: Around) -> None:
    from apscheduler.triggers.cron import CronTrigger

    scheduler.add_job(
        _safe_tick,
        CronTrigger(second=0, timezone=dt.UTC),
        args=[clock, around],
        id=JOB_ID,
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=50,
        next_run_time=dt.datetime.now(dt.UTC),  # a (re)started clock catches up at once, not at the next minute
    )
