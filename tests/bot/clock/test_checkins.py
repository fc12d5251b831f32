"""Status check-ins, by moving the clock: each owner is asked the working day before the leadership digest at
14:00 their time (Thursday with no leadership digest; or on their program's own `checkin:`), once; No change
keeps the last status as a fresh one and says so in the DM; silence gets one chase the next working morning,
and digests then name the program as having no update this week (its check-in DMs say so in place). Any
answer updates the check-in DMs in place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.ids import ActionId
from bot.slack_stub import SlackStub
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
    SETTINGS,
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


# ---------------------------------------------------------------------- a month with no leadership digest

MONTH_HOLIDAYS = "2027-03-19,2027-03-25"  # Friday 19 and Thursday 25 March 2027


@pytest.fixture
def no_digest(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    """The three programs with no leadership digest at all, and a holiday on a Friday and on a Thursday."""
    harness = PulseHarness(database, stub, **{**SETTINGS, "PULSE_HOLIDAYS": MONTH_HOLIDAYS})
    with seeding(database, SEEDED) as session:
        seed_programs(session)
    yield harness
    harness.close()


def test_a_month_of_check_ins_with_no_leadership_digest(no_digest: PulseHarness, database: Database) -> None:
    """Thursdays at 14:00 in Kolkata, London and New York (across the US DST change on the 14th), Wednesday when
    Thursday is a holiday; No change, a status through the form, silence, and the chase the next working morning
    (Monday, after the Friday holiday)."""
    pulse = no_digest
    clock, _ = make_clock(pulse, pace_seconds=0)

    def answer(user: str, label: str) -> None:
        (asked,) = [m for m in checkins(pulse) if m.to == user and m.at == max(c.at for c in checkins(pulse))]
        action_id, value = asked.button(label)
        ok(pulse.click(action_id, value, user=user, channel=asked.channel, message_ts=asked.ts))

    def priya_updates_through_the_form() -> None:
        (asked,) = [m for m in checkins(pulse) if m.to == PRIYA]
        opened = pulse.stub.call_count("views.open")
        action_id, value = asked.button("Update status")
        pulse.click(action_id, value, user=PRIYA, channel=asked.channel, message_ts=asked.ts, wait=False)
        view = pulse.stub.wait_for("views.open", count=opened + 1)[-1].payload["view"]
        state: dict[str, dict[str, Any]] = {
            "program": {"type": "static_select", "selected_option": {"value": APPEALS}},
            "status": {"type": "static_select", "selected_option": {"value": "amber"}},
            "summary": {"type": "plain_text_input", "value": "Vendor ramp slipped a week"},
        }
        submitted = pulse.submit_view(view["callback_id"], state, private_metadata=view["private_metadata"], user=PRIYA)
        assert submitted.body == {}

    happenings: dict[dt.datetime, Callable[[], None]] = {
        utc(2027, 3, 4, 14, 30): lambda: answer(ANA, "No change"),
        utc(2027, 3, 4, 20): priya_updates_through_the_form,
        utc(2027, 3, 11, 9): lambda: answer(KAI, "No change"),
        utc(2027, 3, 24, 15): lambda: answer(ANA, "No change"),
    }
    now = utc(2027, 3, 1)
    while now < utc(2027, 4, 1):
        with at(now):
            if now in happenings:
                happenings.pop(now)()
            clock.tick(now)
        now += dt.timedelta(minutes=30)
    assert not happenings

    def asked(user: str, *instants: dt.datetime) -> list[tuple[str, dt.datetime, bool]]:
        return [(user, instant, False) for instant in instants]

    def chased(user: str, *instants: dt.datetime) -> list[tuple[str, dt.datetime, bool]]:
        return [(user, instant, True) for instant in instants]

    expected = [
        # Thursday 4: all three asked at 14:00 their time; Kai, silent, is chased Friday 09:00 his time.
        *asked(KAI, utc(2027, 3, 4, 8, 30)),
        *asked(ANA, utc(2027, 3, 4, 14)),
        *asked(PRIYA, utc(2027, 3, 4, 19)),
        *chased(KAI, utc(2027, 3, 5, 3, 30)),
        # Thursday 11: Kai says No change; Ana and Priya are chased on Friday.
        *asked(KAI, utc(2027, 3, 11, 8, 30)),
        *asked(ANA, utc(2027, 3, 11, 14)),
        *asked(PRIYA, utc(2027, 3, 11, 19)),
        *chased(ANA, utc(2027, 3, 12, 9)),
        *chased(PRIYA, utc(2027, 3, 12, 14)),
        # Thursday 18 (New York now on EDT): nobody answers; Friday 19 is a holiday, so the chase is on Monday.
        *asked(KAI, utc(2027, 3, 18, 8, 30)),
        *asked(ANA, utc(2027, 3, 18, 14)),
        *asked(PRIYA, utc(2027, 3, 18, 18)),
        *chased(KAI, utc(2027, 3, 22, 3, 30)),
        *chased(ANA, utc(2027, 3, 22, 9)),
        *chased(PRIYA, utc(2027, 3, 22, 13)),
        # Thursday 25 is a holiday: asked on Wednesday 24; Ana says No change, the others are chased on Friday.
        *asked(KAI, utc(2027, 3, 24, 8, 30)),
        *asked(ANA, utc(2027, 3, 24, 14)),
        *asked(PRIYA, utc(2027, 3, 24, 18)),
        *chased(KAI, utc(2027, 3, 26, 3, 30)),
        *chased(PRIYA, utc(2027, 3, 26, 13)),
    ]
    sent = [(m.to, m.at, "still needs its status" in m.text) for m in checkins(pulse)]
    assert sorted(sent, key=lambda s: s[1]) == expected

    # What the answers recorded: Ana's and Kai's No change as fresh statuses, Priya's form as a new amber one.
    reaffirmed = {(e.actor_id, e.created_at) for e in fetch_all(database, AuditEvent, action="reaffirm")}
    assert reaffirmed == {(ANA, utc(2027, 3, 4, 14, 30)), (KAI, utc(2027, 3, 11, 9)), (ANA, utc(2027, 3, 24, 15))}
    appeals = fetch(database, Program, key=APPEALS)
    latest = fetch_all(database, StatusUpdate, program_id=appeals.id)[-1]
    assert (latest.rag, latest.summary, latest.author_id) == (Rag.AMBER, "Vendor ramp slipped a week", PRIYA)
    later = [m for m in checkins(pulse) if m.to == PRIYA and m.at == utc(2027, 3, 11, 19)]
    assert "Vendor ramp slipped a week" in later[0].text  # the next check-in shows the last status


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
