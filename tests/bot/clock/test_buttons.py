"""The buttons on Pulse's messages, clicked through the real app (signed interactivity requests):
Done, Snooze 1 day, Snooze 1 week, Reviewed, Update (a modal), Acknowledge."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from bot.ids import ActionId, CallbackId
from bot.slack_stub import SlackStub
from store.db import Database
from store.models import Action, ActionStatus, Alert, Risk, RiskStatus
from tests.support.app import fetch, nothing_written
from tests.support.clock import (
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    ESCALATION,
    HASH,
    HASH_CHANNEL,
    KAI,
    PRIYA,
    SETTINGS,
    STRANGER,
    Posted,
    add_action,
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

ACTION_DONE, ACTION_SNOOZE_DAY, ACTION_SNOOZE_WEEK = (
    ActionId.ACTION_DONE,
    ActionId.ACTION_SNOOZE_DAY,
    ActionId.ACTION_SNOOZE_WEEK,
)
RISK_REVIEWED, RISK_UPDATE, RISK_UPDATE_CALLBACK = ActionId.RISK_REVIEWED, ActionId.RISK_UPDATE, CallbackId.RISK_UPDATE
ACK_ACTION = ActionId.ALERT_ACK.value

MORNING = utc(2027, 3, 9, 9)  # Tuesday, 09:00 for Ana in London
LATER = MORNING + dt.timedelta(hours=1)


@pytest.fixture
def dm(pulse: PulseHarness) -> Posted:
    """Ana's reminder DM of Tuesday 9 March: A-1 overdue (due Friday), R-1 due for review (Monday)."""
    with seeding(pulse.database, utc(2027, 3, 1)) as session:
        portfolio = seed_programs(session)
        add_action(session, portfolio.appeals, "Send the vendor SOW", owner=ANA, due=dt.date(2027, 3, 5))
        add_risk(session, portfolio.appeals, "Vendor attrition", owner=ANA, review=dt.date(2027, 3, 8))
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, MORNING)
    (message,) = [m for m in posted(pulse.stub) if m.to == ANA]
    assert message.buttons == (
        ("Done", ACTION_DONE, "A-1"),
        ("Snooze 1 day", ACTION_SNOOZE_DAY, "A-1"),
        ("Snooze 1 week", ACTION_SNOOZE_WEEK, "A-1"),
        ("Reviewed", RISK_REVIEWED, "R-1"),
        ("Update", RISK_UPDATE, "R-1"),
    )
    return message


def click(pulse: PulseHarness, message: Posted, label: str, *, user: str = ANA, wait: bool = True) -> str:
    action_id, value = message.button(label)
    with at(LATER):
        answer = pulse.click(action_id, value, user=user, channel=message.channel, message_ts=message.ts, wait=wait)
    assert answer.status == 200
    return answer.plain if wait else ""


def test_done(pulse: PulseHarness, dm: Posted) -> None:
    assert click(pulse, dm, "Done") == "[done] A-1 done (TNS-APPEALS): Send the vendor SOW (4 days late)"
    action = fetch(pulse.database, Action, number=1)
    assert (action.status, action.done_by) == (ActionStatus.DONE, ANA)
    assert click(pulse, dm, "Done") == "! A-1 is already done."
    # Step 2 would have been Wednesday (Ana at 09:00 London, Priya at 09:00 New York): it does not come.
    clock, _ = make_clock(pulse, pace_seconds=0)
    for hour in (9, 14):
        tick_at(clock, utc(2027, 3, 10, hour))
    assert not [m for m in posted(pulse.stub)[1:] if "A-1" in m.text]


@pytest.mark.parametrize(
    ("label", "until"), [("Snooze 1 day", dt.date(2027, 3, 10)), ("Snooze 1 week", dt.date(2027, 3, 16))]
)
def test_snooze(pulse: PulseHarness, dm: Posted, label: str, until: dt.date) -> None:
    assert click(pulse, dm, label) == (
        f"A-1 snoozed until {until:%a %Y-%m-%d} (TNS-APPEALS); reminders stop until then. "
        "Due date stays Fri 2027-03-05."
    )
    assert fetch(pulse.database, Action, number=1).snoozed_until == until


