"""The clock: one APScheduler job that runs `Clock.tick` every minute (one at a time, coalesced)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from bot.services import Services
from bot.settings import Settings
from bot.slack_client import make_web_client
from bot.tick.engine import Clock
from store.db import Database

log = logging.getLogger(__name__)
JOB_ID = "pulse-tick"


def clock_services(settings: Settings, database: Database) -> Services:
    """Services for time-driven work (no Bolt app needed)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return Services.build(settings, database, make_web_client(token, settings.slack_api_url))


def _safe_tick(clock: Clock) -> None:
    try:
        clock.tick()
    except Exception:  # one bad tick must not stop the clock; the next minute tries again
        log.exception("tick failed")


def start_background(settings: Settings, database: Database) -> Any:
    """Start the clock in a background thread of this process; returns the scheduler."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=dt.UTC)
    _add_job(scheduler, Clock(clock_services(settings, database)))
    scheduler.start()
    log.info("clock started: a tick every minute")
    return scheduler


def run_blocking(settings: Settings, database: Database) -> None:
    """Run only the clock, in the foreground (`pulse scheduler`)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone=dt.UTC)
    _add_job(scheduler, Clock(clock_services(settings, database)))
    log.info("clock running: a tick every minute (Ctrl-C stops)")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("clock stopped")


def _add_job(scheduler: Any, clock: Clock) -> None:
    from apscheduler.triggers.cron import CronTrigger

    scheduler.add_job(
        _safe_tick,
        CronTrigger(second=0, timezone=dt.UTC),
        args=[clock],
        id=JOB_ID,
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=50,
    )
