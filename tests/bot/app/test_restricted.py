"""Restricted programs: invisible to strangers, indistinguishably from programs that do not exist."""

from __future__ import annotations

import json
import re

import pytest

from store.db import Database
from store.models import Action, Decision, Program, Risk
from tests.support.app import (
    ADMIN,
    GENERAL,
    MEMBER,
    OWNER,
    STRANGER,
    add_action,
    add_milestone,
    add_risk,
    channel_link,
    create_program,
    fetch,
    first_line,
    listed_ids,
    log_decision,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import Answer, PulseHarness

SECRET = "TNS-SECRET"
OWN_CHANNEL = "C0SECOWN"  # the program's own channel
CLEARED_CHANNEL = "C0SECRET"  # allow-listed with channels:
# (user, channel) pairs that may see the program, and ones that may not
CLEARED = {
    "owner": (OWNER, GENERAL),
    "member": (MEMBER, GENERAL),
    "admin": (ADMIN, GENERAL),
    "anyone in its own channel": (STRANGER, OWN_CHANNEL),
    "anyone in an allow-listed channel": (STRANGER, CLEARED_CHANNEL),
}
NOT_CLEARED = {"stranger": (STRANGER, GENERAL), "stranger in a DM": (STRANGER, "D0STRANGER")}


@pytest.fixture
def secret(pulse: PulseHarness) -> PulseHarness:
    """TNS-SECRET (restricted) holds R-1, D-1, A-1, M-1; TNS-OPEN holds R-2, D-2, A-2."""
    create_program(
        pulse,
        SECRET,
        "Secret investigations",
        fields=f"restricted:yes members:<@U0MEM> channels:<#{CLEARED_CHANNEL}> "
        f"channel:{channel_link(OWN_CHANNEL, 'tns-secret')}",
    )
    create_program(pulse, "TNS-OPEN", "Open work")
    add_risk(pulse, "Leak of case files", 2, 2, key=SECRET)
    add_risk(pulse, "Queue grows", 2, 2, key="TNS-OPEN")
    log_decision(pulse, "Escalate to legal", key=SECRET)
    log_decision(pulse, "Hire two reviewers", key="TNS-OPEN")
    add_action(pulse, "Brief legal", key=SECRET, owner=MEMBER)
    add_action(pulse, "Post the job", key="TNS-OPEN")
    add_milestone(pulse, "Case closed", key=SECRET)
    return pulse


def same_but_for(hidden: Answer, missing: Answer, hidden_ref: str, missing_ref: str) -> None:
    """The two replies are byte-identical once the asked-for reference is swapped."""
    assert hidden.status == missing.status == 200
    assert (hidden.via, hidden.ephemeral) == (missing.via, missing.ephemeral)
    assert json.dumps(hidden.body, sort_keys=True).replace(hidden_ref, missing_ref) == json.dumps(
        missing.body, sort_keys=True
    )


def test_creating_a_restricted_program(pulse: PulseHarness, database: Database) -> None:
    answer = create_program(
        pulse, SECRET, "Secret investigations", fields=f"restricted:yes members:<@U0MEM> channels:<#{CLEARED_CHANNEL}>"
    )
    assert "· :lock: restricted" in answer.text
    assert "Visible only to the owner, members (<@U0MEM>), Pulse admins and <#C0SECRET>." in answer.text
    program = fetch(database, Program, key=SECRET)
    assert (program.restricted, program.members, program.allowed_channels) == (True, [MEMBER], [CLEARED_CHANNEL])


@pytest.mark.usefixtures("secret")
@pytest.mark.parametrize("who", NOT_CLEARED)
def test_strangers_do_not_see_it_in_lists(pulse: PulseHarness, subtests: pytest.Subtests, who: str) -> None:
    user, channel = NOT_CLEARED[who]

    def ask(command: str, text: str) -> Answer:
        return ok(pulse.command(command, text, user=user, channel=channel))

    with subtests.test("program list"):
        listed = ask("/program", "list")
        assert first_line(listed) == "*1 program*"
        assert SECRET not in listed.text and "TNS-OPEN" in listed.text
        assert first_line(ask("/program", "list all")) == "*1 program*"
    with subtests.test("risk list"):
        assert listed_ids(ask("/risk", "list all"), "R") == ["R-2"]
    with subtests.test("decision list"):
        assert listed_ids(ask("/decision", "list"), "D") == ["D-2"]
        assert ask("/decision", "list q:legal").text == "No decisions match."
    with subtests.test("action list"):
        assert listed_ids(ask("/action", "list all"), "A") == ["A-2"]
    with subtests.test("whoami"):
        assert "You can see 1 program and own 0." in ask("/pulse", "whoami").text


@pytest.mark.usefixtures("secret")
def test_asking_for_it_is_exactly_like_asking_for_nothing(pulse: PulseHarness, subtests: pytest.Subtests) -> None:
    pairs = [
        ("/program", "show {}", SECRET, "TNS-ABSENT"),
        ("/risk", "list {}", SECRET, "TNS-ABSENT"),
        ("/decision", "list {}", SECRET, "TNS-ABSENT"),
        ("/action", "list {}", SECRET, "TNS-ABSENT"),
        ("/pulse", "audit {}", SECRET, "TNS-ABSENT"),
        ("/risk", "show {}", "R-1", "R-9"),
        ("/decision", "show {}", "D-1", "D-9"),
        ("/pulse", "audit {}", "R-1", "R-9"),
        ("/pulse", "audit {}", "A-1", "A-9"),
        ("/pulse", "audit {}", "M-1", "M-9"),
    ]
    for command, text, hidden, missing in pairs:
        with subtests.test(f"{command} {text.format(hidden)}"):
            hidden_answer = refused(pulse.command(command, text.format(hidden), user=STRANGER))
            assert hidden_answer.text == f":warning: {hidden} not found."
            same_but_for(hidden_answer, pulse.command(command, text.format(missing), user=STRANGER), hidden, missing)


@pytest.mark.usefixtures("secret")
def test_its_key_is_unavailable_like_any_taken_key(pulse: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        hidden = refused(pulse.command("/program", f"new {SECRET} Copycat", user=STRANGER))
        shown = refused(pulse.command("/program", "new TNS-OPEN Copycat", user=STRANGER))
    assert (
        hidden.text
        == f":warning: That key is not available: {SECRET} cannot be used for a new program; choose another key."
    )
    same_but_for(hidden, shown, SECRET, "TNS-OPEN")
    assert not re.search(r"exist|restricted|taken", hidden.text, re.IGNORECASE)


@pytest.mark.usefixtures("secret")
def test_strangers_cannot_write_to_it(pulse: PulseHarness, database: Database, subtests: pytest.Subtests) -> None:
    attempts = [
        ("/risk", "add {} Leak likelihood:5 impact:5", SECRET, "TNS-ABSENT"),
        ("/decision", "log {} Drop the case", SECRET, "TNS-ABSENT"),
        ("/action", "add {} Read the files owner:me due:2030-01-01", SECRET, "TNS-ABSENT"),
        ("/program", "status {} green Fine", SECRET, "TNS-ABSENT"),
        ("/risk", "update {} impact:1", "R-1", "R-9"),
        ("/risk", "close {} Not a risk", "R-1", "R-9"),
        ("/action", "done {}", "A-1", "A-9"),
        ("/program", "milestone-done {}", "M-1", "M-9"),
        ("/decision", "supersede D-2 {}", "D-1", "D-9"),
        ("/action", "add TNS-OPEN Follow up owner:me due:2030-01-01 risk:{}", "R-1", "R-9"),
    ]
    for command, text, hidden, missing in attempts:
        with subtests.test(f"{command} {text.format(hidden)}"), nothing_written(database):
            hidden_answer = refused(pulse.command(command, text.format(hidden), user=STRANGER))
            assert hidden_answer.text == f":warning: {hidden} not found."
            same_but_for(hidden_answer, pulse.command(command, text.format(missing), user=STRANGER), hidden, missing)


@pytest.mark.usefixtures("secret")
@pytest.mark.parametrize("who", CLEARED)
def test_people_cleared_for_it_see_it(pulse: PulseHarness, subtests: pytest.Subtests, who: str) -> None:
    user, channel = CLEARED[who]

    def ask(command: str, text: str) -> Answer:
        return ok(pulse.command(command, text, user=user, channel=channel))

    with subtests.test("program show"):
        assert first_line(ask("/program", f"show {SECRET}")) == "TNS-SECRET: Secret investigations"
    with subtests.test("program list"):
        listed = ask("/program", "list")
        assert first_line(listed) == "*2 programs*" and "*TNS-SECRET* Secret investigations :lock:" in listed.text
    with subtests.test("risk list"):
        assert listed_ids(ask("/risk", "list"), "R") == ["R-1", "R-2"]
        assert first_line(ask("/risk", "show R-1")) == "R-1: Leak of case files"
    with subtests.test("decision list"):
        assert listed_ids(ask("/decision", f"list {SECRET}"), "D") == ["D-1"]
    with subtests.test("action list"):
        assert listed_ids(ask("/action", "list"), "A") == ["A-1", "A-2"]
    with subtests.test("audit"):
        assert first_line(ask("/pulse", f"audit {SECRET}")) == "*Audit trail of TNS-SECRET*, newest first"
    with subtests.test("whoami"):
        assert "You can see 2 programs" in ask("/pulse", "whoami").text


@pytest.mark.usefixtures("secret")
@pytest.mark.parametrize("who", CLEARED)
def test_people_cleared_for_it_add_to_it(pulse: PulseHarness, database: Database, who: str) -> None:
    user, channel = CLEARED[who]
    # Items of a restricted program may only name its owner or members; the others name a member.
    named = "" if user in {OWNER, MEMBER} else "owner:<@U0MEM>"
    answer = ok(
        pulse.command(
            "/risk", f"add {SECRET} Case files copied likelihood:2 impact:2 {named}", user=user, channel=channel
        )
    )
    assert first_line(answer) == "R-3 added to TNS-SECRET: score 4 (low)"
    assert fetch(database, Risk, number=3).created_by == user
    decider = "" if user in {OWNER, MEMBER} else "decider:<@U0MEM>"
    ok(pulse.command("/decision", f"log {SECRET} Keep it quiet {decider}", user=user, channel=channel))
    assert fetch(database, Decision, number=3).driver_id == user
    ok(
        pulse.command(
            "/action", f"add {SECRET} Lock the files owner:<@U0MEM> due:2030-01-01", user=user, channel=channel
        )
    )
    assert fetch(database, Action, number=3).created_by == user


@pytest.mark.usefixtures("secret")
def test_items_of_a_restricted_program_name_only_cleared_people(pulse: PulseHarness, database: Database) -> None:
    # An admin may own items themself (admins see everything) but may not hand one to someone uncleared,
    # who would then hear of the program in reminders.
    ok(pulse.command("/risk", f"add {SECRET} Case files copied likelihood:2 impact:2", user=ADMIN))
    with nothing_written(database):
        answer = refused(
            pulse.command(
                "/risk", f"add {SECRET} Case files copied likelihood:2 impact:2 owner:<@U0STRANGER>", user=ADMIN
            )
        )
    assert "<@U0STRANGER> cannot be the risk owner: TNS-SECRET is restricted and they are not a member." in answer.text
