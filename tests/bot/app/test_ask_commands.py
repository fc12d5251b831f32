"""Structured asks over HTTP: raised with a status report, listed, answered, withdrawn; audited; restricted."""

from __future__ import annotations

import datetime as dt

import pytest

from store.db import Database
from store.models import Ask, AskState, AuditEvent, StatusUpdate
from tests.support.app import (
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    MEMBER,
    OWNER,
    STRANGER,
    channel_link,
    create_program,
    fetch,
    fetch_all,
    first_line,
    mention,
    nothing_written,
    ok,
    posts_to,
    refused,
)
from tests.support.harness import PulseHarness

WITH_CHANNEL = f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}"


def status(pulse: PulseHarness, text: str, *, user: str = OWNER) -> str:
    return ok(pulse.command("/program", f"status {APPEALS} {text}", user=user)).text


def test_an_ask_has_text_an_addressee_a_date_and_a_state(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    reply = status(
        pulse, f"red Vendor 2 weeks late asks:Approve overtime budget ask-to:{mention(ANA)} ask-by:2030-01-04"
    )
    assert f"*New ask:* *Approve overtime budget* → <@{ANA}> by Fri Jan 4 (ASK-1)" in reply
    ask = fetch(database, Ask)
    assert (ask.number, ask.text, ask.to_user, ask.to_function, ask.due, ask.state) == (
        1,
        "Approve overtime budget",
        ANA,
        None,
        dt.date(2030, 1, 4),
        AskState.OPEN,
    )
    assert fetch(database, StatusUpdate).summary == "Vendor 2 weeks late"
    (post,) = posts_to(pulse.stub, APPEALS_CHANNEL)
    assert f"*Ask:* *Approve overtime budget* → <@{ANA}> by Fri Jan 4 (ASK-1)" in post
    created = fetch(database, AuditEvent, entity_type="ask")
    assert (created.entity_ref, created.action, created.actor_id) == ("ASK-1", "create", OWNER)


def test_an_ask_may_go_to_a_function_and_asking_again_keeps_its_number(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    status(pulse, "amber Policy unclear asks:Clarify the spam examples ask-to:Legal")
    again = status(pulse, "amber Still unclear asks:clarify the spam examples ask-by:2030-02-01")
    assert "*Still asking:* *Clarify the spam examples* → Legal by Fri Feb 1 (ASK-1)" in again
    (ask,) = fetch_all(database, Ask)
    assert (ask.to_function, ask.due) == ("Legal", dt.date(2030, 2, 1))
    assert [e.action for e in fetch_all(database, AuditEvent, entity_ref="ASK-1")] == ["create", "update"]


def test_an_ask_without_addressee_or_date_says_how_to_add_them(pulse: PulseHarness) -> None:
    create_program(pulse)
    assert "Say whom you are asking and by when" in status(pulse, "amber Late asks:More reviewers")
    assert "Say by when you need it" in status(pulse, "amber Late asks:Budget ask-to:Finance")
    assert "was needed by Mon Jan 3, which has passed" in status(pulse, "amber Late asks:Legal slot ask-by:2000-01-03")


def test_list_answer_and_withdraw(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    status(pulse, f"red Late asks:Approve overtime ask-to:{mention(ANA)} ask-by:2000-01-07")
    status(pulse, "red Late asks:Second vendor ask-to:Procurement ask-by:2030-03-01")
    listed = ok(pulse.command("/ask", "list"))
    assert listed.text.splitlines() == [
        "*2 open asks*, soonest due first",
        f"{APPEALS} · *Approve overtime* → <@{ANA}> by Fri Jan 7 (ASK-1) · :hourglass: overdue",
        f"{APPEALS} · *Second vendor* → Procurement by Fri Mar 1 (ASK-2)",
    ]
    with nothing_written(database):
        stranger = refused(pulse.command("/ask", "answer ASK-1 Yes", user=STRANGER))
    assert stranger.text.startswith(":warning: Only the person asked (<@U0ANA>), the program owner")
    answered = ok(pulse.command("/ask", "answer ASK-1 Approved for 3 weeks, up to 120 hours", user=ANA))
    assert (
        first_line(answered) == f":white_check_mark: ASK-1 answered ({APPEALS}): Approved for 3 weeks, up to 120 hours"
    )
    assert f"answered by <@{ANA}>: Approved for 3 weeks" in posts_to(pulse.stub, APPEALS_CHANNEL)[-1]
    assert refused(pulse.command("/ask", "answer ASK-1 Again", user=ANA)).text.startswith(
        ":warning: ASK-1 is already answered; there is nothing to answer."
    )
    withdrawn = ok(pulse.command("/ask", "withdraw ASK-2"))
    assert "ASK-2 withdrawn (TNS-APPEALS): Second vendor. It stays on record in `/pulse audit ASK-2`." in withdrawn.text
    assert ok(pulse.command("/ask", "list")).text.startswith("No open asks.")
    states = {a.number: (a.state, a.closed_by) for a in fetch_all(database, Ask)}
    assert states == {1: (AskState.ANSWERED, ANA), 2: (AskState.WITHDRAWN, OWNER)}
    audit = ok(pulse.command("/pulse", "audit ASK-1")).text
    assert f"· <@{ANA}> · *answer* ASK-1" in audit and "state: open → answered" in audit


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("status TNS-APPEALS red Late ask-to:Finance", "Say what you are asking for with `asks:`"),
        ("status TNS-APPEALS red Late asks:Budget ask-to:@omar", "`@omar` is not someone to ask"),
        ("status TNS-APPEALS red Late asks:Budget ask-by:someday", "`someday` is not a date"),
    ],
)
def test_ask_errors_write_nothing(pulse: PulseHarness, database: Database, text: str, says: str) -> None:
    create_program(pulse)
    with nothing_written(database):
        assert says in refused(pulse.command("/program", text)).text


def test_a_restricted_programs_asks_stay_inside_it(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, "TNS-SECRET", "Secret", fields=f"restricted:yes members:{mention(MEMBER)}")
    with nothing_written(database):
        outsider = refused(pulse.command("/program", f"status TNS-SECRET red Late asks:Help ask-to:{mention(ANA)}"))
    assert "cannot be the person asked: TNS-SECRET is restricted" in outsider.text
    ok(pulse.command("/program", f"status TNS-SECRET red Late asks:Help ask-to:{mention(MEMBER)}"))
    assert ok(pulse.command("/ask", "list", user=STRANGER)).text.startswith("No open asks.")
    assert refused(pulse.command("/ask", "answer ASK-1 Yes", user=STRANGER)).text == ":warning: ASK-1 not found."
    assert "*Help*" in ok(pulse.command("/ask", "list", user=MEMBER)).text
