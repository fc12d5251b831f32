"""Living messages: when an item changes, every message Pulse posted about it is updated in place (`chat.update`
through the outbox, once, coalesced), so a channel never shows stale state. Asserted on what the channel's history
reads after the edits, through signed commands and the Web API stub."""

from __future__ import annotations

import datetime as dt

from store.db import Database
from store.models import OutboxMessage
from store.outbox import EDIT
from tests.support.app import fetch_all, mention, ok
from tests.support.clock import (
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    ESCALATION,
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
from tests.support.harness import PulseHarness

TUESDAY = utc(2027, 3, 9, 10)  # 10:00 in London, 05:00 in New York


def seed(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 3, 1, 8)) as session:
        seed_programs(session)


def now_reads(pulse: PulseHarness, message: Posted) -> str:
    """What `message` reads in its channel now, edits applied."""
    (found,) = [m for m in pulse.stub.history(message.channel) if m["ts"] == message.ts]
    return readable(found)


def updates_of(pulse: PulseHarness, message: Posted) -> int:
    """How many times Slack took an update of `message`."""
    return sum(1 for c in pulse.stub.calls("chat.update") if c.ok and c.payload["ts"] == message.ts)


def in_channel(pulse: PulseHarness, channel: str, words: str) -> list[Posted]:
    return [m for m in posted(pulse.stub) if m.to == channel and words in m.text]


def test_a_superseded_decision_says_so_in_its_channel_post(pulse: PulseHarness) -> None:
    seed(pulse)
    with at(TUESDAY):
        ok(pulse.command("/decision", f"log {APPEALS} Use vendor A why:cheaper", user=PRIYA))
        ok(pulse.command("/decision", f"log {APPEALS} Use vendor B why:vendor A slipped", user=PRIYA))
    (first,) = in_channel(pulse, APPEALS_CHANNEL, "Use vendor A")
    assert "Decided by" in now_reads(pulse, first)
    with at(TUESDAY + dt.timedelta(minutes=5)):
        ok(pulse.command("/decision", "supersede D-1 D-2", user=PRIYA))
    text = now_reads(pulse, first)
    assert "*Decision D-1* on *TNS-APPEALS*: Use vendor A" in text
    assert "Superseded by D-2*: Use vendor B" in text and "Decided by" not in text
    assert updates_of(pulse, first) == 1
    (second,) = in_channel(pulse, APPEALS_CHANNEL, "Use vendor B")
    assert updates_of(pulse, second) == 0  # the successor's post was right already


def test_a_critical_risk_falling_resolves_its_alert_and_a_closed_risk_says_why(pulse: PulseHarness) -> None:
    seed(pulse)
    with at(TUESDAY):
        ok(pulse.command("/risk", f"add {APPEALS} Vendor attrition likelihood:4 impact:4", user=PRIYA))
        ok(pulse.command("/risk", f"add {APPEALS} Queue overflow likelihood:5 impact:5", user=PRIYA))
    (high,) = in_channel(pulse, APPEALS_CHANNEL, "R-1")
    alerts = [m for m in posted(pulse.stub) if "R-2" in m.text]
    assert sorted(m.to for m in alerts) == sorted([ESCALATION, APPEALS_CHANNEL])

    with at(TUESDAY + dt.timedelta(minutes=1)):
        ok(pulse.command("/risk", "update R-2 impact:3", user=PRIYA))
    for alert in alerts:  # both copies: the risk as it is now, and that the alert is over
        text = now_reads(pulse, alert)
        assert "*HIGH risk R-2*" in text and "Score 15 (5 likelihood x 3 impact)" in text
        assert "Resolved at 2027-03-09 10:01 UTC: no longer critical" in text
        assert "Acknowledge to stop" not in text
        assert updates_of(pulse, alert) == 1

    with at(TUESDAY + dt.timedelta(minutes=2)):
        ok(pulse.command("/risk", "update R-1 status:mitigating", user=PRIYA))
    assert "Status: mitigating" in now_reads(pulse, high)
    with at(TUESDAY + dt.timedelta(minutes=3)):
        ok(pulse.command("/risk", "close R-1 Second vendor signed", user=PRIYA))
    text = now_reads(pulse, high)
    assert "*HIGH risk R-1* on *TNS-APPEALS*: Vendor attrition" in text
    assert "Closed 2027-03-09 10:03 UTC: Second vendor signed" in text and "mitigating" not in text
    assert updates_of(pulse, high) == 2