def test_reviewed(pulse: PulseHarness, dm: Posted) -> None:
    assert click(pulse, dm, "Reviewed") == (
        "R-1 reviewed (TNS-APPEALS): score stays 4 (2x2); next review Tue 2027-03-23."
    )
    risk = fetch(pulse.database, Risk, number=1)
    assert (risk.review_date, risk.reviewed_at) == (dt.date(2027, 3, 23), LATER)


def test_update_opens_a_form_that_updates_the_risk(pulse: PulseHarness, dm: Posted) -> None:
    click(pulse, dm, "Update", wait=False)
    (opened,) = pulse.stub.payloads("views.open")
    view = opened["view"]
    assert opened["trigger_id"]
    assert (view["callback_id"], json.loads(view["private_metadata"])) == (RISK_UPDATE_CALLBACK, {"ref": "R-1"})
    initial = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert initial["likelihood"]["initial_option"]["value"] == "2"
    assert initial["review"]["initial_date"] == "2027-03-08"

    with at(LATER):
        answer = pulse.submit_view(
            RISK_UPDATE_CALLBACK,
            {
                "likelihood": {"type": "static_select", "selected_option": {"value": "4"}},
                "impact": {"type": "static_select", "selected_option": {"value": "5"}},
                "review": {"type": "datepicker", "selected_date": "2027-03-30"},
                "mitigation": {"type": "plain_text_input", "value": 'Second vendor; "plan B" if the pilot slips'},
                "status": {"type": "static_select", "selected_option": {"value": "mitigating"}},
            },
            private_metadata=view["private_metadata"],
            user=ANA,
        )
    assert (answer.status, answer.body) == (200, {})  # the modal closes
    risk = fetch(pulse.database, Risk, number=1)
    assert (risk.likelihood, risk.impact, risk.score, risk.status) == (4, 5, 20, RiskStatus.MITIGATING)
    assert risk.review_date == dt.date(2027, 3, 30)
    assert risk.mitigation == 'Second vendor; "plan B" if the pilot slips'
    # It became critical: the alert is queued with the change and goes out with the next tick.
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, LATER + dt.timedelta(minutes=1))
    alerts = [m for m in posted(pulse.stub) if m.text.startswith(":rotating_light: *Escalation*")]
    assert sorted(m.to for m in alerts) == [APPEALS_CHANNEL, ESCALATION]


def test_update_form_errors_are_shown_in_the_form(pulse: PulseHarness, dm: Posted) -> None:
    click(pulse, dm, "Update", wait=False)
    with at(LATER), nothing_written(pulse.database):
        answer = pulse.submit_view(
            RISK_UPDATE_CALLBACK,
            {"likelihood": {"selected_option": {"value": "4"}}, "impact": {"selected_option": {"value": "2"}}},
            private_metadata=pulse.stub.payloads("views.open")[0]["view"]["private_metadata"],
            user=STRANGER,
        )
    assert answer.body["response_action"] == "errors"
    assert "Only the risk owner" in answer.body["errors"]["title"]  # no field of its own: on the first one


def test_a_stranger_cannot_click_done_on_someone_elses_action(pulse: PulseHarness, dm: Posted) -> None:
    with nothing_written(pulse.database):
        refused = click(pulse, dm, "Done", user=STRANGER)
        snoozed = click(pulse, dm, "Snooze 1 week", user=STRANGER)
    assert refused.startswith(
        f"! Only the action owner (@{ANA}), the program owner (@{PRIYA}) or a Pulse admin may complete A-1."
    )
    assert snoozed.startswith("! Only the action owner")
    assert fetch(pulse.database, Action, number=1).status == ActionStatus.OPEN


