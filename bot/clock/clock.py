"""`pulse tick`: run everything due as of one instant, then deliver; safe to run twice or concurrently."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import partial

from bot.canvases import CANVAS_KIND
from bot.clock.plans import Tick, plan_alert_repeats, plan_checkins, plan_digests, plan_reminders
from bot.runtime import Runtime
from domain.calendar import WorkCalendar
from store import ticks
from store.models import OutboxStatus
from store.programs import workspaces
from store.types import utcnow

log = logging.getLogger(__name__)
TICK_NAME = "clock"


@dataclass
class TickReport:
    """What one tick queued and delivered."""

    at: dt.datetime
    queued: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    canvases: int = 0  # program canvases synced (not posts: counted apart from sent, retrying and failed)

    def summary(self) -> str:
        parts = ", ".join(f"{n} {kind}" for kind, n in self.queued.items() if n) or "nothing new"
        synced = f"; canvases synced {self.canvases}" if self.canvases else ""
        return (
            f"tick at {self.at.isoformat()}: queued {parts}; delivered {self.sent}, "
            f"retrying {self.retrying}, failed {self.failed}{synced}"
        )


class Clock:
    """Plans and delivers everything time produces."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        settings = runtime.settings
        self.calendar = WorkCalendar(frozenset(settings.holidays))
        self.catchup = dt.timedelta(hours=settings.catchup_hours)

    def tick(self, now: dt.datetime | None = None) -> TickReport:
        """Plan at `now` (default: the current instant), then deliver what is due."""
        now = now or utcnow()
        report = TickReport(at=now)
        report.queued = self.plan(now)
        # Sending happens in the real world: a tick replayed for a past instant (`--at`) still delivers
        # what is queued now, and leases it holds are not already expired for other senders.
        for delivery in self.runtime.deliverer.deliver_all(now=max(now, utcnow())):
            if delivery.kind == CANVAS_KIND:
                report.canvases += delivery.status == OutboxStatus.SENT
            elif delivery.status == OutboxStatus.SENT:
                report.sent += 1
            elif delivery.status == OutboxStatus.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
        log.info(report.summary())
        return report

    def plan(self, now: dt.datetime) -> dict[str, int]:
        """Queue digests, reminders, ladder steps and alert repeats in one transaction."""
        settings = self.runtime.settings
        with self.runtime.database.session(write=True) as session:
            ticks.lock_planning(session)
            tick = Tick(
                now=now,
                last_tick=ticks.last_run(session, TICK_NAME),
                calendar=self.calendar,
                catchup=self.catchup,
                workspace_tz=settings.tz,
                escalation_channel=settings.escalation_channel,
                prefix=settings.command_prefix,
            )
            digest_ids = plan_digests(session, tick)
            repeat_ids = plan_alert_repeats(session, tick)
            reminder_ids: list[int] = []
            checkin_ids: list[int] = []
            for team_id in workspaces(session, active_only=True):
                directory = self.runtime.directory
                tz_for = partial(directory.tz_many, session, team_id)
                reminder_ids += plan_reminders(session, team_id, tick, directory.zones(session, team_id), tz_for)
                checkin_ids += plan_checkins(session, team_id, tick, tz_for)
            ticks.record_run(session, TICK_NAME, now)
        return {
            "digest messages": len(digest_ids),
            "reminders": len(reminder_ids),
            "alert repeats": len(repeat_ids),
            "check-ins": len(checkin_ids),
        }
