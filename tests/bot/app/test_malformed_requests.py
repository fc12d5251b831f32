"""Malformed requests to POST /slack/events: unsigned -> 401, malformed -> 400, over 1 MB -> 413 unread;
never a 5xx, never a stack trace in the log, nothing written."""

from __future__ import annotations

import http.client
import json
import logging
import urllib.parse
from typing import Any

import pytest

from bot.ids import ActionId, CallbackId
from bot.signing import signed_headers, slash_command_body
from store.db import Database
from tests.support.app import APPEALS, create_program, nothing_written
from tests.support.harness import SECRET, TEAM, PulseHarness

FORM = "application/x-www-form-urlencoded"
EVENTS = "/slack/events"


def interaction(kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "team": {"id": TEAM, "domain": "pulse-test"},
        "user": {"id": "U0OWNER", "team_id": TEAM},
        "trigger_id": "1.2.3",
        "response_url": "http://127.0.0.1:9/response/x",
        **fields,
    }


def button(**overrides: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": ActionId.ACTION_DONE.value, "value": "A-1", **overrides}


def form(payload: Any) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def no_traces(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing logged with a stack trace, nothing at ERROR."""
    bad = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


COMMAND = slash_command_body(
    command="/risk",
    text=f"add {APPEALS} Forged likelihood:5 impact:5",
    user_id="U0OWNER",
    team_id=TEAM,
    channel_id="C0GENERAL",
    response_url="http://127.0.0.1:9/response/x",
)
JSON = "application/json"
SHAPELESS = {
    "payload={not": ("payload={not", FORM),
    "payload=[]": ("payload=[]", FORM),
    "a form sent as JSON": (COMMAND, JSON),
    "a JSON command": (json.dumps(dict(urllib.parse.parse_qsl(COMMAND))), JSON),
    "not UTF-8": ("payload=%FF", FORM),
    "no content type": (COMMAND, ""),
}


@pytest.mark.parametrize(("body", "content_type"), SHAPELESS.values(), ids=SHAPELESS.keys())
def test_unsigned_malformed_requests_get_401(
    pulse: PulseHarness, database: Database, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    create_program(pulse)
    with nothing_written(database):
        status, _ = pulse.post(EVENTS, body, {"Content-Type": content_type})
    assert status == 401
    no_traces(caplog)


@pytest.mark.parametrize("stamp", ["abc", "", "-1", "1e9", "0x65", " 1700000000"])
def test_a_timestamp_that_is_not_a_number_gets_401(
    pulse: PulseHarness, caplog: pytest.LogCaptureFixture, stamp: str
) -> None:
    headers = {**signed_headers(SECRET, COMMAND), "X-Slack-Request-Timestamp": stamp}
    status, _ = pulse.post(EVENTS, COMMAND, headers)
    assert status == 401
    no_traces(caplog)


@pytest.mark.parametrize(("body", "content_type"), SHAPELESS.values(), ids=SHAPELESS.keys())
def test_signed_malformed_requests_get_a_4xx(
    pulse: PulseHarness, database: Database, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    create_program(pulse)
    with nothing_written(database):
        status, _ = pulse.post(EVENTS, body, signed_headers(SECRET, body, content_type=content_type))
    assert status == (415 if not content_type else 400)
    no_traces(caplog)


def status_before_sending_the_body(pulse: PulseHarness, length: int, headers: dict[str, str]) -> int:
    """The status Pulse answers a request announcing a body of `length` bytes, of which none is sent."""
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(pulse.url).netloc, timeout=10)
    try:
        connection.putrequest("POST", EVENTS)
        for name, value in {**headers, "Content-Length": str(length)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_a_5_mb_body_is_refused_before_it_is_read(
    pulse: PulseHarness, caplog: pytest.LogCaptureFixture, signed: bool
) -> None:
    body = "payload=" + "x" * (5 * 1024 * 1024)
    headers = signed_headers(SECRET, body) if signed else {"Content-Type": FORM}
    assert status_before_sending_the_body(pulse, len(body), headers) == 413
    no_traces(caplog)


def test_a_body_just_under_the_limit_is_read(pulse: PulseHarness) -> None:
    body = "payload=" + "x" * (1024 * 1024 - 8)
    status, _ = pulse.post(EVENTS, body, signed_headers(SECRET, body))
    assert status == 400  # read and found malformed, not refused for its size


SIGNED_BAD = {
    "actions: []": interaction("block_actions", actions=[]),
    "actions: [{}]": interaction("block_actions", actions=[{}]),
    "a null button value": interaction("block_actions", actions=[button(value=None)]),
    "a numeric button value": interaction("block_actions", actions=[button(value=7)]),
    "no trigger_id": {k: v for k, v in interaction("block_actions", actions=[button()]).items() if k != "trigger_id"},
    "view state of the wrong type": interaction(
        "view_submission", view={"callback_id": CallbackId.RISK_UPDATE.value, "state": "values"}
    ),
    "a view that is a list": interaction("view_submission", view=[]),
    "a shortcut without its callback": interaction("shortcut"),
    "an event without its id": {"type": "event_callback", "team_id": TEAM, "event": {}},
}


@pytest.mark.parametrize("payload", SIGNED_BAD.values(), ids=SIGNED_BAD.keys())
def test_signed_payloads_of_the_wrong_shape_get_400(
    pulse: PulseHarness, database: Database, caplog: pytest.LogCaptureFixture, payload: dict[str, Any]
) -> None:
    create_program(pulse)
    is_event = payload["type"] == "event_callback"
    body = json.dumps(payload) if is_event else form(payload)
    headers = signed_headers(SECRET, body, content_type="application/json" if is_event else FORM)
    with nothing_written(database):
        status, _ = pulse.post(EVENTS, body, headers)
    assert status == 400
    no_traces(caplog)


def test_an_alert_id_too_big_for_any_column_says_the_alert_is_gone(
    pulse: PulseHarness, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    create_program(pulse)
    with nothing_written(database):
        answer = pulse.click(ActionId.ALERT_ACK.value, "99999999999999999999")
    assert answer.status == 200
    assert "alert" in answer.plain.lower(), answer.plain
    no_traces(caplog)
