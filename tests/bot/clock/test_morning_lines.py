"""What the morning DM adds: actions due tomorrow, asks put to you that are past their date, and the decisions you
are Informed of (each once, gathered with the rest of the morning's DM)."""

from __future__ import annotations

import datetime as dt

from tests.support.clock import (
    ADMIN,
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    PRIYA,
    add_action,
    at,
    dm_items,
    local,
    make_clock,
    posted,
    seed_programs,
    seeding,
    tick_at,
    utc,
)
from tests.support.harness import PulseHarness

MONDAY = utc(2027, 3, 1, 11)  # 11:00 in London: after the morning DMs


def morning_dms(pulse: PulseHarness, user: str) -> dict[dt.date, list[str]]:
    """The items of each of `user`'s DMs, by their local date."""
    return {local(m.at, user).date(): dm_items(m.text) for m in posted(pulse.stub) if m.is_dm and m.to == user}


def test_due_tomorrow_overdue_asks_and_informed_decisions_reach_the_morning_dm(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 2, 26, 12)) as session:
        portfolio = seed_programs(session)
        add_action(session, portfolio.appeals, "Send the vendor SOW", owner=ANA, due=dt.date(2027, 3, 3))
    with at(MONDAY):
        for title in ("Use vendor B", "Freeze ranking changes"):
            pulse.command("/decision", f"log {APPEALS} {title} informed:<@{ANA}|ana>,<@{ADMIN}|admin>", user=PRIYA)
        pulse.command(
            "/program",
            f"status {APPEALS} amber Vendor late asks:Approve overtime ask-to:<@{ANA}|ana> ask-by:tue",
            user=PRIYA,
        )
    assert not [m for m in posted(pulse.stub) if m.is_dm]  # no DM of its own for an Informed decision
    clock, _ = make_clock(pulse, pace_seconds=0)
    for day in range(1, 5):  # Tuesday 2nd to Friday 5th, each morning at 09:00 London
        tick_at(clock, utc(2027, 3, 1 + day, 9))
    assert morning_dms(pulse, ANA) == {
        dt.date(2027, 3, 2): ["informed D-1", "informed D-2", "tomorrow A-1"],  # one DM gathers them
        dt.date(2027, 3, 3): ["ask ASK-1"],  # needed by Tuesday, not answered
        dt.date(2027, 3, 4): ["A-1"],  # A-1 was due yesterday: the ladder's first step
    }
    assert morning_dms(pulse, ADMIN) == {dt.date(2027, 3, 2): ["informed D-1", "informed D-2"]}
    (first,) = [m for m in posted(pulse.stub) if m.is_dm and m.to == ANA and m.at.day == 2]
    assert first.text.startswith("*Your Pulse for today*: 1 due tomorrow · 2 decisions you are informed of")
    assert "is due Wed 2027-03-03: `/action done A-1` when it is" in first.text
    (ask,) = [m for m in posted(pulse.stub) if m.is_dm and m.to == ANA and m.at.day == 3]
    assert f"*ASK-1* Approve overtime ({APPEALS}) was needed by Tue 2027-03-02" in ask.text


def test_an_ask_to_a_function_past_its_date_reaches_the_owner_who_asked_it_once(pulse: PulseHarness) -> None:
    """Pulse does not know who is in Legal: the owner of the program that asked is told to chase it (once), and
    the digest keeps it under Needs you."""
    with seeding(pulse.database, utc(2027, 2, 26, 12)) as session:
        seed_programs(session)
    with at(MONDAY):
        pulse.command(
            "/program",
            f"status {APPEALS} amber Vendor late asks:Review the vendor contract ask-to:Legal ask-by:tue",
            user=PRIYA,
        )
    clock, _ = make_clock(pulse, pace_seconds=0)
    for day in range(1, 5):  # Tuesday 2nd to Friday 5th, each at 09:00 New York (Priya's morning)
        tick_at(clock, utc(2027, 3, 1 + day, 14))
    assert morning_dms(pulse, PRIYA) == {dt.date(2027, 3, 3): ["ask ASK-1"]}  # past Tuesday, told once
    (chase,) = [m for m in posted(pulse.stub) if m.is_dm and m.to == PRIYA]
    assert chase.text.startswith("*Your Pulse for today*: 1 ask to chase")
    assert f"*ASK-1* Review the vendor contract ({APPEALS}) was needed from Legal by Tue 2027-03-02: chase Legal" in (
        chase.text
    )
    with at(utc(2027, 3, 5, 15)):
        digest = pulse.command("/digest", "preview", user=ADMIN)
    (needs_you,) = [line for line in digest.text.splitlines() if line.startswith(":raising_hand:")]
    # Under Needs you, and ASK-1 links to the status post that raised it (it has no post of its own).
    assert needs_you.startswith(":raising_hand: *Review the vendor contract* → Legal by Tue Mar 2 (<https://")
    (status_post,) = [m for m in posted(pulse.stub) if m.channel == APPEALS_CHANNEL]
    link = f"/archives/{APPEALS_CHANNEL}/p{status_post.ts.replace('.', '')}|ASK-1>"
    assert needs_you.endswith(f"{link}) · :hourglass: overdue")
