"""/decision over HTTP: log, list, show, supersede; errors and channel posts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from store.db import Database
from store.models import AuditEvent, Decision, DecisionStatus, OutboxMessage
from tests.support.app import (
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    OWNER,
    STRANGER,
    channel_link,
    create_program,
    fetch,
    fetch_all,
    first_line,
    listed_ids,
    log_decision,
    mention,
    nothing_written,
    ok,
    posts_to,
    refused,
)
from tests.support.harness import PulseHarness

WITH_CHANNEL = f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}"


def test_logged_decision_is_stored_and_posted_to_the_channel(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    answer = pulse.command(
        "/decision",
        f'log {APPEALS} Prioritise suspension appeals decider:{mention(ANA)} why:"highest harm per hour" '
        f'options:"FIFO; by severity" consulted:{mention("U0LENA")},{mention("U0SAM")} context:"queue at 9 days"',
    )
    assert first_line(ok(answer)) == "D-1 logged for TNS-APPEALS: Prioritise suspension appeals"
    assert "Decided by <@U0ANA> · driver <@U0OWNER> · consulted <@U0LENA>, <@U0SAM>" in answer.text
    assert "Posted to <#C0APPEALS>." in answer.text
    decision = fetch(database, Decision, number=1)
    assert (decision.title, decision.decider_id, decision.driver_id) == ("Prioritise suspension appeals", ANA, OWNER)
    assert (decision.rationale, decision.options, decision.context) == (
        "highest harm per hour",
        "FIFO; by severity",
        "queue at 9 days",
    )
    assert decision.consulted == ["U0LENA", "U0SAM"]
    assert decision.status == DecisionStatus.DECIDED and decision.decided_at is not None
    assert fetch(database, AuditEvent, entity_ref="D-1").action == "create"

    [post] = posts_to(pulse.stub, APPEALS_CHANNEL)
    assert ":scales: *Decision D-1* on *TNS-APPEALS*: Prioritise suspension appeals" in post
    assert "*Why:* highest harm per hour" in post and "*Options considered:* FIFO; by severity" in post
    assert "*Consulted:* <@U0LENA>, <@U0SAM>" in post


def test_decision_defaults_and_rationale_hint(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    answer = ok(pulse.command("/decision", f"log {APPEALS} Use vendor B status:proposed", user=STRANGER))
    assert "Proposed by <@U0STRANGER> · driver <@U0STRANGER>" in answer.text
    assert "No rationale recorded; future readers will want one." in answer.text
    decision = fetch(database, Decision, number=1)
    assert (decision.decider_id, decision.status, decision.decided_at) == (STRANGER, DecisionStatus.PROPOSED, None)


def test_decision_of_a_program_without_channel_posts_nothing(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    answer = ok(pulse.command("/decision", f"log {APPEALS} Use vendor B"))
    assert "Posted to" not in answer.text
    assert pulse.stub.payloads("chat.postMessage") == []
    assert fetch_all(database, OutboxMessage) == []


def test_decision_post_failing_with_not_in_channel_tells_the_user_to_invite_pulse(
    pulse: PulseHarness, database: Database
) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    pulse.stub.fail("chat.postMessage", error="not_in_channel")
    answer = ok(pulse.command("/decision", f"log {APPEALS} Use vendor B"))
    assert first_line(answer) == "D-1 logged for TNS-APPEALS: Use vendor B"
    assert "invite Pulse there with `/invite @Pulse`" in answer.text
    assert fetch(database, Decision, number=1).title == "Use vendor B"


def test_decision_list_is_newest_first_searchable_and_says_how_many_more(pulse: PulseHarness) -> None:
    create_program(pulse)
    create_program(pulse, "TNS-OPS", "Ops")
    for number in range(1, 18):
        log_decision(pulse, f"Decision {number}", fields='why:"vendor cost"' if number % 5 == 0 else "")
    log_decision(pulse, "Ops choice", key="TNS-OPS")

    listed = ok(pulse.command("/decision", "list"))
    assert first_line(listed) == "*18 decisions*, newest first"
    assert listed_ids(listed, "D") == [f"D-{n}" for n in range(18, 3, -1)]
    assert "…and 3 more. Narrow with a KEY, `q:` or `since:`." in listed.text

    assert listed_ids(ok(pulse.command("/decision", "list q:VENDOR")), "D") == ["D-15", "D-10", "D-5"]
    assert listed_ids(ok(pulse.command("/decision", "list tns-ops")), "D") == ["D-18"]
    assert listed_ids(ok(pulse.command("/decision", f'list {APPEALS} q:"vendor cost"')), "D") == ["D-15", "D-10", "D-5"]
    assert listed_ids(ok(pulse.command("/decision", 'list q:"vendor cheap"')), "D") == []  # every word must match
    assert ok(pulse.command("/decision", "list q:nothing-like-this")).text == "No decisions match."


def test_decision_list_since(pulse: PulseHarness) -> None:
    create_program(pulse)
    with time_machine.travel(dt.datetime(2030, 1, 10, 12, tzinfo=dt.UTC), tick=True):
        log_decision(pulse, "Old one")
    with time_machine.travel(dt.datetime(2030, 3, 10, 12, tzinfo=dt.UTC), tick=True):
        log_decision(pulse, "New one")
        assert listed_ids(ok(pulse.command("/decision", "list since:2030-03-01")), "D") == ["D-2"]
        assert listed_ids(ok(pulse.command("/decision", "list since:2030-01-10")), "D") == ["D-2", "D-1"]
        assert ok(pulse.command("/decision", "list since:tomorrow")).text == "No decisions match."


def test_since_the_first_day_works_east_of_utc(pulse: PulseHarness) -> None:
    pulse.stub.users["U0TOKYO"] = {"tz": "Asia/Tokyo"}
    create_program(pulse)
    log_decision(pulse, "Any")
    assert listed_ids(ok(pulse.command("/decision", "list since:0001-01-01", user="U0TOKYO")), "D") == ["D-1"]


def test_empty_decision_list(pulse: PulseHarness) -> None:
    create_program(pulse)
    assert ok(pulse.command("/decision", "list")).text == "No decisions logged yet."


def test_decision_show(pulse: PulseHarness) -> None:
    create_program(pulse)
    log_decision(pulse, "Use vendor B", fields=f'decider:{mention(ANA)} why:"cheapest" informed:{mention("U0LEAD")}')
    shown = ok(pulse.command("/decision", "show d-1"))
    assert first_line(shown) == "D-1: Use vendor B"
    assert "*Decided* by <@U0ANA> · program *TNS-APPEALS*" in shown.text
    assert "Driver <@U0OWNER> · Approver <@U0ANA> · Contributors nobody · Informed <@U0LEAD>" in shown.text
    assert "*Why:* cheapest" in shown.text


def test_supersede_keeps_the_old_decision_on_record(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    log_decision(pulse, "Use vendor A")
    log_decision(pulse, "Use vendor B")
    answer = ok(pulse.command("/decision", "supersede D-1 d-2"))
    assert first_line(answer) == "D-1 is now superseded by D-2 (TNS-APPEALS): Use vendor B"
    assert "D-1 stays in the log: `/decision show D-1`." in answer.text
    old, new = fetch(database, Decision, number=1), fetch(database, Decision, number=2)
    assert (old.status, old.superseded_by_id, new.status) == (DecisionStatus.SUPERSEDED, new.id, DecisionStatus.DECIDED)
    assert fetch(database, AuditEvent, entity_ref="D-1", action="supersede").actor_id == OWNER

    shown = ok(pulse.command("/decision", "show D-1"))
    assert "*Superseded*" in shown.text and "Superseded by *D-2* Use vendor B" in shown.text
    listed = ok(pulse.command("/decision", "list"))
    assert re.search(r"\*D-1\* TNS-APPEALS · Use vendor A · .* · ~superseded~", listed.text), listed.text


DECISION_ERRORS = [
    ("log TNS-NOPE Use vendor B", "TNS-NOPE not found."),
    ("log TNS-APPEALS Use vendor B decidr:@ana", "`decidr:` is not a field here. Did you mean `decider:`?"),
    ('log TNS-APPEALS Use vendor B why:"cheapest', "A quote is not closed"),
    ("log TNS-APPEALS Use vendor B decider:ana", "`ana` is not a person"),
    ("log TNS-APPEALS Use vendor B consulted:,", "Name at least one person"),
    ("log TNS-APPEALS Use vendor B status:superseded", "A new decision cannot start superseded"),
    ("log TNS-APPEALS Use vendor B status:maybe", "`maybe` is not a status Pulse knows: use one of `proposed`"),
    ("list since:last-week", "`last-week` is not a date"),
    ("list TNS-NOPE", "TNS-NOPE not found."),
    ("show D-99", "D-99 not found."),
    ("show R-1", "`R-1` is not an ID like D-12."),
    ("supersede D-2", "Give both decisions, e.g. `/decision supersede D-4 D-9`."),
    ("supersede D-2 D-2", "A decision cannot supersede itself."),
    ("supersede D-3 D-2", "D-2 is older than D-3; a decision is superseded by a later one."),
    ("supersede D-1 D-3", "D-1 is already superseded."),
    ("supersede D-2 D-1", "D-1 is itself superseded; supersede with the current decision."),
    ("supersede D-2 D-4", "D-2 and D-4 belong to different programs."),
    ("supersede D-2 D-99", "D-99 not found."),
    (f"log TNS-APPEALS Use vendor B why:{'x' * 3001}", "`why:` is too long: 3001 characters; keep it to 3000."),
]


def test_decision_errors_are_ephemeral_and_write_nothing(
    pulse: PulseHarness, database: Database, subtests: pytest.Subtests
) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    create_program(pulse, "TNS-OPS", "Ops")
    for title in ("One", "Two", "Three"):
        log_decision(pulse, title)
    log_decision(pulse, "Ops four", key="TNS-OPS")
    ok(pulse.command("/decision", "supersede D-1 D-3"))
    posts = pulse.stub.call_count("chat.postMessage")
    for text, says in DECISION_ERRORS:
        with subtests.test(text), nothing_written(database):
            assert says in refused(pulse.command("/decision", text)).text
    assert pulse.stub.call_count("chat.postMessage") == posts
