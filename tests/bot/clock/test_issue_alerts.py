"""A severity-1 issue is an escalation alert like a critical risk: posted to the escalation channel and the
program's, acknowledged with its button, repeated until then, closed by `/issue resolve`; a restricted program's
alert stays in its own channel. Severity 2 to 4 post to the program's channel only."""

from __future__ import annotations

import datetime as dt

from bot.ids import ActionId
from store.models import Alert
from tests.support.app import fetch
from tests.support.clock import (
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    ESCALATION,
    HASH,
    HASH_CHANNEL,
    KAI,
    PRIYA,
    Posted,
    add_risk,
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

ACK = ActionId.ALERT_ACK.value
MORNING = utc(2027, 3, 9, 9)  # Tuesday 09:00 in London
SEV1 = 'severity:1 impact:"CSAM hash matches not actioned for 6h"'


def alerts(pulse: PulseHarness) -> list[Posted]:
    return [m for m in posted(pulse.stub) if m.buttons and m.buttons[0][1] == ACK]


def test_a_severity_1_issue_alerts_repeats_and_is_acknowledged_in_place(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 3, 1)) as session:
        seed_programs(session)
    with at(MORNING):
        answer = pulse.command("/issue", f"raise {APPEALS} Hash matcher down {SEV1}", user=PRIYA)
    assert "Severity 1 raises an escalation alert, repeated until acknowledged." in answer.text
    raised = alerts(pulse)
    assert sorted(m.to for m in raised) == sorted([ESCALATION, APPEALS_CHANNEL])
    for message in raised:
        assert message.text.startswith(":rotating_light: *Escalation*")
        assert "*Issue I-1* on *TNS-APPEALS*: Hash matcher down" in message.text
        assert "*Impact:* CSAM hash matches not actioned for 6h" in message.text
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, MORNING + dt.timedelta(days=1))  # Wednesday 09:00: the first repeat
    repeat = alerts(pulse)[-1]
    assert (repeat.to, len(alerts(pulse))) == (ESCALATION, 3)
    assert repeat.text.startswith(
        ":repeat: *Still unacknowledged* (reminder 1 of 3): severity 1 issue I-1 on *TNS-APPEALS*, Hash matcher down,"
    )
    action_id, value = repeat.button("Acknowledge")
    with at(MORNING + dt.timedelta(days=1, minutes=5)):
        pulse.click(action_id, value, user=ANA, channel=repeat.channel, message_ts=repeat.ts, wait=False)
        updates = pulse.stub.wait_for("chat.update", count=3)
    for update in updates:
        text = readable(update.payload)
        assert "*Issue I-1* on *TNS-APPEALS*" in text and f"Acknowledged by <@{ANA}>" in text
    tick_at(clock, MORNING + dt.timedelta(days=2))
    assert len(alerts(pulse)) == 3  # acknowledged: no more repeats


def test_resolving_the_issue_closes_its_alert(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 3, 1)) as session:
        seed_programs(session)
    with at(MORNING):
        pulse.command("/issue", f"raise {APPEALS} Hash matcher down {SEV1}", user=PRIYA)
        resolved = pulse.command("/issue", "resolve I-1 Matcher restarted, backlog cleared", user=PRIYA)
    assert resolved.text.startswith("I-1 resolved (TNS-APPEALS): Hash matcher down")
    updates = pulse.stub.wait_for("chat.update", count=2)  # both copies of the alert say so, in place
    assert sorted(u.payload["channel"] for u in updates) == sorted([ESCALATION, APPEALS_CHANNEL])
    assert all(": the issue is resolved" in readable(u.payload) for u in updates)
    alert = fetch(pulse.database, Alert, entity_ref="I-1")
    assert (alert.kind, alert.resolved_at is not None) == ("issue_severe", True)
    clock, _ = make_clock(pulse, pace_seconds=0)
    for day in range(1, 4):
        tick_at(clock, MORNING + dt.timedelta(days=day))
    assert not [m for m in posted(pulse.stub) if m.text.startswith(":repeat:")]


def test_severity_2_posts_to_the_program_channel_without_an_alert(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 3, 1)) as session:
        seed_programs(session)
    with at(MORNING):
        pulse.command("/issue", f'raise {APPEALS} Queue backlog severity:2 impact:"14k appeals late"', user=PRIYA)
    (post,) = posted(pulse.stub)
    assert (post.to, post.buttons) == (APPEALS_CHANNEL, ())
    assert post.text.startswith(":fire: sev 2 *Issue I-1* on *TNS-APPEALS*")


def test_a_restricted_programs_alert_stays_in_its_own_channel(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 3, 1)) as session:
        seed_programs(session)
    with at(MORNING):
        pulse.command("/issue", f"raise {HASH} Vendor breach {SEV1}", user=KAI)
    (alert_post,) = alerts(pulse)
    assert alert_post.to == HASH_CHANNEL
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, MORNING + dt.timedelta(days=1))
    assert not [m for m in posted(pulse.stub) if m.to == ESCALATION]


def test_an_issue_from_a_critical_risk_closes_the_risks_alert(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 3, 1)) as session:
        portfolio = seed_programs(session)
        add_risk(session, portfolio.appeals, "Vendor attrition", owner=PRIYA)
    with at(MORNING):
        pulse.command("/risk", "update R-1 likelihood:5 impact:5", user=PRIYA)  # critical: the risk's alert
        pulse.command(
            "/issue", f'raise {APPEALS} Vendor walked severity:3 impact:"2 markets unreviewed" from:R-1', user=PRIYA
        )
    assert fetch(pulse.database, Alert, entity_ref="R-1").resolved_at is not None
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, MORNING + dt.timedelta(days=1))
    assert not [m for m in posted(pulse.stub) if m.text.startswith(":repeat:")]
