"""Replay: every kind of request Slack sends, sent twice (at once, with X-Slack-Retry-Num, to the other
replica, or signed 270 s ago), is applied once, and the second gets the first one's answer."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest

from bot.ids import ActionId, CallbackId
from bot.signing import signed_headers
from bot.slack_stub import SlackStub
from store.db import Database
from store.models import Action, AuditEvent, Risk, StatusUpdate
from tests.support.app import (
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    add_action,
    add_risk,
    create_program,
    fetch,
    fetch_all,
    mention,
    ok,
    posts_to,
    table_rows,
)
from tests.support.harness import SECRET, TEAM, PulseHarness

EVENTS = "/slack/events"
HOW = ["at once", "with X-Slack-Retry-Num", "to the other replica", "signed 270 s ago"]
RISK_FORM = {
    "likelihood": {"type": "static_select", "selected_option": {"value": "4"}},
    "impact": {"type": "static_select", "selected_option": {"value": "5"}},
}


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


@pytest.fixture
def replicas(database: Database, stub: SlackStub) -> Iterator[tuple[PulseHarness, PulseHarness]]:
    """Two Pulse apps on one database, as two `pulse serve` replicas behind a load balancer."""
    first, second = PulseHarness(database, stub), PulseHarness(database, stub)
    yield first, second
    first.close()
    second.close()


def resend(sender: PulseHarness, to: PulseHarness, how: str) -> tuple[int, bytes]:
    """Send `sender`'s last request again, byte for byte, the way `how` says."""
    body, headers = sender.sent[-1]
    if how == "with X-Slack-Retry-Num":
        headers = {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    return to.post(EVENTS, body, headers)


def signed_at(how: str) -> int:
    """When the first request is signed: 270 s ago for the stale case (as the probe did), else now."""
    return int(time.time()) - (270 if how == "signed 270 s ago" else 0)


class Figures:
    tried = 0
    held = 0


@pytest.fixture(scope="module")
def figures() -> Iterator[type[Figures]]:
    yield Figures
    print(f"\nreplay: {Figures.tried} tried, {Figures.held} held")


def _held(figures: type[Figures], first: object, second: object, applied_once: bool) -> None:
    figures.tried += 1
    assert second == first, (first, second)  # the replay gets the first answer
    assert applied_once
    figures.held += 1


def _settle(*replicas: PulseHarness) -> None:
    """Wait for the work each replica runs after its acks (a click's use case and reply)."""
    for replica in replicas:
        replica.runtime.close()


@pytest.mark.parametrize("how", HOW)
def test_a_status_report_sent_twice_is_posted_once(
    replicas: tuple[PulseHarness, PulseHarness], database: Database, figures: type[Figures], how: str
) -> None:
    a, b = replicas
    create_program(a, fields=f"channel:<#{APPEALS_CHANNEL}|tns-appeals>")
    answer = ok(a.command("/program", f"status {APPEALS} red Vendor slipped", timestamp=signed_at(how)))
    status, raw = resend(a, b if how == "to the other replica" else a, how)
    _settle(a, b)
    applied_once = len(fetch_all(database, StatusUpdate)) == 1 and len(posts_to(a.stub, APPEALS_CHANNEL)) == 1
    _held(figures, (200, answer.body), (status, json.loads(raw)), applied_once)


@pytest.mark.parametrize("how", HOW)
def test_a_risk_added_twice_is_added_once(
    replicas: tuple[PulseHarness, PulseHarness], database: Database, figures: type[Figures], how: str
) -> None:
    a, b = replicas
    create_program(a)
    text = f"add {APPEALS} Vendor cannot hire likelihood:2 impact:3"
    answer = ok(a.command("/risk", text, timestamp=signed_at(how)))
    status, raw = resend(a, b if how == "to the other replica" else a, how)
    _held(figures, (200, answer.body), (status, json.loads(raw)), len(fetch_all(database, Risk)) == 1)


@pytest.mark.parametrize("how", HOW[:3])
def test_a_button_clicked_once_and_replayed_runs_once(
    replicas: tuple[PulseHarness, PulseHarness], database: Database, figures: type[Figures], how: str
) -> None:
    a, b = replicas
    create_program(a)
    number = add_action(a, owner="U0OWNER")
    audits = len(fetch_all(database, AuditEvent))
    answer = a.click(ActionId.ACTION_DONE.value, f"A-{number}")
    assert "done" in answer.plain.lower(), answer.plain
    replies = len(a.stub.responses())
    second = resend(a, b if how == "to the other replica" else a, how)
    _settle(a, b)
    applied_once = (
        len(fetch_all(database, AuditEvent)) == audits + 1
        and fetch(database, Action, number=number).status == "done"
        and len(a.stub.responses()) == replies  # no second reply to the click
    )
    _held(figures, (200, b""), second, applied_once)


@pytest.mark.parametrize("how", HOW[:3])
def test_a_form_submitted_once_and_replayed_is_saved_once(
    replicas: tuple[PulseHarness, PulseHarness], database: Database, figures: type[Figures], how: str
) -> None:
    a, b = replicas
    create_program(a)
    number = add_risk(a, "Vendor attrition", 1, 1, fields=f"owner:{mention(ANA)}")
    answer = a.submit_view(CallbackId.RISK_UPDATE.value, RISK_FORM, private_metadata=f"R-{number}", user=ANA)
    assert answer.status == 200 and "response_action" not in answer.body, answer.body
    audits = len(fetch_all(database, AuditEvent, entity_ref=f"R-{number}"))
    second = resend(a, b if how == "to the other replica" else a, how)
    _settle(a, b)
    risk = fetch(database, Risk, number=number)
    applied_once = (risk.likelihood, risk.impact) == (4, 5) and len(
        fetch_all(database, AuditEvent, entity_ref=f"R-{number}")
    ) == audits
    _held(figures, (200, b""), second, applied_once)


def test_an_event_retried_by_slack_is_handled_once(
    replicas: tuple[PulseHarness, PulseHarness], figures: type[Figures], caplog: pytest.LogCaptureFixture
) -> None:
    """Slack retries an event as a new request (new timestamp and signature) with the same event_id."""
    a, b = replicas
    event = {"type": "event_callback", "team_id": TEAM, "event_id": "Ev0PULSE1", "event": {"type": "app_mention"}}
    body = json.dumps(event)
    caplog.set_level(logging.WARNING, logger="pulse.bolt")
    signed_before = signed_headers(SECRET, body, timestamp=int(time.time()) - 60, content_type="application/json")
    first = a.post(EVENTS, body, signed_before)
    retry = {**signed_headers(SECRET, body, content_type="application/json"), "X-Slack-Retry-Num": "1"}
    second = b.post(EVENTS, body, retry)
    seen_by_bolt = [r for r in caplog.records if r.name == "pulse.bolt" and "Unhandled request" in r.getMessage()]
    _held(figures, first, second, len(seen_by_bolt) == 1)


def test_replays_write_nothing_but_their_fingerprint(
    replicas: tuple[PulseHarness, PulseHarness], database: Database
) -> None:
    a, b = replicas
    create_program(a)
    ok(a.command("/risk", f"add {APPEALS} Vendor cannot hire likelihood:2 impact:3"))
    before = table_rows(database)
    for _ in range(3):
        resend(a, b, "at once")
    after = table_rows(database)
    assert {name for name in before if before[name] != after[name]} == set()
