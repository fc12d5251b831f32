"""Hostile input: random, huge, unicode, forged markup and other teams' IDs, sent as signed HTTP to the real app
through every slash command, every button and every form. Each request must be answered (no 5xx), log no stack
trace, leave every table as it was when the answer is an error, and no payload Pulse sends may carry `<!...>`
(Pulse builds no broadcast, so any `<!` is one smuggled in).

Prints `hostile input: N tried, N held` (past pytest's capture).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ids import ActionId, CallbackId
from bot.listeners.actions import FORM_BUTTONS
from bot.slack_stub import Call, SlackStub
from commands.parse import COMMANDS
from store.db import Database
from tests.support.app import (
    ANA,
    MEMBER,
    OWNER,
    STRANGER,
    add_action,
    add_risk,
    assert_unchanged,
    channel_link,
    create_program,
    log_decision,
    table_rows,
)
from tests.support.figures import area_figures
from tests.support.harness import Answer, PulseHarness

OTHER_TEAM, OTHER_USER, OTHER_CHANNEL = "T0OTHER", "U0OTHERTEAM", "C0OTHERTEAM"
BROADCAST = re.compile(r"<!", re.IGNORECASE)  # any `<!`: <!channel>, <!HERE|x>, <!subteam^...>, <!date^...>
ZWSP, RLO = "\u200b", "\u202e"
FORGED = [
    "<!channel> <!here>",
    "<!here|<!channel>>",
    "<!CHANNEL>",
    "<!Here>",
    "<!channel >",
    f"<!channel{ZWSP}>",
    "<!everyone>",
    "<!subteam^S1|@leads>",
    "<!date^1392734382^{date}|x>",
    "<@U123>",
    f"<@{OTHER_USER}|x>",
    "<#C1>",
    f"<#{OTHER_CHANNEL}|other>",
    "<https://x|y>",
    "&amp;",
    "&lt;!channel&gt;",
    "&#60;!channel&#62;",
    "`<!here>`",
    "*<!here>*",
]
UNICODE = [
    "שלום",
    "🚨" * 20,
    "e\u0301",
    RLO + "olleh",
    "\x00",
    "\ufeff",
    "\U0010ffff",
    "\U0001d57f\U0001d58a",
    "\t\n\r",
]
IDS = ["R-1", "A-1", "D-1", "M-1", "K-1", "S-1", "ASK-1", "R-99999999999999999999", "TNS-FUZZ", "TNS-HUSH"]
pieces = st.one_of(
    st.sampled_from(FORGED),
    st.sampled_from(UNICODE),
    st.sampled_from(IDS),
    st.text(max_size=30),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from([3001, 40_000]).map(lambda n: "x" * n),  # past every column, and huge
)
hostile_text = st.lists(pieces, max_size=6).map(" ".join)
SUBCOMMANDS = sorted({sub for command in COMMANDS.values() for sub in command.subs})
TEAMS = st.sampled_from(["T0TEST", "T0TEST", OTHER_TEAM])
USERS = st.sampled_from([OWNER, STRANGER, MEMBER, OTHER_USER, "U0NEW"])


@dataclass(frozen=True)
class Slash:
    command: str
    text: str
    user: str
    team: str


@dataclass(frozen=True)
class Click:
    action_id: str
    value: str
    user: str
    team: str


@dataclass(frozen=True)
class Submit:
    values: dict[str, dict[str, Any]]
    metadata: str
    user: str
    team: str


slash = st.builds(
    Slash,
    st.sampled_from(sorted(COMMANDS)),
    st.builds(lambda sub, rest: f"{sub} {rest}", st.sampled_from([*SUBCOMMANDS, ""]), hostile_text),
    USERS,
    TEAMS,
)
# Every button answers the clicker by response_url (Acknowledge too: no alert exists), but those that open a
# form (Update, Update status, New program ...), which open it or say why not in an ephemeral message.
OPENS_FORM = set(FORM_BUTTONS)
FORM_ANSWERS = {"views.open", "chat.postEphemeral"}
click = st.builds(Click, st.sampled_from(list(ActionId)), st.one_of(st.sampled_from(IDS), hostile_text), USERS, TEAMS)
select = st.one_of(st.sampled_from(["1", "5", "9", "-1", "x"]), hostile_text).map(
    lambda v: {"type": "static_select", "selected_option": {"value": v}}
)
form_values = st.fixed_dictionaries(
    {},
    optional={
        "likelihood": select,
        "impact": select,
        "status": select,
        "review": st.one_of(st.sampled_from(["2030-01-01", "9999-99-99"]), hostile_text).map(
            lambda v: {"type": "datepicker", "selected_date": v}
        ),
        "mitigation": hostile_text.map(lambda v: {"type": "plain_text_input", "value": v}),
    },
)
submit = st.builds(Submit, form_values, st.one_of(st.sampled_from(IDS), hostile_text), USERS, TEAMS)
requests = st.one_of(slash, slash, click, submit)


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


@pytest.fixture
def seeded(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    """A program and a restricted one, each with a risk, a decision and an action; no alert (see OPENS_FORM)."""
    pulse = PulseHarness(database, stub, PULSE_ADMINS="U0ADMIN", PULSE_ESCALATION_CHANNEL="C0ESC")
    create_program(pulse, "TNS-FUZZ", "Fuzzing", fields=f"channel:{channel_link('C0FUZZ', 'fuzz')}")
    create_program(pulse, "TNS-HUSH", "Hush", fields=f"restricted:yes members:<@{MEMBER}> channels:<#C0SECRET>")
    for key, owner in (("TNS-FUZZ", ANA), ("TNS-HUSH", MEMBER)):
        add_risk(pulse, "Vendor slow", 2, 3, key=key, fields=f"owner:<@{owner}>")
        log_decision(pulse, "Use vendor B", key=key)
        add_action(pulse, "Call the vendor", key=key, owner=owner)
    yield pulse
    pulse.close()


def send(pulse: PulseHarness, request: Slash | Click | Submit) -> Answer:
    if isinstance(request, Slash):  # answered in the ack, or (a bare command) by the form it opens
        answered = len([c for c in pulse.stub.calls() if c.method in FORM_ANSWERS])
        answer = pulse.command(f"/{request.command}", request.text, user=request.user, team=request.team, wait=False)
        if answer.status == 200 and not answer.body:
            pulse.stub.wait_for(lambda e: isinstance(e, Call) and e.method in FORM_ANSWERS, answered + 1, timeout=10)
        return answer
    if isinstance(request, Click) and request.action_id in OPENS_FORM:
        answered = len([c for c in pulse.stub.calls() if c.method in FORM_ANSWERS])
        answer = pulse.click(request.action_id, request.value, user=request.user, team=request.team, wait=False)
        pulse.stub.wait_for(lambda e: isinstance(e, Call) and e.method in FORM_ANSWERS, answered + 1, timeout=10)
        return answer
    if isinstance(request, Click):
        return pulse.click(request.action_id, request.value, user=request.user, team=request.team)
    return pulse.submit_view(
        CallbackId.RISK_UPDATE, request.values, private_metadata=request.metadata, user=request.user, team=request.team
    )


def writes_nothing(request: Slash | Click | Submit, answer: Answer) -> bool:
    """The request may not have written: opening a form, or an answer that refuses (an ephemeral warning or
    usage, or a form's field errors)."""
    if isinstance(request, Click) and request.action_id in OPENS_FORM:
        return True
    if isinstance(request, Submit):
        return answer.body.get("response_action") == "errors"
    return answer.text.startswith((":warning:", "*/"))


def broadcasts(values: Any) -> list[str]:
    """Every string Slack would read as markup (all but plain_text objects) that holds `<!`."""
    if isinstance(values, str):
        return [values] if BROADCAST.search(values) else []
    if isinstance(values, dict):
        if values.get("type") == "plain_text":
            return []
        return [hit for value in values.values() for hit in broadcasts(value)]
    if isinstance(values, list):
        return [hit for value in values for hit in broadcasts(value)]
    return []


def traces(records: list[logging.LogRecord]) -> list[str]:
    return [r.getMessage() for r in records if r.exc_info or r.levelno >= logging.ERROR]


def test_hostile_input_is_refused_cleanly(
    seeded: PulseHarness, database: Database, caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest
) -> None:

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(sent=requests)
    def one(sent: Slash | Click | Submit) -> None:
        tally["tried"] += 1
        caplog.clear()
        before = table_rows(database)
        sent_before = len(seeded.stub.calls())
        answer = send(seeded, sent)
        assert answer.status == 200, (sent, answer)
        assert "Something went wrong" not in answer.text, (sent, answer.text)
        if writes_nothing(sent, answer):
            assert_unchanged(before, table_rows(database))
        assert not broadcasts(answer.body), (sent, answer.body)
        posted = [c.payload for c in seeded.stub.calls()[sent_before:]]
        assert not broadcasts(posted), (sent, json.dumps(posted)[:2000])
        assert not traces(caplog.records), (sent, traces(caplog.records))
        tally["held"] += 1

    with area_figures(request, "hostile input") as tally, caplog.at_level(logging.WARNING):
        one()
