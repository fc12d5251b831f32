"""/pulse over HTTP (help, whoami, audit) and PULSE_COMMAND_PREFIX renaming every command."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from bot.signing import signed_headers, slash_command_body
from bot.slack_stub import SlackStub
from store.db import Database
from store.models import Risk
from tests.support.app import (
    ADMIN,
    ANA,
    APPEALS,
    GENERAL,
    OWNER,
    STRANGER,
    add_action,
    add_milestone,
    add_risk,
    create_program,
    fetch,
    first_line,
    log_decision,
    mention,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import SECRET, TEAM, Answer, PulseHarness

# The contract's subcommands (the commands may grow more).
COMMANDS = {
    "action": {"add", "done", "list", "snooze"},
    "decision": {"list", "log", "show", "supersede"},
    "program": {"archive", "list", "milestone", "milestone-done", "new", "show", "status"},
    "pulse": {"audit", "help", "whoami"},
    "risk": {"add", "close", "list", "show", "update"},
}
UNPREFIXED_HINT = re.compile(r"`/(?:action|decision|program|pulse|risk)\b")


def listed_subcommands(answer: Answer, slash: str) -> set[str]:
    """The subcommands `/pulse help` lists for `slash` (`*/risk* add · close · ...`)."""
    match = re.search(rf"^\*{re.escape(slash)}\* (.+)$", answer.text, re.MULTILINE)
    assert match, answer.text
    return set(match.group(1).split(" · "))


def test_pulse_help_lists_every_command(pulse: PulseHarness) -> None:
    answer = ok(pulse.command("/pulse", "help"))
    assert first_line(answer).startswith("*Pulse* keeps programs, risks, decisions and actions straight.")
    for name, subs in COMMANDS.items():
        assert subs <= listed_subcommands(answer, f"/{name}"), name
    assert "the risk register: 5x5 likelihood x impact, owners, reviews" in answer.text
    assert "`/pulse help risk` shows one command with examples." in answer.text


@pytest.mark.parametrize("name", ["risk", "RISK", "/risk"])
def test_pulse_help_for_one_command_is_its_usage(pulse: PulseHarness, name: str) -> None:
    answer = ok(pulse.command("/pulse", f"help {name}"))
    assert answer.text == ok(pulse.command("/risk", "")).text
    assert "e.g. `/risk update R-1 impact:3 status:mitigating`" in answer.text


def test_pulse_help_for_an_unknown_command(pulse: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        answer = refused(pulse.command("/pulse", "help riks"))
    assert first_line(answer) == ":warning: `/riks` is not a Pulse command. Did you mean `/risk`?"
    assert first_line(refused(pulse.command("/pulse", "help nothing"))) == (
        ":warning: `/nothing` is not a Pulse command: `/pulse help` lists them."
    )


def test_bare_pulse_shows_its_usage(pulse: PulseHarness) -> None:
    answer = ok(pulse.command("/pulse", ""))
    assert answer.via == "ack"
    assert first_line(answer) == "*/pulse*: help, who you are to Pulse, and the audit trail"
    for usage in (
        "`/pulse audit KEY|R-n|D-n|A-n|M-n|S-n|ASK-n|settings [page:N]`",
        "`/pulse help [command]`",
        "`/pulse whoami`",
    ):
        assert usage in answer.text
    assert "e.g. `/pulse audit R-1`" in answer.text


def test_whoami(pulse: PulseHarness) -> None:
    create_program(pulse)
    create_program(pulse, "TNS-OPS", "Ops", user=ANA)
    create_program(pulse, "TNS-ZED", "Zed")
    mine = ok(pulse.command("/pulse", "whoami"))
    assert first_line(mine).startswith("You are <@U0OWNER> (`U0OWNER`) · time zone UTC (today is ")
    assert "You can see 3 programs and own 2: TNS-APPEALS, TNS-ZED." in mine.text
    admin = ok(pulse.command("/pulse", "whoami", user=ADMIN))
    assert first_line(admin).startswith("You are <@U0ADMIN> (`U0ADMIN`), a *Pulse admin* · time zone UTC")
    assert "You can see 3 programs and own 0." in admin.text
    pulse.stub.users["U0TOKYO"] = {"tz": "Asia/Tokyo"}
    assert "time zone Asia/Tokyo" in ok(pulse.command("/pulse", "whoami", user="U0TOKYO")).text


def test_audit_of_an_item_shows_who_changed_which_fields(pulse: PulseHarness) -> None:
    create_program(pulse)
    add_risk(pulse, "Vendor cannot hire", 4, 5, fields=f"owner:{mention(ANA)}")
    ok(pulse.command("/risk", "update R-1 impact:3", user=ANA))
    ok(pulse.command("/risk", "close R-1 Vendor hired", user=ADMIN))
    audit = ok(pulse.command("/pulse", "audit r-1"))
    assert first_line(audit) == "*Audit trail of R-1*, newest first"
    events = re.findall(r"· <@(\w+)> · \*(\w+)\* R-1", audit.text)
    assert events == [(ADMIN, "close"), (ANA, "update"), (OWNER, "create")]
    assert "impact: 5 → 3" in audit.text and "score: 20 → 12" in audit.text
    assert "close_reason: \N{EN DASH} → Vendor hired" in audit.text


def test_audit_of_a_program_covers_everything_in_it(pulse: PulseHarness) -> None:
    create_program(pulse)
    add_risk(pulse)
    log_decision(pulse)
    add_action(pulse)
    add_milestone(pulse)
    ok(pulse.command("/program", f"status {APPEALS} amber Slipping"))
    audit = ok(pulse.command("/pulse", f"audit {APPEALS.lower()}"))
    assert first_line(audit) == "*Audit trail of TNS-APPEALS*, newest first"
    actions = re.findall(r"\*(\w+)\* ([\w-]+)", audit.text)
    assert actions == [
        ("status", APPEALS),
        ("create", "M-1"),
        ("create", "A-1"),
        ("create", "D-1"),
        ("create", "R-1"),
        ("create", APPEALS),
    ]
    for ref in ("A-1", "D-1", "M-1"):
        assert f"*create* {ref}" in ok(pulse.command("/pulse", f"audit {ref}")).text


def test_audit_says_when_older_events_are_left_out(pulse: PulseHarness) -> None:
    create_program(pulse)
    add_risk(pulse, "Vendor", 1, 1)
    for impact in (2, 3, 4, 5) * 4:
        ok(pulse.command("/risk", f"update R-1 impact:{impact}"))
    audit = ok(pulse.command("/pulse", "audit R-1"))
    assert len(re.findall(r"\*update\* R-1", audit.text)) == 15
    assert "*create* R-1" not in audit.text
    assert "Older events are kept: `/pulse audit R-1 page:2`." in audit.text
    older = ok(pulse.command("/pulse", "audit R-1 page:2"))
    assert first_line(older) == "*Audit trail of R-1*, newest first (page 2)"
    assert "*create* R-1" in older.text and "Older events are kept" not in older.text


@pytest.mark.parametrize(
    ("target", "says"),
    [("R-9", "R-9 not found."), ("TNS-NOPE", "TNS-NOPE not found."), ("", "Audit of what? e.g. `/pulse audit R-12`")],
)
def test_audit_errors(pulse: PulseHarness, database: Database, target: str, says: str) -> None:
    with nothing_written(database):
        assert says in refused(pulse.command("/pulse", f"audit {target}")).text


# PULSE_COMMAND_PREFIX -------------------------------------------------------------------------------


@pytest.fixture
def prefixed(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    """A second app on the same database and stub, with every command renamed `/pm-...`."""
    harness = PulseHarness(database, stub, PULSE_ADMINS=ADMIN, PULSE_COMMAND_PREFIX="pm-")
    yield harness
    harness.close()


def send(harness: PulseHarness, slash: str, text: str, *, user: str = OWNER) -> Answer:
    """Send the slash command exactly as typed (no renaming by the harness)."""
    name = f"raw-{slash.strip('/')}-{len(harness.stub.responses())}-{text[:20]}"
    body = slash_command_body(
        command=slash,
        text=text,
        user_id=user,
        team_id=TEAM,
        channel_id=GENERAL,
        response_url=harness.stub.response_url(name),
    )
    status, raw = harness.post("/slack/events", body, signed_headers(SECRET, body))
    if status != 200:
        return Answer(status=status)
    if raw.strip():
        return Answer(status=status, body=json.loads(raw))
    return Answer(status=status, body=harness.stub.wait_for_response(name, timeout=10)[0].payload, via="response_url")


def test_prefixed_commands_work(prefixed: PulseHarness, database: Database) -> None:
    ok(send(prefixed, "/pm-program", f"new {APPEALS} Appeals SLA reduction"))
    answer = ok(send(prefixed, "/pm-risk", f"add {APPEALS} Vendor cannot hire likelihood:4 impact:5"))
    assert first_line(answer) == "R-1 added to TNS-APPEALS: score 20 (critical)"
    assert fetch(database, Risk, number=1).title == "Vendor cannot hire"


def test_unprefixed_commands_are_not_pulses_any_more(prefixed: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        assert send(prefixed, "/program", f"new {APPEALS} Appeals").status == 404


def test_prefixed_usage_and_help_name_the_prefixed_commands(prefixed: PulseHarness) -> None:
    usage = ok(send(prefixed, "/pm-risk", ""))
    assert first_line(usage) == "*/pm-risk*: the risk register: 5x5 likelihood x impact, owners, reviews"
    for sub in COMMANDS["risk"]:
        assert f"`/pm-risk {sub} " in usage.text
    assert "e.g. `/pm-risk add TNS-APPEALS Vendor cannot hire in time" in usage.text
    assert not UNPREFIXED_HINT.search(usage.text), usage.text

    help_ = ok(send(prefixed, "/pm-pulse", "help"))
    for name, subs in COMMANDS.items():
        assert subs <= listed_subcommands(help_, f"/pm-{name}"), name
    assert "`/pm-pulse help risk` shows one command with examples." in help_.text
    assert ok(send(prefixed, "/pm-pulse", "help risk")).text == usage.text
    assert ok(send(prefixed, "/pm-pulse", "help pm-risk")).text == usage.text

    wrong = refused(send(prefixed, "/pm-risk", "add TNS-APPEALS Vendor likelihood:9 impact:1"))
    assert "Usage: `/pm-risk add KEY Title... likelihood:1-5 impact:1-5" in wrong.text


def test_prefixed_replies_never_suggest_unprefixed_commands(prefixed: PulseHarness, subtests: pytest.Subtests) -> None:
    ok(send(prefixed, "/pm-program", f"new {APPEALS} Appeals SLA reduction"))
    ok(send(prefixed, "/pm-program", "new TNS-OLD Old work"))
    ok(send(prefixed, "/pm-decision", f"log {APPEALS} Use vendor A"))
    ok(send(prefixed, "/pm-decision", f"log {APPEALS} Use vendor B"))
    for slash, text in [
        ("/pm-risk", f"add {APPEALS} Vendor cannot hire likelihood:2 impact:2"),
        ("/pm-risk", "update R-1 status:closed"),
        ("/pm-risk", "close R-1 Vendor hired"),
        ("/pm-risk", "show"),
        ("/pm-risk", "bogus"),
        ("/pm-decision", "supersede D-1 D-2"),
        ("/pm-decision", "supersede D-1"),
        ("/pm-action", "done"),
        ("/pm-program", "show TNS-OLD"),
        ("/pm-program", "archive TNS-OLD"),
        ("/pm-program", "list"),
        ("/pm-pulse", "audit"),
        ("/pm-pulse", "help nonsense"),
    ]:
        with subtests.test(f"{slash} {text}"):
            answer = send(prefixed, slash, text)
            assert answer.status == 200 and answer.ephemeral
            assert not UNPREFIXED_HINT.search(answer.text), answer.text
    closed = send(prefixed, "/pm-risk", "show R-1")
    assert "*Closed*" in closed.text


def test_prefixed_hints_name_the_prefixed_command(prefixed: PulseHarness) -> None:
    ok(send(prefixed, "/pm-program", f"new {APPEALS} Appeals SLA reduction"))
    added = ok(send(prefixed, "/pm-risk", f"add {APPEALS} Vendor cannot hire likelihood:2 impact:2"))
    assert "No review date: set one with `/pm-risk update R-1 review:+2w`." in added.text
    assert (
        "Close a risk with `/pm-risk close R-1 Reason...`"
        in refused(send(prefixed, "/pm-risk", "update R-1 status:closed")).text
    )
    assert "Which risk? e.g. `/pm-risk show R-12`." in refused(send(prefixed, "/pm-risk", "show")).text
    listed = ok(send(prefixed, "/pm-program", "list", user=STRANGER))
    assert "*TNS-APPEALS*" in listed.text
