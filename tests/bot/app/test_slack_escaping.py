"""What people type reaches Slack escaped, once: no broadcast, mention or link they typed ever pings or links.

Typed through slash commands (as Slack sends them, `&` already escaped) and through the risk form, posted to
program and escalation channels, in digests and DMs, and answered to the typist.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.ids import CallbackId
from bot.slack_stub import SlackStub
from store.db import Database
from store.models import Risk
from tests.support.app import ANA, APPEALS, APPEALS_CHANNEL, OWNER, add_risk, channel_link, create_program, fetch, ok
from tests.support.clock import at, make_clock, tick_at
from tests.support.harness import PulseHarness

ESCALATION = "C0ESC"
ZWSP = "\u200b"
# The probe's payloads: broadcasts in every spelling, nested, mentions, channels, links and an entity.
PROBES = [
    "<!channel> <!here>",
    "<!here|<!channel>>",
    "<!CHANNEL>",
    "<!Here>",
    "<!channel >",
    f"<!channel{ZWSP}>",
    "<!everyone>",
    "<@U123>",
    "<#C1>",
    "<https://x|y>",
]
PROBE_TEXT = " ".join(PROBES)
# Every `<...>` that a probe could smuggle through: none may reach Slack unescaped.
SMUGGLED = re.compile(r"<(?:!|@U123|#C1|https://x)", re.IGNORECASE)


@pytest.fixture
def pulse(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    harness = PulseHarness(database, stub, PULSE_ADMINS="U0ADMIN", PULSE_ESCALATION_CHANNEL=ESCALATION)
    yield harness
    harness.close()


def strings(value: Any) -> Iterator[str]:
    """Every string of a payload that Slack reads as markup: all but plain_text objects (headers, buttons), whose
    text Slack shows as it is (so Pulse unescapes it)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict) and value.get("type") != "plain_text":
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def sent_to_slack(stub: SlackStub) -> list[str]:
    """Every string Pulse sent Slack: channel posts, DMs, updates, ephemeral posts and response_url replies."""
    payloads = [c.payload for c in stub.calls() if c.method.startswith(("chat.", "views."))]
    payloads += [p.payload for p in stub.responses()]
    return [text for payload in payloads for text in strings(payload)]


def assert_only_escaped(stub: SlackStub) -> list[str]:
    texts = sent_to_slack(stub)
    leaks = [text for text in texts if SMUGGLED.search(text)]
    assert not leaks, leaks
    assert not [text for text in texts if "&amp;lt;" in text or "R&amp;amp;D" in text], "escaped twice"
    return texts


def posts_in(stub: SlackStub, channel: str) -> str:
    return "\n".join(t for p in stub.payloads("chat.postMessage") if p.get("channel") == channel for t in strings(p))


def test_slash_text_is_posted_escaped_everywhere(pulse: PulseHarness) -> None:
    create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
    typed = f"Vendor R&amp;D {PROBE_TEXT}"  # Slack sends a typed `&` as `&amp;`
    risk = add_risk(pulse, typed, 5, 5, fields=f"owner:<@{ANA}|ana> mitigation:{PROBE_TEXT}")
    assert fetch(pulse.database, Risk, number=risk).title == f"Vendor R&D {PROBE_TEXT}"  # stored as typed
    replies = [
        ok(pulse.command("/program", f"status {APPEALS} red {typed}")),
        ok(pulse.command("/decision", f"log {APPEALS} {typed} why:{PROBE_TEXT}")),
        ok(pulse.command("/action", f"add {APPEALS} {typed} owner:<@{ANA}|ana> due:2030-01-15")),
        ok(pulse.command("/digest", f"send {APPEALS}", channel=APPEALS_CHANNEL)),
        ok(pulse.command("/digest", "send", channel=APPEALS_CHANNEL, user="U0ADMIN")),
        ok(pulse.command("/risk", f"list {APPEALS}")),
        ok(pulse.command("/risk", f"show R-{risk}")),
    ]
    assert "&lt;!channel&gt;" in replies[-1].text
    assert not [r.text for r in replies if any(SMUGGLED.search(t) for t in strings(r.body))]
    assert "posted to <#C0APPEALS>." in replies[0].text  # channels Pulse names still link

    assert_only_escaped(pulse.stub)
    program_posts, alerts, dms = (
        posts_in(pulse.stub, where) for where in (APPEALS_CHANNEL, ESCALATION, pulse.stub.dm_channel(ANA))
    )
    for where in (program_posts, alerts, dms):
        assert "&lt;!channel&gt; &lt;!here&gt;" in where
        assert "Vendor R&amp;D" in where  # `&` once as `&amp;`
    assert "&lt;!here|&lt;!channel&gt;&gt;" in program_posts
    assert f"&lt;!channel{ZWSP}&gt;" in program_posts
    assert "&lt;https://x|y&gt;" in program_posts
    assert f"<@{ANA}>" in alerts  # mentions Pulse builds still mention


def test_the_risk_form_is_posted_escaped(pulse: PulseHarness) -> None:
    create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
    add_risk(pulse, "Vendor cannot hire", 2, 2, fields=f"owner:<@{ANA}|ana>")
    mitigation = f"Plan B & C {PROBE_TEXT} &amp;"  # a form sends text exactly as typed
    now = dt.datetime.now(dt.UTC)
    with at(now):
        answer = pulse.submit_view(
            CallbackId.RISK_UPDATE,
            {
                "likelihood": {"type": "static_select", "selected_option": {"value": "5"}},
                "impact": {"type": "static_select", "selected_option": {"value": "5"}},
                "mitigation": {"type": "plain_text_input", "value": mitigation},
            },
            private_metadata="R-1",
            user=ANA,
        )
    assert (answer.status, answer.body) == (200, {})
    assert fetch(pulse.database, Risk, number=1).mitigation == mitigation
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, now + dt.timedelta(minutes=1))  # the critical alert, if not out already
    ok(pulse.command("/risk", "show R-1", channel=APPEALS_CHANNEL))
    ok(pulse.command("/digest", f"send {APPEALS}", channel=APPEALS_CHANNEL))

    assert_only_escaped(pulse.stub)
    alerts = posts_in(pulse.stub, ESCALATION)
    assert "*Mitigation:* Plan B &amp; C &lt;!channel&gt; &lt;!here&gt; &lt;!here|&lt;!channel&gt;&gt;" in alerts
    assert "&lt;https://x|y&gt; &amp;amp;" in alerts  # the five characters `&amp;` typed in the form, as typed


def test_the_risk_form_shows_typed_text_escaped(pulse: PulseHarness) -> None:
    create_program(pulse)
    add_risk(pulse, f"Vendor {PROBE_TEXT}", 2, 2, fields=f"owner:<@{OWNER}|owner>")
    answer = pulse.command("/risk", "update R-1", wait=False)
    assert (answer.status, answer.body) == (200, {})
    (opened,) = pulse.stub.payloads("views.open")
    view = opened["view"]
    heading = view["blocks"][0]["text"]
    assert heading == {"type": "plain_text", "text": f"R-1 Vendor {PROBE_TEXT}", "emoji": True}  # shown, never read
    texts = [b["text"]["text"] for b in view["blocks"] if b.get("text", {}).get("type") == "mrkdwn"]
    assert not any(SMUGGLED.search(text) for text in texts)
