"""Only requests signed with the signing secret, within five minutes, are served; /healthz answers."""

from __future__ import annotations

import json
import time

import pytest

from bot.signing import signed_headers, slash_command_body
from store.db import Database
from tests.support.app import ADMIN, APPEALS, GENERAL, STRANGER, create_program, nothing_written, ok
from tests.support.harness import SECRET, TEAM, PulseHarness

FORGED_RISK = f"add {APPEALS} Forged likelihood:5 impact:5"


def body_for(pulse: PulseHarness, text: str, *, user: str = STRANGER, command: str = "/risk") -> str:
    return slash_command_body(
        command=command,
        text=text,
        user_id=user,
        team_id=TEAM,
        channel_id=GENERAL,
        response_url=pulse.stub.response_url(f"unsigned-{time.monotonic_ns()}"),
    )


def assert_nothing_ran(pulse: PulseHarness, responses_before: int) -> None:
    """No reply went out for the refused request: a later valid command is the only one answered."""
    ok(pulse.command("/pulse", "whoami"))
    assert len(pulse.stub.responses()) == responses_before  # the valid one was answered in its ack
    assert pulse.stub.payloads("chat.postMessage") == []


@pytest.mark.parametrize(
    ("secret", "age_seconds"),
    [("not-the-signing-secret", 0), (SECRET, 6 * 60), (SECRET, -6 * 60)],
    ids=["wrong secret", "six minutes old", "six minutes ahead"],
)
def test_badly_signed_or_stale_requests_get_401_and_change_nothing(
    pulse: PulseHarness, database: Database, secret: str, age_seconds: int
) -> None:
    create_program(pulse, fields="channel:<#C0APPEALS|tns-appeals>")
    responses = len(pulse.stub.responses())
    with nothing_written(database):
        answer = pulse.command("/risk", FORGED_RISK, secret=secret, timestamp=int(time.time()) - age_seconds)
        assert answer.status == 401
    assert_nothing_ran(pulse, responses)


def test_a_request_four_minutes_old_is_still_served(pulse: PulseHarness) -> None:
    create_program(pulse)
    answer = pulse.command(
        "/risk", f"add {APPEALS} Late but fine likelihood:1 impact:1", timestamp=int(time.time()) - 240
    )
    assert ok(answer).text.startswith("R-1 added to TNS-APPEALS")


def test_the_caller_cannot_be_changed_after_signing(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    body = body_for(pulse, f"archive {APPEALS}", command="/program")
    headers = signed_headers(SECRET, body)
    forged = body.replace(f"user_id={STRANGER}", f"user_id={ADMIN}")
    assert forged != body
    responses = len(pulse.stub.responses())
    with nothing_written(database):
        status, _ = pulse.post("/slack/events", forged, headers)
        assert status == 401
    assert_nothing_ran(pulse, responses)


def test_unsigned_requests_get_401(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    with nothing_written(database):
        status, _ = pulse.post(
            "/slack/events", body_for(pulse, FORGED_RISK), {"Content-Type": "application/x-www-form-urlencoded"}
        )
    assert status == 401


def test_healthz(pulse: PulseHarness) -> None:
    status, raw = pulse.get("/healthz")
    assert status == 200
    assert json.loads(raw)["ok"] is True