def test_an_answered_ask_and_a_newer_status_update_the_older_status_post(pulse: PulseHarness) -> None:
    seed(pulse)
    with at(TUESDAY):
        ok(
            pulse.command(
                "/program",
                f"status {APPEALS} amber Vendor slow asks:Approve overtime ask-to:{mention(ANA)}",
                user=PRIYA,
            )
        )
    (amber,) = in_channel(pulse, APPEALS_CHANNEL, "Vendor slow")
    with at(TUESDAY + dt.timedelta(minutes=1)):
        ok(pulse.command("/ask", "answer ASK-1 Approved for two weeks", user=ANA))
    assert f"answered by <@{ANA}>: Approved for two weeks" in now_reads(pulse, amber)

    with at(utc(2027, 3, 11, 15)):
        ok(pulse.command("/program", f"status {APPEALS} green Vendor caught up", user=PRIYA))
    text = now_reads(pulse, amber)
    assert "Vendor slow" in text and "Superseded by the update of Thu 2027-03-11" in text
    (green,) = in_channel(pulse, APPEALS_CHANNEL, "Vendor caught up")
    assert "Superseded" not in now_reads(pulse, green)
    assert updates_of(pulse, amber) == 2


def test_changes_while_slack_is_down_are_one_update_to_the_latest_state(
    pulse: PulseHarness, database: Database
) -> None:
    seed(pulse)
    with at(TUESDAY):
        ok(pulse.command("/risk", f"add {APPEALS} Vendor attrition likelihood:4 impact:4", user=PRIYA))
    (high,) = in_channel(pulse, APPEALS_CHANNEL, "R-1")
    pulse.stub.fail("chat.update", status=503, times=None)
    with at(TUESDAY + dt.timedelta(minutes=1)):
        ok(pulse.command("/risk", "update R-1 likelihood:3", user=PRIYA))
        ok(pulse.command("/risk", "update R-1 mitigation:Second vendor on standby", user=PRIYA))
        ok(pulse.command("/risk", "update R-1 impact:5", user=PRIYA))
    pulse.stub.clear_faults()
    clock, _ = make_clock(pulse, pace_seconds=0)
    for minutes in (10, 20, 40):
        tick_at(clock, TUESDAY + dt.timedelta(minutes=minutes))
    text = now_reads(pulse, high)
    assert "Score 15 (3 likelihood x 5 impact)" in text and "*Mitigation:* Second vendor on standby" in text
    assert updates_of(pulse, high) == 1  # three changes, one edit of the latest
    edits = [m for m in fetch_all(database, OutboxMessage) if m.kind == EDIT]
    assert len(edits) == 1 and edits[0].sent_ts == high.ts


def test_a_program_still_red_shows_its_newest_report_in_its_alert_and_then_that_it_is_over(
    pulse: PulseHarness,
) -> None:
    seed(pulse)
    with at(TUESDAY):
        ok(pulse.command("/program", f"status {APPEALS} red Vendor gone", user=PRIYA))
    alerts = [m for m in posted(pulse.stub) if "Vendor gone" in m.text]
    assert sorted(m.to for m in alerts) == sorted([ESCALATION, APPEALS_CHANNEL])
    with at(TUESDAY + dt.timedelta(hours=1)):
        ok(pulse.command("/program", f"status {APPEALS} red Second vendor found, starts Monday", user=PRIYA))
    for alert in alerts:
        text = now_reads(pulse, alert)
        assert "Second vendor found, starts Monday" in text and "Vendor gone" not in text
        assert "Acknowledge to stop the reminders" in text  # still open
    with at(TUESDAY + dt.timedelta(days=6)):
        ok(pulse.command("/program", f"status {APPEALS} amber Second vendor ramping up", user=PRIYA))
    for alert in alerts:
        text = now_reads(pulse, alert)
        assert "Second vendor ramping up" in text and "Resolved at 2027-03-15 10:00 UTC: no longer red" in text
        assert updates_of(pulse, alert) == 2


def test_a_change_before_its_post_is_out_updates_the_post_once_it_lands(pulse: PulseHarness) -> None:
    seed(pulse)
    pulse.stub.fail("chat.postMessage", status=503, times=None)
    with at(TUESDAY):
        ok(pulse.command("/risk", f"add {APPEALS} Vendor attrition likelihood:4 impact:4", user=PRIYA))
        ok(pulse.command("/risk", "close R-1 False alarm", user=PRIYA))
    pulse.stub.clear_faults()
    clock, _ = make_clock(pulse, pace_seconds=0)
    for minutes in (10, 20, 40, 60):
        tick_at(clock, TUESDAY + dt.timedelta(minutes=minutes))
    (high,) = in_channel(pulse, APPEALS_CHANNEL, "R-1")
    assert "Closed 2027-03-09 10:00 UTC: False alarm" in now_reads(pulse, high)
    assert updates_of(pulse, high) == 1
