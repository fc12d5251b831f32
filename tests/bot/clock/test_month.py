"""A simulated month: March 2027, crossing the US DST change (Sunday 14th) and the UK one (Sunday 28th),
with a holiday on Friday 19th. The clock ticks every 15 minutes; people act through the real app (slash
commands and buttons) at set instants. Every message Slack received is checked: who, what, and when."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable

from bot.ids import ActionId
from bot.slack_stub import Call
from tests.support.clock import (
    ADMIN,
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    CLASSIFY,
    CLASSIFY_CHANNEL,
    ESCALATION,
    HASH,
    KAI,
    LEADS,
    PRIYA,
    Posted,
    add_action,
    add_milestone,
    add_risk,
    at,
    channel_link,
    dm_items,
    local,
    make_clock,
    posted,
    readable,
    seed_programs,
    seeding,
    utc,
)
from tests.support.harness import PulseHarness

ACTION_DONE, ACTION_SNOOZE_WEEK, RISK_REVIEWED = (
    ActionId.ACTION_DONE,
    ActionId.ACTION_SNOOZE_WEEK,
    ActionId.RISK_REVIEWED,
)
ACK_ACTION = ActionId.ALERT_ACK.value

START, END = utc(2027, 3, 1), utc(2027, 4, 1)
STEP = dt.timedelta(minutes=15)


def day(d: int) -> dt.date:
    return dt.date(2027, 3, d)


def kind_of(message: Posted) -> str:
    """What a channel message is, as a reader would tell."""
    if message.thread_ts is not None:
        return "thread reply"
    for prefix, kind in (
        ("# Portfolio pulse", "portfolio digest"),
        (f"# {APPEALS} weekly pulse", "program digest"),
        (":rotating_light: *Escalation*", "alert"),
        (":repeat: *Still unacknowledged*", "alert repeat"),
        (":rotating_light: *Overdue action escalated*", "ladder step 3"),
    ):
        if ("# " + message.text).startswith(prefix) or message.text.startswith(prefix):
            return kind
    return "other: " + message.text[:60]


def expected_channel_posts() -> list[tuple[str, dt.datetime, str]]:
    posts: list[tuple[str, dt.datetime, str]] = []
    # S-1: the portfolio digest, Mondays 09:00 America/New_York (14:00Z in EST, 13:00Z from March 14 in EDT).
    for when in (utc(2027, 3, 1, 14), utc(2027, 3, 8, 14), utc(2027, 3, 15, 13), utc(2027, 3, 22, 13)):
        posts.append((LEADS, when, "portfolio digest"))
    posts.append((LEADS, utc(2027, 3, 29, 13), "portfolio digest"))
    # S-2: the TNS-APPEALS digest, weekdays 16:30 Europe/London (16:30Z in GMT, 15:30Z from March 28 in BST),
    # not on the holiday (Friday 19th).
    for d in [*range(1, 6), *range(8, 13), *range(15, 19), *range(22, 27)]:
        posts.append((APPEALS_CHANNEL, utc(2027, 3, d, 16, 30), "program digest"))
    for d in (29, 30, 31):
        posts.append((APPEALS_CHANNEL, utc(2027, 3, d, 15, 30), "program digest"))
    # TNS-APPEALS turns red on Tuesday 2nd 11:00Z: the alert, then three repeats at 09:00 London in the escalation
    # channel (the program's own channel has the alert already), then silence.
    for channel in (ESCALATION, APPEALS_CHANNEL):
        posts.append((channel, utc(2027, 3, 2, 11), "alert"))
    posts += [(ESCALATION, utc(2027, 3, d, 9), "alert repeat") for d in (3, 4, 5)]
    # R-2 becomes critical on Monday 15th 11:00Z; one repeat on the 16th, acknowledged at 10:00Z: no more.
    for channel in (ESCALATION, CLASSIFY_CHANNEL):
        posts.append((channel, utc(2027, 3, 15, 11), "alert"))
    posts.append((ESCALATION, utc(2027, 3, 16, 9), "alert repeat"))
    # Ladder step 3 at 09:00 London: A-1 five working days after Wednesday 3rd; A-3 five working days after
    # Monday 22nd (its due date, Thursday 18th, is followed by the holiday).
    posts.append((ESCALATION, utc(2027, 3, 10, 9), "ladder step 3"))
    posts.append((ESCALATION, utc(2027, 3, 29, 8), "ladder step 3"))
    return sorted(posts)


STALE_APPEALS, STALE_CLASSIFY, STALE_HASH = (f"stale {k}" for k in (APPEALS, CLASSIFY, HASH))

# (person, their local date) -> what their one DM of the day is about. All arrive at 09:00 their time.
EXPECTED_DMS: dict[tuple[str, dt.date], list[str]] = {
    # Ana (London): A-1 due Tue 2nd -> due tomorrow on Mon 1st, step 1 Wed 3rd, step 2 Fri 5th (program owner told
    # too); R-1 due for review Wed 10th -> Thu 11th, reviewed then (next review 25th -> Fri 26th); TNS-CLASSIFY
    # stale weekly.
    (ANA, day(1)): ["tomorrow A-1"],
    (ANA, day(3)): ["A-1"],
    (ANA, day(5)): ["A-1 escalated"],
    (ANA, day(8)): [STALE_CLASSIFY],
    (ANA, day(11)): ["review R-1"],
    (ANA, day(15)): [STALE_CLASSIFY],
    (ANA, day(22)): [STALE_CLASSIFY],
    (ANA, day(26)): ["review R-1"],
    (ANA, day(29)): [STALE_CLASSIFY],
    # Priya (New York) owns TNS-APPEALS: step 2 of A-1 (Fri 5th) and of A-2 (Thu 18th, after its snooze);
    # her own A-3 due Thu 18th -> due tomorrow on Wed 17th, step 1 Mon 22nd (the 19th is a holiday), step 2 Wed
    # 24th; stale from the 9th.
    (PRIYA, day(5)): ["team A-1"],
    (PRIYA, day(9)): [STALE_APPEALS],
    (PRIYA, day(16)): [STALE_APPEALS],
    (PRIYA, day(17)): ["tomorrow A-3"],
    (PRIYA, day(18)): ["team A-2"],
    (PRIYA, day(22)): ["A-3"],
    (PRIYA, day(23)): [STALE_APPEALS],
    (PRIYA, day(24)): ["A-3"],
    (PRIYA, day(30)): [STALE_APPEALS],
    # Kai (Kolkata): A-2 due Mon 8th -> step 1 Tue 9th with M-1 due Fri 12th; snoozed a week on the 9th, so
    # nothing until the ladder restarts Tue 16th (step 1 again): step 2 Thu 18th; done on Mon 22nd before step 3.
    (KAI, day(8)): [STALE_HASH],
    (KAI, day(9)): ["A-2", "milestone M-1"],
    (KAI, day(15)): [STALE_HASH],
    (KAI, day(16)): ["A-2"],
    (KAI, day(18)): ["A-2 escalated"],
    (KAI, day(22)): [STALE_HASH],
    (KAI, day(29)): [STALE_HASH],
}


def seed(pulse: PulseHarness) -> None:
    """The portfolio as of Sunday 28 February, 12:00Z, and the two digest schedules."""
    seeded_at = utc(2027, 2, 28, 12)
    with seeding(pulse.database, seeded_at) as session:
        portfolio = seed_programs(session)
        add_action(session, portfolio.appeals, "Send the vendor SOW", owner=ANA, due=day(2))
        add_action(session, portfolio.appeals, "Hire two reviewers", owner=KAI, due=day(8))
        add_action(session, portfolio.appeals, "Book the QBR", owner=PRIYA, due=day(18))
        add_risk(session, portfolio.appeals, "Vendor attrition", owner=ANA, review=day(10))
        add_milestone(session, portfolio.appeals, "Vendor signed", owner=KAI, due=day(12))  # M-1
    with at(seeded_at):
        first = pulse.command(
            "/digest",
            f"schedule {channel_link(LEADS)} portfolio day:mon time:09:00 tz:America/New_York",
            user=ADMIN,
        )
        second = pulse.command(
            "/digest",
            f"schedule {channel_link(APPEALS_CHANNEL)} {APPEALS} day:weekdays time:16:30 tz:Europe/London",
            user=PRIYA,
        )
    assert first.text.startswith("S-1 scheduled"), first.text
    assert second.text.startswith("S-2 scheduled"), second.text


def is_checkin(message: Posted) -> bool:
    return str(message.metadata["event_payload"]["dedupe_key"]).startswith(("checkin:", "checkin-chase:"))


def in_a_channel(event: object) -> bool:
    """A chat.update of a channel message (not of a DM)."""
    return (
        isinstance(event, Call) and event.method == "chat.update" and not str(event.payload["channel"]).startswith("D")
    )


def test_a_month_of_digests_reminders_ladders_and_alerts(pulse: PulseHarness) -> None:
    stub = pulse.stub
    seed(pulse)
    clock, _sleeps = make_clock(pulse, pace_seconds=0.0)
    replies: dict[str, str] = {}

    def dm_to(user: str, on: dt.date) -> Posted:
        (message,) = [m for m in posted(stub) if m.to == user and local(m.at, user).date() == on and not is_checkin(m)]
        return message

    def click(name: str, user: str, message: Posted, label: str, value: str, expected_action: str) -> None:
        action_id, button_value = message.button(label, value)
        assert action_id == expected_action
        replies[name] = pulse.click(
            action_id, button_value, user=user, channel=message.channel, message_ts=message.ts
        ).plain

    def red() -> None:
        replies["red"] = pulse.command(
            "/program", f'status {APPEALS} red Vendor slipped two weeks asks:"Overtime budget"', user=PRIYA
        ).plain

    def snooze_a2() -> None:
        click("snooze", KAI, dm_to(KAI, day(9)), "Snooze 1 week", "A-2", ACTION_SNOOZE_WEEK)

    def review_r1() -> None:
        click("reviewed", ANA, dm_to(ANA, day(11)), "Reviewed", "R-1", RISK_REVIEWED)

    def done_a1() -> None:
        click("done", ANA, dm_to(ANA, day(5)), "Done", "A-1", ACTION_DONE)

    def critical_risk() -> None:
        replies["critical"] = pulse.command(
            "/risk", f"add {CLASSIFY} Model drift on new abuse patterns likelihood:5 impact:5", user=ANA
        ).plain

    def acknowledge() -> None:
        (repeat,) = [m for m in posted(stub) if m.to == ESCALATION and m.at == utc(2027, 3, 16, 9)]
        action_id, value = repeat.button("Acknowledge")
        assert action_id == ACK_ACTION
        pulse.click(action_id, value, user=ANA, channel=repeat.channel, message_ts=repeat.ts, wait=False)
        stub.wait_for(in_a_channel, count=3)  # the alert's copies (the DMs clicked before were updated too)

    def done_a2() -> None:
        replies["done A-2"] = pulse.command("/action", "done A-2", user=KAI).plain

    happenings: dict[dt.datetime, Callable[[], None]] = {
        utc(2027, 3, 2, 11): red,
        utc(2027, 3, 9, 4): snooze_a2,
        utc(2027, 3, 11, 9, 30): review_r1,
        utc(2027, 3, 11, 10, 30): done_a1,
        utc(2027, 3, 15, 11): critical_risk,
        utc(2027, 3, 16, 10): acknowledge,
        utc(2027, 3, 22, 10): done_a2,
    }

    now = START
    while now < END:
        with at(now):
            if now in happenings:
                happenings.pop(now)()
            clock.tick(now)
        now += STEP
    assert not happenings

    assert "snoozed until Tue 2027-03-16" in replies["snooze"], replies["snooze"]
    assert "R-1" in replies["reviewed"] and "2027-03-25" in replies["reviewed"], replies["reviewed"]
    assert replies["done"].startswith("[done] A-1 done"), replies["done"]
    assert replies["done A-2"].startswith("[done] A-2 done"), replies["done A-2"]

    messages = posted(stub)
    # Every message went out once: distinct outbox ids, nothing Slack refused.
    assert not [c for c in stub.calls("chat.postMessage") if not c.ok]
    keys = [m.metadata["event_payload"]["dedupe_key"] for m in messages]
    assert len(keys) == len(set(keys))

    # Time zones come from users.info, cached for a day (not asked on every tick).
    asked = Counter(c.payload["user"] for c in stub.calls("users.info"))
    assert set(asked) == {ADMIN, ANA, KAI, PRIYA} and max(asked.values()) <= 32

    # Channel messages: exactly these, at exactly these instants.
    top_level = [m for m in messages if not m.is_dm and m.thread_ts is None]
    assert sorted((m.to, m.at, kind_of(m)) for m in top_level) == expected_channel_posts()

    # Each digest's detail went into its own thread, in the same tick.
    by_ts = {m.ts: m for m in top_level}
    replies_by_parent: dict[str, list[Posted]] = defaultdict(list)
    for m in messages:
        if m.thread_ts is not None:
            replies_by_parent[m.thread_ts].append(m)
    digests = [m for m in top_level if kind_of(m).endswith("digest")]
    assert set(replies_by_parent) == {m.ts for m in digests}
    for parent_ts, thread in replies_by_parent.items():
        assert [(r.to, r.at) for r in thread] == [(by_ts[parent_ts].to, by_ts[parent_ts].at)]

    # Check-ins (tests/bot/clock/test_checkins.py): asked at 14:00 the owner's time on working days before a
    # Monday leadership digest, chased at 09:00 the next working morning; once each.
    checkins = [m for m in messages if is_checkin(m)]
    assert checkins
    for m in checkins:
        chase = m.metadata["event_payload"]["dedupe_key"].startswith("checkin-chase:")
        assert local(m.at, m.to).time() == (dt.time(9, 0) if chase else dt.time(14, 0)), m.text
        assert local(m.at, m.to).weekday() < 5 and local(m.at, m.to).date() != day(19)
    # Fridays before the Monday digests (Thursday 18th, as Friday 19th is a holiday); nobody answers a check-in
    # (Priya's red status came on the 2nd, before she was asked), so each is chased the next working morning.
    sent = {(m.to, local(m.at, m.to).date(), "still needs its status" in m.text) for m in checkins}
    assert sent == {
        (owner, day(d), chase)
        for owner in (PRIYA, ANA, KAI)
        for days, chase in (((5, 12, 18, 26), False), ((8, 15, 22, 29), True))
        for d in days
    }
    assert len(checkins) == len(sent)

    # DMs: at most one per person per local day, only on working days, at 09:00 their time.
    dms = [m for m in messages if m.is_dm and not is_checkin(m)]
    got = {(m.to, local(m.at, m.to).date()): dm_items(m.text) for m in dms}
    assert len(got) == len(dms), "two DMs to one person on one day"
    assert got == EXPECTED_DMS
    assert {local(m.at, m.to).time() for m in dms} == {dt.time(9, 0)}
    assert all(local(m.at, m.to).weekday() < 5 and local(m.at, m.to).date() != day(19) for m in dms)
    kai_first = dm_to(KAI, day(9))
    assert [b[0] for b in kai_first.buttons] == ["Done", "Snooze 1 day", "Snooze 1 week"]
    assert [b[0] for b in dm_to(ANA, day(11)).buttons] == ["Reviewed", "Update"]

    # Step 3 names the action and both owners.
    ladder = [m for m in top_level if kind_of(m) == "ladder step 3"]
    assert "*A-1*" in ladder[0].text and f"<@{ANA}>" in ladder[0].text and f"<@{PRIYA}>" in ladder[0].text
    assert "*A-3*" in ladder[1].text

    # Acknowledging R-2's alert updated all three of its messages in place, without the button.
    r2_alerts = [m for m in top_level if m.to in {ESCALATION, CLASSIFY_CHANNEL} and m.at.day in (15, 16)]
    # (An update whose sender seems gone once the travelled clock passes its lease is sent again: it reads the same.)
    updates = [c.payload for c in stub.calls("chat.update") if in_a_channel(c)]
    assert {(u["channel"], u["ts"]) for u in updates} == {(m.channel, m.ts) for m in r2_alerts}
    for update in updates:
        text = readable(update)
        assert f"Acknowledged by <@{ANA}> at 2027-03-16 10:00 UTC" in text
        assert text.count("*Escalation*") == 1 and "Acknowledge to stop" not in text
        assert not [b for b in update["blocks"] if b["type"] == "actions"]
    # Each reminder DM clicked says in place what the click did, without the buttons of the item it did it to.
    for message, note in (
        (dm_to(KAI, day(9)), f":zzz: A-2 snoozed until Tue 2027-03-16 by <@{KAI}> at 09:30"),
        (dm_to(ANA, day(11)), f":eyes: R-1 reviewed by <@{ANA}> at 09:30"),
        (dm_to(ANA, day(5)), f":white_check_mark: A-1 done by <@{ANA}> at 10:30"),
    ):
        (now_reads,) = [m for m in stub.history(message.channel) if m["ts"] == message.ts]
        assert readable(now_reads).startswith(message.text.split("\n")[0]) and note in readable(now_reads)
        assert not [b for b in now_reads["blocks"] if b["type"] == "actions"]
    # The unacknowledged one: three reminders, numbered, then silence.
    appeals_repeats = [
        m.text for m in top_level if m.to == ESCALATION and APPEALS in m.text and m.text.startswith(":repeat:")
    ]
    assert [line.split("(")[1].split(")")[0] for line in appeals_repeats] == [
        "reminder 1 of 3",
        "reminder 2 of 3",
        "reminder 3 of 3",
    ]

    # Digest content along the way.
    leads = {m.at.day: m.text for m in top_level if m.to == LEADS}
    assert "0 red · 0 amber · 2 green" in leads[1]
    assert "1 red · 0 amber · 1 green" in leads[8]
    assert f"*{APPEALS}*, was green" in leads[8] and "*Overtime budget*" in leads[8]
    assert "1 new critical risk" in leads[15] and f":watermelon: *{CLASSIFY}*: critical R-2" in leads[15]
    assert "Nothing changed since the last digest." in leads[22]
    assert all(HASH not in text for text in leads.values())
    appeals_details = {
        by_ts[parent].at.date(): thread[0].text
        for parent, thread in replies_by_parent.items()
        if by_ts[parent].to == APPEALS_CHANNEL
    }
    assert "A-1 Send the vendor SOW" in appeals_details[day(3)]
    assert "A-1 Send the vendor SOW" not in appeals_details[day(11)]
    assert "A-2 Hire two reviewers" not in appeals_details[day(15)]  # snoozed
    assert "A-2 Hire two reviewers" in appeals_details[day(16)]
    assert "A-2 Hire two reviewers" not in appeals_details[day(22)]  # done that morning
    assert "A-3 Book the QBR" in appeals_details[day(22)]
