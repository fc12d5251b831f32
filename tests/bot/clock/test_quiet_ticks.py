"""A tick plans a workspace's reminders only when something can be due: a change, a new working date, or someone's
09:00-10:00 window. Changes made in a quiet afternoon still reach the next tick, and people new to Pulse get their
DM in their own window."""

from __future__ import annotations

import datetime as dt

from tests.support.clock import (
    ANA,
    ESCALATION,
    add_action,
    make_clock,
    posted,
    seed_programs,
    seeding,
    tick_at,
    utc,
)
from tests.support.harness import PulseHarness

MINUTE = dt.timedelta(minutes=1)
AFTERNOON = utc(2027, 3, 10, 15)  # a Wednesday, 15:00 in London, 10:00 in New York: no one's window is open
NEWCOMER = "U0NEWCOMER"  # in Tokyo, unknown to Pulse until an action names them


def ladder_posts(pulse: PulseHarness) -> list[str]:
    return [m.text for m in posted(pulse.stub) if m.to == ESCALATION]


def test_an_action_overdue_for_weeks_added_in_a_quiet_afternoon_is_escalated_at_the_next_tick(
    pulse: PulseHarness,
) -> None:
    with seeding(pulse.database, AFTERNOON - dt.timedelta(days=1)) as session:
        portfolio = seed_programs(session)
    clock, _ = make_clock(pulse, pace_seconds=0)
    for minute in range(3):  # the afternoon settles: nothing is due
        tick_at(clock, AFTERNOON + minute * MINUTE)
    assert ladder_posts(pulse) == []
    with seeding(pulse.database, AFTERNOON + 3 * MINUTE) as session:
        add_action(session, portfolio.classify, "Retrain on the new labels", owner=ANA, due=dt.date(2027, 2, 22))
    tick_at(clock, AFTERNOON + 4 * MINUTE)
    (post,) = ladder_posts(pulse)
    assert "*A-1*" in post
    for minute in range(5, 8):
        tick_at(clock, AFTERNOON + minute * MINUTE)
    assert len(ladder_posts(pulse)) == 1


def test_someone_new_to_pulse_gets_their_dm_in_their_own_window(pulse: PulseHarness) -> None:
    pulse.stub.users[NEWCOMER] = {"tz": "Asia/Tokyo", "real_name": "Newcomer"}
    with seeding(pulse.database, AFTERNOON) as session:
        portfolio = seed_programs(session)
    clock, _ = make_clock(pulse, pace_seconds=0)
    night = utc(2027, 3, 11, 0, 10)  # 09:10 in Tokyo; night in London, New York and Kolkata
    for minute in range(3):
        tick_at(clock, night + minute * MINUTE)
    with seeding(pulse.database, night + 3 * MINUTE) as session:
        add_action(session, portfolio.appeals, "Sign the vendor SOW", owner=NEWCOMER, due=dt.date(2027, 3, 12))
    tick_at(clock, night + 4 * MINUTE)
    (dm,) = [m for m in posted(pulse.stub) if m.is_dm and m.to == NEWCOMER]
    assert dm.at == night + 4 * MINUTE  # at once, not when a known zone's window opens
    assert "Sign the vendor SOW" in dm.text