def test_the_program_owner_may_click_done(pulse: PulseHarness, dm: Posted) -> None:
    assert click(pulse, dm, "Done", user=PRIYA).startswith("[done] A-1 done")
    assert fetch(pulse.database, Action, number=1).done_by == PRIYA


def test_acknowledge_updates_the_alert_in_place_and_stops_repeats(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 3, 1)) as session:
        seed_programs(session)
    with at(MORNING):
        pulse.command("/program", f"status {APPEALS} red Vendor slipped two weeks", user=PRIYA)
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, MORNING + dt.timedelta(days=1))  # Wednesday 09:00: the first repeat
    alerts = [m for m in posted(pulse.stub) if m.buttons and m.buttons[0][1] == ACK_ACTION]
    assert len(alerts) == 3  # raised in the escalation and program channels, repeated in the escalation channel
    repeat = alerts[-1]
    original = next(m for m in alerts if m.to == ESCALATION)
    assert repeat.to == ESCALATION
    assert repeat.text == (  # one line, linking to the alert it repeats
        f":repeat: *Still unacknowledged* (reminder 1 of 3): *{APPEALS}* red, raised 2027-03-09 09:00 UTC · "
        f"<https://pulse-test.slack.com/archives/{ESCALATION}/p{original.ts.replace('.', '')}|see the alert>"
    )

    action_id, value = repeat.button("Acknowledge")
    assert action_id == ACK_ACTION
    with at(MORNING + dt.timedelta(days=1, minutes=5)):
        pulse.click(action_id, value, user=KAI, channel=repeat.channel, message_ts=repeat.ts, wait=False)
        updates = pulse.stub.wait_for("chat.update", count=3)
    assert sorted((u.payload["channel"], u.payload["ts"]) for u in updates) == sorted((m.channel, m.ts) for m in alerts)
    for update in updates:
        text = readable(update.payload)
        assert text.count("*Escalation*") == 1 and "Vendor slipped two weeks" in text
        assert f"Acknowledged by <@{KAI}> at 2027-03-10 09:05 UTC" in text
        assert "Acknowledge to stop" not in text and "Still unacknowledged" not in text
        assert not [b for b in update.payload["blocks"] if b["type"] == "actions"]
    alert = fetch(pulse.database, Alert, entity_ref=APPEALS)
    assert (alert.acknowledged_by, alert.repeats) == (KAI, 1)

    with at(MORNING + dt.timedelta(days=1, minutes=6)):
        again = pulse.click(action_id, value, user=ANA, channel=repeat.channel, message_ts=repeat.ts)
    assert again.text == f"Already acknowledged by <@{KAI}>."
    for day in range(2, 6):
        tick_at(clock, MORNING + dt.timedelta(days=day))
    assert len([m for m in posted(pulse.stub) if m.buttons and m.buttons[0][1] == ACK_ACTION]) == 3  # no repeats


def test_unacknowledged_alerts_repeat_on_working_days_three_times_at_most(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 3, 1)) as session:
        seed_programs(session)
    friday = utc(2027, 3, 12, 11)
    with at(friday):
        pulse.command("/program", f"status {APPEALS} red Vendor slipped two weeks", user=PRIYA)
    clock, _ = make_clock(pulse, pace_seconds=0)
    for hours in range(24 * 10):
        tick_at(clock, friday + dt.timedelta(hours=hours))
    repeats = [m for m in posted(pulse.stub) if m.to == ESCALATION and m.text.startswith(":repeat:")]
    assert [(m.at, m.text.split(":", 3)[2].split(",")[0]) for m in repeats] == [
        (utc(2027, 3, 15, 9), " *Still unacknowledged* (reminder 1 of 3)"),
        (utc(2027, 3, 16, 9), " *Still unacknowledged* (reminder 2 of 3)"),
        (utc(2027, 3, 17, 9), " *Still unacknowledged* (reminder 3 of 3)"),
    ]  # not on the weekend, not after the third
    assert all(len(m.text.splitlines()) == 1 and "raised 2027-03-12 11:00 UTC" in m.text for m in repeats)
    assert repeats[-1].text.endswith("|see the alert> · last reminder")
    assert not [m for m in posted(pulse.stub) if m.to == APPEALS_CHANNEL and m.text.startswith(":repeat:")]


