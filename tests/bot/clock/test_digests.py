"""Digests as readers see them in Slack, and the /digest commands (preview, send, schedule, list, remove),
plus digests missed while the clock was down."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlmodel import Session

from bot.blocks import MAX_BLOCKS
from store.models import DigestSchedule, Program, Rag
from tests.support.app import fetch_all, nothing_written
from tests.support.clock import (
    ADMIN,
    ADMIN_ACTOR,
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    CLASSIFY,
    HASH,
    HASH_CHANNEL,
    KAI,
    LEADS,
    PRIYA,
    STRANGER,
    Posted,
    actor,
    add_action,
    add_milestone,
    add_risk,
    at,
    channel_link,
    make_clock,
    posted,
    seed_programs,
    seeding,
    tick_at,
    utc,
)
from tests.support.harness import PulseHarness
from tests.support.services import decisions, programs, schedules

NOW = utc(2027, 3, 10, 10)  # Wednesday
DAY = dt.timedelta(days=1)


def digest_in(pulse: PulseHarness, channel: str) -> tuple[Posted, list[Posted]]:
    """The newest digest summary posted in `channel` and the replies in its thread."""
    messages = posted(pulse.stub)
    summary = [m for m in messages if m.to == channel and m.thread_ts is None][-1]
    return summary, [m for m in messages if m.thread_ts == summary.ts]


def report(
    session: Session, program: Program, rag: Rag, summary: str, when: dt.datetime, asks: str | None = None
) -> None:
    """A status report, back-dated to `when`."""
    update, _ = programs.report_status(session, actor(program.owner_id), program, rag=rag, summary=summary, asks=asks)
    update.created_at = when
    session.add(update)


def seed_rich_portfolio(pulse: PulseHarness) -> None:
    """As of NOW: TNS-APPEALS went red two days ago; TNS-CLASSIFY reports green but has a critical risk;
    TNS-OLD has not reported for ten days and TNS-NEW never; TNS-HASH is restricted."""
    with seeding(pulse.database, NOW - 30 * DAY) as session:
        p = seed_programs(session, statuses=False)
        old = programs.create(
            session, ADMIN_ACTOR, key="TNS-OLD", name="Legacy queue", owner_id=ANA, channel_id="C0OLD"
        )
        programs.create(session, ADMIN_ACTOR, key="TNS-NEW", name="New markets", owner_id=KAI, channel_id="C0NEW")
        session.flush()
        report(session, p.appeals, Rag.GREEN, "Routing rules drafted", NOW - 9 * DAY)
        report(session, p.appeals, Rag.RED, "Vendor ramp slipped two weeks", NOW - 2 * DAY, asks="Two extra reviewers")
        report(session, p.classify, Rag.GREEN, "Model v3 trained", NOW - 20 * DAY)
        report(session, p.classify, Rag.GREEN, "Model v3 in shadow mode", NOW - 4 * DAY)
        report(session, p.hash, Rag.GREEN, "Vendor onboarded", NOW - 4 * DAY)
        report(session, old, Rag.GREEN, "Steady", NOW - 10 * DAY)
        add_milestone(session, p.appeals, "Vendor signed", owner=KAI, due=NOW.date() + 5 * DAY)  # M-1 soon
        add_milestone(session, p.appeals, "Routing rules live", owner=ANA, due=NOW.date() - 5 * DAY)  # M-2 slipped
        add_milestone(session, p.appeals, "Full capacity", owner=PRIYA, due=NOW.date() + 40 * DAY)  # M-3 later
        for n, (likelihood, impact) in enumerate([(1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)], start=1):
            owner = ANA if n % 2 else KAI  # R-1..R-6, scores 1, 2, 3, 4, 6, 9
            add_risk(session, p.appeals, f"Appeals risk {n}", owner=owner, likelihood=likelihood, impact=impact)
        add_action(session, p.appeals, "Send the vendor SOW", owner=ANA, due=NOW.date() - 2 * DAY)  # A-1 overdue
        add_action(session, p.appeals, "Book the QBR", owner=PRIYA, due=NOW.date() + 10 * DAY)
    with seeding(pulse.database, NOW - DAY) as session:
        appeals, classify = p.appeals, p.classify
        session.add(appeals)
        session.add(classify)
        decisions.log(session, actor(PRIYA), appeals, title="Use vendor B for EU queues", decider_id=PRIYA)  # D-1
        add_risk(session, classify, "Drift on new abuse patterns", owner=ANA, likelihood=5, impact=5)


def blocks_of(message: Posted, pulse: PulseHarness) -> int:
    (call,) = [c for c in pulse.stub.calls("chat.postMessage") if c.ok and c.response["ts"] == message.ts]
    return len(call.payload["blocks"])


def test_program_digest_has_every_part(pulse: PulseHarness) -> None:
    seed_rich_portfolio(pulse)
    with at(NOW):
        answer = pulse.command("/digest", f"send {APPEALS}", user=PRIYA)
    assert answer.text == (
        f"The {APPEALS} digest is on its way to <#{APPEALS_CHANNEL}> (2 messages, details in the thread).\n"
        f"Posted to <#{APPEALS_CHANNEL}>."
    )
    summary, (detail,) = digest_in(pulse, APPEALS_CHANNEL)
    assert summary.text.splitlines() == [
        f"{APPEALS} weekly pulse · Wed 2027-03-10",
        ":red_circle: RED, was green · Appeals SLA reduction",
        "_Vendor ramp slipped two weeks_ (2 days ago)",
        "*Ask:* *Two extra reviewers* → nobody named, no date (ASK-1)",
        "*What changed:* green → red · decided D-1 Use vendor B for EU queues",
        f"*What is next:* M-1 Vendor signed (<@{KAI}>, Mon Mar 15) · A-2 Book the QBR (<@{PRIYA}>, Sat Mar 20)",
        f"*What is late:* M-2 Routing rules live, 5 days late (<@{ANA}>) · A-1 Send the vendor SOW, 2 days late "
        f"(<@{ANA}>)",
        f"*Who owes what:* <@{ANA}>: A-1 (late), M-2 (late) · <@{PRIYA}>: A-2, M-3 · <@{KAI}>: M-1",
        "*Risk & delivery* · risks since Wed Mar 3: 0 new · 0 escalated · 0 de-escalated · 0 closed · 0 above appetite",
        "*Needs attention:* no mitigation R-6, R-5, R-4 · …and 3 more (`/risk list`)",
        "Delivery, last 4 weeks: 0 actions done on time, 0 late · milestones slipped: M-2 5 days from Fri Mar 5",
        "0 critical risks · 1 overdue action · 1 slipped milestone · 1 new decision · details in the thread",
    ]
    assert detail.thread_ts == summary.ts
    lines = detail.text.splitlines()
    assert lines[:3] == [
        "*Milestones in the next 14 days*",
        f"M-1 Vendor signed · due Mon 2027-03-15 · <@{KAI}>",
        f":hourglass: M-2 Routing rules live slipped (due Fri 2027-03-05) · <@{ANA}>",
    ]
    assert "Full capacity" not in detail.text  # due in 40 days
    risks = lines[lines.index("*Top open risks*") + 1 : lines.index("*Top open risks*") + 7]
    assert [line.split(" ")[2] for line in risks[:5]] == ["R-6", "R-5", "R-4", "R-3", "R-2"]
    assert risks[0].endswith(f"· 9 · <@{KAI}>") and risks[1].endswith(f"· 6 · <@{ANA}>")
    assert risks[5] == f"…and 1 more: `/risk list {APPEALS}`"
    assert lines[-2:] == ["*Overdue actions*", f":hourglass: A-1 Send the vendor SOW · <@{ANA}> · due Mon 2027-03-08"]
    assert max(blocks_of(summary, pulse), blocks_of(detail, pulse)) <= MAX_BLOCKS


def test_portfolio_digest_has_every_part_and_hides_restricted_programs(pulse: PulseHarness) -> None:
    seed_rich_portfolio(pulse)
    with at(NOW):
        answer = pulse.command("/digest", f"send to:{channel_link(LEADS)}", user=ADMIN)
    assert answer.text.startswith(f"The portfolio digest is on its way to <#{LEADS}>")
    summary, (detail,) = digest_in(pulse, LEADS)
    assert summary.text.splitlines() == [
        "Portfolio pulse · Wed 2027-03-10",
        f"*4 programs: 1 red · 0 amber · 2 green · 1 never reported* · 1 needs you this week ({APPEALS}) · "
        "1 looks green but is not · 2 have not reported this week",
        "*Needs you*",
        f":red_circle: RED *{APPEALS}*, was green · Appeals SLA reduction",
        ":raising_hand: *Two extra reviewers* → nobody named, no date (ASK-1)",
        "_Vendor ramp slipped two weeks_ (2 days ago)",
        f":hourglass: A-1 Send the vendor SOW · <@{ANA}> · due Mon Mar 8, 2 days late",
        "*Looks green, isn't*",
        f":watermelon: *{CLASSIFY}*: critical R-7 Drift on new abuse patterns (<@{ANA}>)",
        ":zzz: *No update:* TNS-NEW has never reported a status (created 30 days ago) · TNS-OLD silent for 10 days",
        f":white_check_mark: *Achieved:* decided D-1 Use vendor B for EU queues ({APPEALS})",
        "*Risk & delivery* · risks since Wed Mar 3: 1 new · 0 escalated · 0 de-escalated · 0 closed · "
        "*1 above appetite*",
        f":new: R-7 {CLASSIFY} Drift on new abuse patterns (25) · *Needs attention:* above appetite R-7 {CLASSIFY}; "
        f"no mitigation R-7 {CLASSIFY}, R-6 {APPEALS}, R-5 {APPEALS} · …and 4 more (`/risk list`)",
        f"Delivery, last 4 weeks: 0 actions done on time, 0 late · milestones slipped: M-2 {APPEALS} 5 days from "
        "Fri Mar 5",
        "Since Wed Mar 3: 1 decision (`/decision list since:2027-03-03`) · 1 new critical risk "
        "(`/risk list band:critical`) · 1 overdue action (`/action list overdue`) · program by program in the thread",
    ]
    assert detail.thread_ts == summary.ts
    heads = [line for line in detail.text.splitlines() if line.startswith(":")]
    assert [h.split("*")[1] for h in heads if "*" in h and not h.startswith(":hourglass:")] == [
        APPEALS,
        "TNS-NEW",
        CLASSIFY,
        "TNS-OLD",
    ]
    assert f"Owner <@{PRIYA}> · risks 0 critical / 0 high · 1 overdue action" in detail.text
    assert ":hourglass: M-2 Routing rules live slipped (due Fri Mar 5)" in detail.text
    assert f"*{CLASSIFY}* Classifier refresh (still green) :watermelon:" in detail.text
    assert "*TNS-NEW* New markets (never reported)" in detail.text
    # The restricted program is not there at all, not even in the counts.
    assert HASH not in summary.text + detail.text

    # In its own (allow-listed) channel it is.
    with at(NOW):
        pulse.command("/digest", f"send to:{channel_link(HASH_CHANNEL)}", user=ADMIN)
    summary, details = digest_in(pulse, HASH_CHANNEL)
    assert "*5 programs: 1 red · 0 amber · 3 green · 1 never reported*" in summary.text
    assert any(f"*{HASH}* :lock: Hash-sharing vendor" in d.text for d in details)  # marked, but no preview note
    assert "This preview includes restricted programs" not in summary.text


def test_a_big_portfolio_is_split_into_thread_replies_within_slack_limits(pulse: PulseHarness) -> None:
    with seeding(pulse.database, NOW - DAY) as session:
        for n in range(1, 21):
            program = programs.create(
                session, ADMIN_ACTOR, key=f"TNS-P{n:02d}", name=f"Program {n} " + "x" * 60, owner_id=ANA
            )
            session.flush()
            for m in range(3):
                add_milestone(session, program, f"Milestone {m} " + "y" * 50, owner=ANA, due=NOW.date() - DAY)
    with at(NOW):
        pulse.command("/digest", f"send to:{channel_link(LEADS)}", user=ADMIN)
    summary, details = digest_in(pulse, LEADS)
    assert "*20 programs: 0 red · 0 amber · 0 green · 20 never reported*" in summary.text
    assert len(details) == 4  # six programs per reply
    assert all(d.thread_ts == summary.ts for d in details)
    shown = [line.split("*")[1] for d in details for line in d.text.splitlines() if line.startswith(":white_circle:")]
    assert shown == [f"TNS-P{n:02d}" for n in range(1, 21)]
    assert all(blocks_of(m, pulse) <= MAX_BLOCKS for m in [summary, *details])


def test_digest_preview_shows_it_only_to_you(pulse: PulseHarness) -> None:
    seed_rich_portfolio(pulse)
    with at(NOW), nothing_written(pulse.database):
        portfolio = pulse.command("/digest", "preview", user=ANA)
        program = pulse.command("/digest", f"preview {APPEALS}", user=ANA)
        hidden = pulse.command("/digest", f"preview {HASH}", user=STRANGER)
    assert portfolio.ephemeral and program.ephemeral
    assert portfolio.text.startswith("Portfolio pulse · Wed 2027-03-10")
    assert HASH in portfolio.text  # Ana is a member of the restricted program: her preview shows it
    assert "program by program in the thread" in portfolio.text and f"*{CLASSIFY}*" in portfolio.text
    assert ":lock: This preview includes restricted programs you may see (marked :lock:)" in portfolio.text
    assert f"*{HASH}* :lock:" in portfolio.text
    assert program.text.startswith(f"{APPEALS} weekly pulse") and "*Overdue actions*" in program.text
    assert portfolio.text.endswith("Preview: only you can see this. `/digest send` posts it.")
    assert hidden.text.startswith(":warning:") and HASH in hidden.text
    assert not pulse.stub.calls("chat.postMessage")


def test_digest_send_refuses_a_restricted_program_outside_its_channels(pulse: PulseHarness) -> None:
    seed_rich_portfolio(pulse)
    with at(NOW), nothing_written(pulse.database):
        refused = pulse.command("/digest", f"send {HASH} to:{channel_link(LEADS)}", user=KAI)
    assert refused.text == f":warning: {HASH} is restricted and <#{LEADS}> is not on its allow-list."
    assert not pulse.stub.calls("chat.postMessage")


def test_digest_schedule_permissions(pulse: PulseHarness) -> None:
    with seeding(pulse.database, NOW - DAY) as session:
        seed_programs(session)
    leads, appeals_channel = channel_link(LEADS), channel_link(APPEALS_CHANNEL)
    with at(NOW):
        admin = pulse.command(
            "/digest", f"schedule {leads} portfolio day:mon time:09:00 tz:America/New_York", user=ADMIN
        )
        owner = pulse.command("/digest", f"schedule {appeals_channel} {APPEALS} day:weekdays time:16:30", user=PRIYA)
        with nothing_written(pulse.database):
            refusals = {
                "stranger, program": pulse.command(
                    "/digest", f"schedule {appeals_channel} {APPEALS} day:mon time:09:00", user=STRANGER
                ),
                "owner, other channel": pulse.command(
                    "/digest", f"schedule {leads} {APPEALS} day:mon time:09:00", user=PRIYA
                ),
                "owner, portfolio": pulse.command(
                    "/digest", f"schedule {leads} portfolio day:mon time:09:00", user=PRIYA
                ),
                "admin, restricted elsewhere": pulse.command(
                    "/digest", f"schedule {leads} {HASH} day:mon time:09:00", user=ADMIN
                ),
                "bad day": pulse.command("/digest", f"schedule {leads} portfolio day:someday time:09:00", user=ADMIN),
                "bad time": pulse.command("/digest", f"schedule {leads} portfolio day:mon time:9am", user=ADMIN),
                "bad zone": pulse.command(
                    "/digest", f"schedule {leads} portfolio day:mon time:09:00 tz:Mars/Olympus", user=ADMIN
                ),
            }
    assert admin.text.startswith(
        f"S-1 scheduled: the portfolio digest to <#{LEADS}> every mon at 09:00 America/New_York."
    )
    assert owner.text.startswith(
        f"S-2 scheduled: the {APPEALS} digest to <#{APPEALS_CHANNEL}> every weekdays at 16:30 America/New_York."
    )  # no tz: the time zone of whoever schedules it
    for what, answer in refusals.items():
        assert answer.text.startswith(":warning:"), (what, answer.text)
    assert "Only Pulse admins, or the program owner" in refusals["stranger, program"].text
    assert "Only Pulse admins, or the program owner" in refusals["owner, other channel"].text
    assert "Only Pulse admins may schedule the portfolio digest." in refusals["owner, portfolio"].text
    assert (
        f"{HASH} is restricted and <#{LEADS}> is not on its allow-list." in refusals["admin, restricted elsewhere"].text
    )
    assert "`someday` is not a day" in refusals["bad day"].text
    assert "`9am` is not a time" in refusals["bad time"].text
    assert "`Mars/Olympus` is not a time zone" in refusals["bad zone"].text


def test_digest_list_and_remove(pulse: PulseHarness) -> None:
    with seeding(pulse.database, NOW - DAY) as session:
        seed_programs(session)
    with at(NOW):
        pulse.command("/digest", f"schedule {channel_link(LEADS)} portfolio day:mon,thu time:09:00", user=ADMIN)
        pulse.command("/digest", f"schedule {channel_link(HASH_CHANNEL)} {HASH} day:daily time:08:00", user=KAI)
        listed = pulse.command("/digest", "list", user=ADMIN)
        stranger_list = pulse.command("/digest", "list", user=STRANGER)
        with nothing_written(pulse.database):
            stranger_remove = pulse.command("/digest", "remove S-1", user=STRANGER)
            hidden_remove = pulse.command("/digest", "remove S-2", user=STRANGER)
        removed = pulse.command("/digest", "remove S-2", user=KAI)
        again = pulse.command("/digest", "remove S-2", user=KAI)
        after = pulse.command("/digest", "list", user=ADMIN)
    assert listed.text.splitlines() == [
        "*2 digest schedules*",
        f"*S-1* portfolio → <#{LEADS}> · mon, thu at 09:00 Europe/London",  # the admin's
        f"*S-2* {HASH} → <#{HASH_CHANNEL}> · daily at 08:00 Asia/Kolkata",  # Kai's own time zone
    ]
    assert HASH not in stranger_list.text and "*S-1*" in stranger_list.text
    assert stranger_remove.text.startswith(":warning: Only Pulse admins")
    assert hidden_remove.text.startswith(":warning:") and "S-2" in hidden_remove.text
    assert removed.text.startswith(f"S-2 removed: no more the {HASH} digest to <#{HASH_CHANNEL}>.")
    assert again.text == ":warning: S-2 is already removed."
    assert "*S-2*" not in after.text and after.text.startswith("*1 digest schedule*")
    (kept,) = [s for s in fetch_all(pulse.database, DigestSchedule) if s.number == 2]
    assert (kept.removed_by, kept.removed_at) == (KAI, NOW)  # kept on record

    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, utc(2027, 3, 11, 9))  # Thursday 09:00: S-1 runs, the removed S-2 does not
    assert {m.to for m in posted(pulse.stub)} == {LEADS}


def test_nothing_changed_is_said_explicitly(pulse: PulseHarness) -> None:
    with seeding(pulse.database, NOW - 3 * DAY) as session:
        portfolio = seed_programs(session)
        session.flush()
        for channel, program in ((LEADS, None), (HASH_CHANNEL, portfolio.hash)):
            schedules.create(
                session,
                ADMIN_ACTOR,
                channel_id=channel,
                program=program,
                days="daily",
                time_of_day="09:00",
                tz="Europe/London",
            )
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, utc(2027, 3, 9, 9))
    first_leads, _ = digest_in(pulse, LEADS)
    first_hash, _ = digest_in(pulse, HASH_CHANNEL)
    assert "Nothing changed since the last digest." not in first_leads.text  # three days of news the first time
    assert "Nothing changed since the last digest." not in first_hash.text

    tick_at(clock, utc(2027, 3, 10, 9))
    second_leads, _ = digest_in(pulse, LEADS)
    second_hash, _ = digest_in(pulse, HASH_CHANNEL)
    assert "Nothing changed since the last digest.\nSince Tue Mar 9: 0 decisions" in second_leads.text
    assert "Nothing changed since the last digest." in second_hash.text


def test_a_0130_digest_on_the_fall_back_night_goes_once(pulse: PulseHarness) -> None:
    night = utc(2027, 11, 7, 3)  # 23:00 EDT on Saturday; 01:30 happens at 05:30Z (EDT) and 06:30Z (EST)
    with seeding(pulse.database, night - DAY) as session:
        seed_programs(session)
        schedules.create(
            session,
            ADMIN_ACTOR,
            channel_id=LEADS,
            program=None,
            days="daily",
            time_of_day="01:30",
            tz="America/New_York",
        )
    clock, _ = make_clock(pulse, pace_seconds=0)
    for quarter in range(24):
        tick_at(clock, night + dt.timedelta(minutes=15 * quarter))
    summaries = [m for m in posted(pulse.stub) if m.thread_ts is None]
    assert [(m.to, m.at) for m in summaries] == [(LEADS, utc(2027, 11, 7, 5, 30))]


# Missed while the clock was down ----------------------------------------------------------------------


@pytest.fixture
def weekly(pulse: PulseHarness) -> PulseHarness:
    """S-1: the portfolio digest, Mondays 09:00 New York; the clock last ran Monday 1 March 08:00 there."""
    with seeding(pulse.database, utc(2027, 2, 26)) as session:
        seed_programs(session)
        schedules.create(
            session, ADMIN_ACTOR, channel_id=LEADS, program=None, days="mon", time_of_day="09:00", tz="America/New_York"
        )
    return pulse


def test_a_digest_missed_by_less_than_six_hours_is_sent_once(weekly: PulseHarness) -> None:
    clock, _ = make_clock(weekly, pace_seconds=0)
    tick_at(clock, utc(2027, 3, 1, 13))  # 08:00 EST: nothing due yet; then the clock stops
    assert not posted(weekly.stub)
    late = tick_at(clock, utc(2027, 3, 1, 19, 59))  # back at 14:59 EST, 5 h 59 late
    assert late.queued["digest messages"] == 3  # the summary, its thread reply and its heat map
    for minutes in (1, 60, 600):
        tick_at(clock, utc(2027, 3, 1, 19, 59) + dt.timedelta(minutes=minutes))
    summaries = [m for m in posted(weekly.stub) if not m.is_dm and m.thread_ts is None]
    assert [(m.to, m.at) for m in summaries] == [(LEADS, utc(2027, 3, 1, 19, 59))]
    assert summaries[0].text.startswith("Portfolio pulse · Mon 2027-03-01")


def test_a_digest_missed_by_more_than_six_hours_is_skipped_and_logged(
    weekly: PulseHarness, caplog: pytest.LogCaptureFixture
) -> None:
    clock, _ = make_clock(weekly, pace_seconds=0)
    tick_at(clock, utc(2027, 3, 1, 13))
    with caplog.at_level(logging.WARNING, logger="domain.digest_schedule"):
        back = tick_at(clock, utc(2027, 3, 1, 20, 1))  # 6 h 1 min late
        tick_at(clock, utc(2027, 3, 1, 20, 2))
    assert back.queued["digest messages"] == 0
    assert not posted(weekly.stub)
    (skipped,) = [r.getMessage() for r in caplog.records]  # said once, not on every tick
    assert skipped.startswith("skipped digest S-1 due 2027-03-01T14:00:00+00:00: 6:01:00 late")
    # The next week goes out as usual.
    tick_at(clock, utc(2027, 3, 8, 14))
    assert [m.at for m in posted(weekly.stub) if m.to == LEADS and m.thread_ts is None] == [utc(2027, 3, 8, 14)]


def test_after_weeks_down_only_the_newest_missed_digest_goes_and_the_older_are_logged(
    weekly: PulseHarness, caplog: pytest.LogCaptureFixture
) -> None:
    clock, _ = make_clock(weekly, pace_seconds=0)
    tick_at(clock, utc(2027, 3, 1, 13))
    with caplog.at_level(logging.WARNING, logger="domain.digest_schedule"):
        tick_at(clock, utc(2027, 3, 15, 15))  # back two weeks later, 2 h after the 15th's digest
    assert [m.at for m in posted(weekly.stub) if m.to == LEADS and m.thread_ts is None] == [utc(2027, 3, 15, 15)]
    assert [r.getMessage() for r in caplog.records] == [
        "skipped digest S-1 due 2027-03-01T14:00:00+00:00: the clock was not running then "
        "(only the newest missed one is sent)",
        "skipped digest S-1 due 2027-03-08T14:00:00+00:00: the clock was not running then "
        "(only the newest missed one is sent)",
    ]


def test_two_workspaces_with_the_same_schedule_number_each_get_their_digest(pulse: PulseHarness) -> None:
    # S-n numbers are per workspace, so two workspaces can both have an S-1 due at the same instant.
    from domain.access import Actor

    created = utc(2027, 2, 26, 12)
    with seeding(pulse.database, created) as session:
        for team, channel, time in (("T0ALPHA", "C0ALPHA", "09:00"), ("T0BETA", "C0BETA", "10:00")):
            admin = Actor(team_id=team, user_id="U0ADMIN", is_admin=True)
            programs.create(session, admin, key="TNS-X", name=f"X in {team}", owner_id="U0ADMIN")
            schedules.create(
                session, admin, channel_id=channel, program=None, days="mon", time_of_day=time, tz="Europe/London"
            )
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, utc(2027, 3, 1, 9))  # ALPHA's S-1 goes out and is recorded as digest:S-1:2027-03-01
    tick_at(clock, utc(2027, 3, 1, 10))  # BETA's own S-1 of the same day must not be taken for it
    summaries = [p for p in pulse.stub.payloads("chat.postMessage") if "thread_ts" not in p]
    assert sorted(p["channel"] for p in summaries) == ["C0ALPHA", "C0BETA"]
