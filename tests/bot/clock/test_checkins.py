"""Status check-ins, by moving the clock: each owner is asked the working day before the leadership digest at
14:00 their time (or on their program's own `checkin:`), once; No change keeps the last status as a fresh one and
says so in the DM; silence gets one chase the next working morning, and digests then name the program as having no
update this week (its check-in DMs say so in place). Any answer updates the check-in DMs in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.ids import ActionId
from store.db import Database
from store.models import AuditEvent, DigestSchedule, Program, Rag, StatusUpdate
from tests.support.app import fetch, fetch_all, ok, refused
from tests.support.clock import (
    ADMIN,
    ANA,
    APPEALS,
    CLASSIFY,
    HASH,
    KAI,
    LEADS,
    PRIYA,
    Posted,
    at,
    make_clock,
    posted,
    readable,
    seed_programs,
    seeding,
    tick_at,
    utc,
)
from tests.support.harness import TEAM, PulseHarness

SEEDED = utc(2027, 3, 1, 8)  # Monday 1 March 2027


def seed(pulse: PulseHarness) -> None:
    """The three programs, green, and a leadership digest on Mondays (so check-ins fall on Fridays)."""
    with seeding(pulse.database, SEEDED) as session:
        seed_programs(session)
        session.add(
            DigestSchedule(
                team_id=TEAM,
                number=1,
                channel_id=LEADS,
                days="mon",
                time_of_day="09:00",
                tz="Europe/London",
                created_by=ADMIN,
                created_at=SEEDED,
            )
        )


def checkins(pulse: PulseHarness) -> list[Posted]:
    return [m for m in posted(pulse.stub) if "Status check-in for" in m.text or "still needs its status" in m.text]


def test_the_weekly_cycle_ask_no_change_silence_chase(pulse: PulseHarness, database: Database) -> None:
    seed(pulse)
    clock, _ = make_clock(pulse, pace_seconds=0)
    # Friday 5 March, 14:00 for each owner: Kolkata (08:30 UTC), London (14:00 UTC), New York (19:00 UTC).
    for instant in (utc(2027, 3, 4, 14), utc(2027, 3, 5, 8, 30), utc(2027, 3, 5, 14), utc(2027, 3, 5, 14, 30)):
        tick_at(clock, instant)
    tick_at(clock, utc(2027, 3, 5, 19))
    asked = checkins(pulse)
    assert [(m.to, m.at) for m in asked] == [
        (KAI, utc(2027, 3, 5, 8, 30)),
        (ANA, utc(2027, 3, 5, 14)),
        (PRIYA, utc(2027, 3, 5, 19)),
    ]
    ana = asked[1]
    assert f"Status check-in for {CLASSIFY}" in ana.text and f"{CLASSIFY} on track" in ana.text
    assert ana.buttons == (
        ("Update status", ActionId.STATUS_FORM, CLASSIFY),
        ("No change", ActionId.CHECKIN_NO_CHANGE, CLASSIFY),
    )

    # Ana answers No change: a fresh report with the same RAG and summary, audited; the DM says so in place.
    action_id, value = ana.button("No change")
    with at(utc(2027, 3, 5, 14, 32)):
        answer = pulse.click(action_id, value, user=ANA, channel=ana.channel, message_ts=ana.ts)
    assert "no change, kept as current by <@U0ANA> at 14:32 UTC" in answer.text
    (edited,) = [m for m in pulse.stub.history(ana.channel) if m["ts"] == ana.ts]
    assert f"Status check-in for {CLASSIFY}" in readable(edited)
    assert "No change: kept as current by <@U0ANA> at 14:32: GREEN" in readable(edited)
    assert not [b for b in edited["blocks"] if b["type"] == "actions"]  # answered: no buttons left
    classify = fetch(database, Program, key=CLASSIFY)
    latest = fetch_all(database, StatusUpdate, program_id=classify.id)[-1]
    assert (latest.rag, latest.summary, latest.author_id, latest.created_at) == (
        Rag.GREEN,
        f"{CLASSIFY} on track",
        ANA,
        utc(2027, 3, 5, 14, 32),
    )
    assert fetch(database, AuditEvent, action="reaffirm").actor_id == ANA

    # Monday 8 March, 09:00 each owner's time: the two who said nothing are chased, once; Ana is not.
    for instant in (utc(2027, 3, 8, 3, 30), utc(2027, 3, 8, 9), utc(2027, 3, 8, 14), utc(2027, 3, 8, 14, 30)):
        tick_at(clock, instant)
    chased = [(m.to, m.at) for m in checkins(pulse)[3:]]
    assert chased == [(KAI, utc(2027, 3, 8, 3, 30)), (PRIYA, utc(2027, 3, 8, 14))]
    assert all("still needs its status" in m.text for m in checkins(pulse)[3:])
    assert HASH in checkins(pulse)[3].text and APPEALS in checkins(pulse)[4].text


def test_a_holiday_moves_the_check_in_to_the_working_day_before(pulse: PulseHarness) -> None:
    seed(pulse)
    clock, _ = make_clock(pulse, pace_seconds=0)
    for day in (18, 19):  # Friday 19 March is a holiday: the working day before Monday 22 is Thursday 18
        tick_at(clock, utc(2027, 3, day, 14))
    assert [(m.to, m.at) for m in checkins(pulse)] == [(ANA, utc(2027, 3, 18, 14))]


def test_program_edit_sets_its_own_check_in_or_turns_it_off(pulse: PulseHarness, database: Database) -> None:
    seed(pulse)
    assert "check-in wed@10:00" in ok(pulse.command("/program", f"edit {CLASSIFY} checkin:wed@10:00", user=ANA)).text
    assert fetch(database, Program, key=CLASSIFY).checkin == "wed@10:00"
    ok(pulse.command("/program", f"edit {APPEALS} checkin:off", user=PRIYA))
    assert "`thursday` is not a check-in" in refused(pulse.command("/program", f"edit {HASH} checkin:thursday")).text
    clock, _ = make_clock(pulse, pace_seconds=0)
    for instant in (utc(2027, 3, 3, 10), utc(2027, 3, 5, 14), utc(2027, 3, 5, 19)):
        tick_at(clock, instant)
    assert [(m.to, m.at) for m in checkins(pulse)] == [(ANA, utc(2027, 3, 3, 10))]
    assert dt.date(2027, 3, 3).weekday() == 2  # a Wednesday


def now_reads(pulse: PulseHarness, message: Posted) -> str:
    (found,) = [m for m in pulse.stub.history(message.channel) if m["ts"] == message.ts]
    return readable(found)


def test_an_answer_by_the_status_command_updates_the_check_in_in_place(pulse: PulseHarness) -> None:
    seed(pulse)
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, utc(2027, 3, 5, 14))
    (ana,) = checkins(pulse)
    with at(utc(2027, 3, 5, 14, 32)):
        ok(pulse.command("/program", f"status {CLASSIFY} amber Labelling vendor late", user=ANA))
    text = now_reads(pulse, ana)
    assert text.startswith(f":clipboard: *Status check-in for {CLASSIFY}*")
    assert text.endswith(f"Updated by <@{ANA}> at 14:32: AMBER")
    tick_at(clock, utc(2027, 3, 8, 9))  # answered: no chase, and the digest does not name it
    assert len(checkins(pulse)) == 1
    (digest,) = [m for m in posted(pulse.stub) if m.to == LEADS and m.thread_ts is None]
    assert "no update this week" not in digest.text


def test_a_silent_check_in_is_chased_then_named_no_update_this_week(pulse: PulseHarness, database: Database) -> None:
    """Friday's check-ins; Ana keeps her status, Kai and Priya say nothing. Monday: Kai (Kolkata) is chased
    before the leadership digest at 09:00 London, which names both silent programs as "no update this week" and
    updates their check-in DMs in place to say so, once; Priya (New York) is chased after it. Her answer on Tuesday
    updates the check-in and the chase."""
    seed(pulse)
    with seeding(pulse.database, SEEDED) as session:
        session.add(
            DigestSchedule(
                team_id=TEAM,
                number=2,
                channel_id="C0APPEALS",
                program_id=fetch(database, Program, key=APPEALS).id,
                days="mon",
                time_of_day="11:00",
                tz="America/New_York",
                created_by=ADMIN,
                created_at=SEEDED,
            )
        )
    with at(utc(2027, 3, 3, 15)):  # Wednesday: a fresh status (not stale by Monday)
        ok(pulse.command("/program", f"status {APPEALS} green Vendor on track", user=PRIYA))
    clock, _ = make_clock(pulse, pace_seconds=0)
    for instant in (utc(2027, 3, 5, 8, 30), utc(2027, 3, 5, 14), utc(2027, 3, 5, 19)):
        tick_at(clock, instant)
    kai, ana, priya = checkins(pulse)
    action_id, value = ana.button("No change")
    with at(utc(2027, 3, 5, 15)):
        ok(pulse.click(action_id, value, user=ANA, channel=ana.channel, message_ts=ana.ts))
    for instant in (utc(2027, 3, 8, 3, 30), utc(2027, 3, 8, 9), utc(2027, 3, 8, 9, 15)):
        tick_at(clock, instant)

    (leadership,) = [m for m in posted(pulse.stub) if m.to == LEADS and m.thread_ts is None]
    assert f"{APPEALS} no update this week (check-in of Fri Mar 5 unanswered)" in leadership.text
    assert f"{HASH}" not in leadership.text  # restricted: not in the leadership channel
    assert f"{CLASSIFY} no update" not in leadership.text
    assert "2 have not reported this week" not in leadership.text and "1 has not reported this week" in leadership.text
    missed = f"No update this week: digests name *{APPEALS}* as having no update since this check-in of Fri"
    assert missed in now_reads(pulse, priya) and "Status check-in for" in now_reads(pulse, priya)
    assert "No update this week" not in now_reads(pulse, ana)
    assert "No update this week" not in now_reads(pulse, kai)  # HASH is named by no digest

    for instant in (utc(2027, 3, 8, 14), utc(2027, 3, 8, 16), utc(2027, 3, 8, 16, 15)):
        tick_at(clock, instant)  # Priya's chase at 09:00 New York, then her team digest at 11:00
    chase = checkins(pulse)[-1]
    assert chase.to == PRIYA and "still needs its status" in chase.text
    (team,) = [m for m in posted(pulse.stub) if m.to == "C0APPEALS" and "weekly pulse" in m.text]
    assert "no update this week (check-in of Fri Mar 5 unanswered)" in team.text
    assert now_reads(pulse, priya).count("No update this week") == 1  # once, though two digests named it
    assert missed in now_reads(pulse, chase)

    with at(utc(2027, 3, 9, 15)):
        ok(pulse.command("/program", f"status {APPEALS} red Vendor gone", user=PRIYA))
    for message in (priya, chase):
        assert now_reads(pulse, message).endswith(f"Updated by <@{PRIYA}> at 10:00: RED")


def test_update_status_from_the_check_in_form_updates_the_check_in_in_place(pulse: PulseHarness) -> None:
    seed(pulse)
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, utc(2027, 3, 5, 14))
    (ana,) = checkins(pulse)
    action_id, value = ana.button("Update status")
    with at(utc(2027, 3, 5, 14, 40)):
        pulse.click(action_id, value, user=ANA, channel=ana.channel, message_ts=ana.ts, wait=False)
        pulse.stub.wait_for("views.open")
        (opened,) = [p["view"] for p in pulse.stub.payloads("views.open")]
        state: dict[str, dict[str, Any]] = {
            "program": {"type": "static_select", "selected_option": {"value": CLASSIFY}},
            "status": {"type": "static_select", "selected_option": {"value": "amber"}},
            "summary": {"value": "Labelling vendor late"},
        }
        answer = pulse.submit_view(opened["callback_id"], state, private_metadata=opened["private_metadata"], user=ANA)
        assert (answer.status, answer.body) == (200, {})
        pulse.stub.wait_for("chat.update")
    assert now_reads(pulse, ana).endswith(f"Updated by <@{ANA}> at 14:40: AMBER")