@pytest.fixture
def new_york(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    """The app for a workspace whose time zone is New York."""
    harness = PulseHarness(database, stub, **{**SETTINGS, "PULSE_TIMEZONE": "America/New_York"})
    yield harness
    harness.close()


def test_alert_repeats_follow_the_workspace_day_not_utc(new_york: PulseHarness) -> None:
    """An alert raised on Monday evening in New York (already Tuesday in UTC) repeats on Tuesday at
    09:00 New York: the next working morning there."""
    with seeding(new_york.database, utc(2027, 3, 1)) as session:
        seed_programs(session)
    monday_evening = utc(2027, 3, 9, 2)  # Monday 21:00 EST
    with at(monday_evening):
        new_york.command("/program", f"status {APPEALS} red Vendor slipped", user=PRIYA)
    clock, _ = make_clock(new_york, pace_seconds=0)
    for hours in range(24):
        tick_at(clock, monday_evening + dt.timedelta(hours=hours))
    repeats = [m for m in posted(new_york.stub) if m.to == ESCALATION and m.text.startswith(":repeat:")]
    assert [m.at for m in repeats] == [utc(2027, 3, 9, 14)]  # Tuesday 09:00 EST, not Wednesday


def test_a_restricted_programs_alert_cannot_be_acknowledged_from_outside(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 3, 1)) as session:
        seed_programs(session)
    with at(MORNING):
        pulse.command("/program", f"status {HASH} red Vendor breach", user=KAI)
    (alert_post,) = posted(pulse.stub)
    assert alert_post.to == HASH_CHANNEL  # not cleared for the escalation channel
    action_id, value = alert_post.button("Acknowledge")
    with at(LATER), nothing_written(pulse.database):
        refused = pulse.click(action_id, value, user=STRANGER, channel="C0GENERAL", message_ts=alert_post.ts)
    assert refused.plain == "That alert no longer exists."
    assert not pulse.stub.calls("chat.update")


def test_a_click_notes_itself_in_the_reminder_dm_and_takes_that_items_buttons_off(
    pulse: PulseHarness, dm: Posted
) -> None:
    click(pulse, dm, "Done")
    (now,) = [m for m in pulse.stub.history(dm.channel) if m["ts"] == dm.ts]
    assert readable(now).startswith(dm.text.split("\n")[0])
    assert readable(now).endswith(f":white_check_mark: A-1 done by <@{ANA}> at 10:00")
    left = [e["value"] for b in now["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert left == ["R-1", "R-1"]  # Reviewed and Update stay for the risk
    click(pulse, dm, "Reviewed")
    (now,) = [m for m in pulse.stub.history(dm.channel) if m["ts"] == dm.ts]
    assert f"A-1 done by <@{ANA}> at 10:00" in readable(now)
    assert readable(now).endswith(f":eyes: R-1 reviewed by <@{ANA}> at 10:00")
    assert not [b for b in now["blocks"] if b["type"] == "actions"]


def test_a_click_claiming_another_message_changes_only_the_item(pulse: PulseHarness, dm: Posted) -> None:
    """Done on A-1 sent as if clicked under the risk's channel post: A-1 is done, the post is left as it is."""
    with at(MORNING):
        pulse.command("/risk", f"add {APPEALS} Queue overflow likelihood:4 impact:4", user=PRIYA)
    (risk_post,) = [m for m in posted(pulse.stub) if m.to == APPEALS_CHANNEL]
    action_id, value = dm.button("Done")
    with at(LATER):
        pulse.click(action_id, value, user=ANA, channel=risk_post.channel, message_ts=risk_post.ts)
    assert fetch(pulse.database, Action, number=1).status == ActionStatus.DONE
    assert not pulse.stub.calls("chat.update")
