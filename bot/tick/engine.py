"""`pulse tick`: run everything due as of one instant, then deliver; safe to run twice or concurrently."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import partial

from bot.services import Services
from bot.tick import alerts, digests, reminders
from store import schedules, ticks
from store.calendar import WorkCalendar
from store.lookup import workspaces
from store.models import OutboxStatus
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

    def summary(self) -> str:
        parts = ", ".join(f"{n} {kind}" for kind, n in self.queued.items() if n) or "nothing new"
        return (
            f"tick at {self.at.isoformat()}: queued {parts}; delivered {self.sent}, "
            f"retrying {self.retrying}, failed {self.failed}"
        )


class Clock:
    """Plans and delivers everything time produces."""

    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings
        self.calendar = WorkCalendar(frozenset(settings.holidays))
        self.catchup = dt.timedelta(hours=settings.catchup_hours)

    def tick(self, now: dt.datetime | None = None) -> TickReport:
        """Plan at `now` (default: the current instant), then deliver what is due."""
        now = now or utcnow()
        report = TickReport(at=now)
        report.queued = self.plan(now)
        # Sending happens in the real world: a tick replayed for a past instant (`--at`) still delivers
        # what is queued now, and leases it holds are not already expired for other senders.
        for delivery in self.services.deliverer.deliver_all(now=max(now, utcnow())):
            if delivery.status == OutboxStatus.SENT:
                report.sent += 1
            elif delivery.status == OutboxStatus.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
        log.info(report.summary())
        return report

    def plan(self, now: dt.datetime) -> dict[str, int]:
        """Queue digests, reminders, ladder steps and alert repeats in one transaction."""
        settings = self.services.settings
        with self.services.database.session(write=True) as session:
            ticks.lock_planning(session)
            last = ticks.last_run(session, TICK_NAME)
            queued = {
                "digest messages": len(
                    digests.plan(
                        session,
                        schedules.active(session),
                        now=now,
                        last_tick=last,
                        calendar=self.calendar,
                        catchup=self.catchup,
                    )
                ),
                "reminders": 0,
                "alert repeats": len(
                    alerts.plan(
                        session,
                        now=now,
                        calendar=self.calendar,
                        workspace_tz=settings.tz,
                        escalation_channel=settings.escalation_channel,
                    )
                ),
            }
            for team_id in workspaces(session, active_only=True):
                queued["reminders"] += len(
                    reminders.plan(
                        session,
                        team_id,
                        now=now,
                        calendar=self.calendar,
                        tz_for=partial(self.services.directory.tz_many, session, team_id),
                        workspace_tz=settings.tz,
                        escalation_channel=settings.escalation_channel,
                    )
                )
            ticks.record_run(session, TICK_NAME, now)
        return queued
