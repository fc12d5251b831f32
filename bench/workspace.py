"""The seeded workspace's names and instants: who and where, and when the clock benchmark ticks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

TEAM = "T0BENCH"
ADMIN = "U0ADMIN"
LEADS_CHANNEL = "C0LEADS"
ESCALATION_CHANNEL = "C0ESCALATE"
MORNING = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)  # a Wednesday: reminders, ladder, digests are due
QUIET = MORNING.replace(hour=16)  # the same day, when no one's reminder window is open and nothing is due
# At 09:30 UTC the first three zones are in their 09:00-10:00 reminder window; at 16:30 UTC none is.
ZONES = ("UTC", "Europe/London", "Europe/Dublin", "Europe/Berlin", "America/New_York", "Asia/Singapore")


@dataclass(frozen=True)
class Shape:
    """How big the workspace is."""

    programs: int
    risks_per_program: int = 20
    decisions_per_program: int = 10
    actions_per_program: int = 100
    milestones_per_program: int = 8
    statuses_per_program: int = 12
    people: int = 120
    program_schedules: int = 3  # program digests due at MORNING, besides the portfolio digest to #leads
    idle_schedules: int = 2  # not due at MORNING (Mondays 17:00)
    alerts: int = 10  # open, unacknowledged alerts


def person(index: int) -> str:
    return f"U0P{index:05d}"


def program_key(p: int) -> str:
    return f"TNS-P{p:05d}"
