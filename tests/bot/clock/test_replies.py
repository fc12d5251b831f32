"""A reply that could not be posted is not lost: it waits in the outbox and goes out when Slack answers
again, to the response_url while Slack still takes it there, else to the person by DM."""

from __future__ import annotations

import datetime as dt
import time

from bot.slack_stub import RESPONSE_URL
from store import outbox
from store.models import OutboxMessage, OutboxStatus
from tests.support.clock import ANA, make_clock, outbox_rows, posted, tick_at
from tests.support.harness import PulseHarness

SLOW = 3.0  # users.info answers this late: past the 2.5 s ack budget, the command acks "working on it"


def replies(pulse: PulseHarness) -> list[OutboxMessage]:
    return [r for r in outbox_rows(pulse.database) if r.response_url is not None]


def queued_reply(pulse: PulseHarness) -> OutboxMessage:
    """Wait until the app gave up posting the reply and queued it."""
    deadline = time.monotonic() + 20
    while not replies(pulse):
        assert time.monotonic() < deadline, "the reply was never queued"
        time.sleep(0.05)
    (row,) = replies(pulse)
    return row


def response_name(row: OutboxMessage) -> str:
    assert row.response_url is not None
    return row.response_url.rsplit("/", 1)[-1]


def test_a_reply_lost_in_an_outage_is_delivered_once_slack_answers(pulse: PulseHarness) -> None:
    pulse.stub.fail("users.info", delay=SLOW)
    pulse.stub.fail(RESPONSE_URL, 503, times=None)
    ack = pulse.command("/risk", "", user=ANA, wait=False)
    row = queued_reply(pulse)
    name = response_name(row)
    assert pulse.stub.shown(name) == []  # the user has only the "working on it" ack so far

    clock, _ = make_clock(pulse, pace_seconds=0)
    during = tick_at(clock, row.created_at + dt.timedelta(minutes=1))  # Slack still down: retried later
    assert (during.sent, during.retrying) == (0, 1)
    pulse.stub.clear_faults()
    after = tick_at(clock, row.created_at + dt.timedelta(minutes=3))

    assert after.sent == 1
    (shown,) = pulse.stub.shown(name)
    assert shown["replace_original"] is True  # it takes the place of the "working on it" ack
    assert "/risk" in str(shown["blocks"])  # the usage the empty command asked for
    assert "/risk" not in ack.text
    assert not [m for m in posted(pulse.stub) if m.is_dm]
    assert [r.status for r in replies(pulse)] == [OutboxStatus.SENT]


def test_a_reply_whose_response_url_expired_goes_by_dm(pulse: PulseHarness) -> None:
    pulse.stub.fail("users.info", delay=SLOW)
    pulse.stub.fail(RESPONSE_URL, 503, times=None)
    pulse.command("/risk", "", user=ANA, wait=False)
    row = queued_reply(pulse)

    clock, _ = make_clock(pulse, pace_seconds=0)
    report = tick_at(clock, row.created_at + outbox.RESPONSE_URL_LIFETIME + dt.timedelta(minutes=1))

    assert report.sent == 1
    assert pulse.stub.responses(response_name(row)) == []  # the response_url was not used past its life
    (dm,) = [m for m in posted(pulse.stub) if m.is_dm]
    assert dm.to == ANA
    assert "/risk" in dm.text


def test_a_reply_goes_by_dm_after_the_response_urls_last_use(pulse: PulseHarness) -> None:
    pulse.stub.fail("users.info", delay=SLOW)
    pulse.stub.fail(RESPONSE_URL, 503, times=None)
    pulse.command("/risk", "", user=ANA, wait=False)
    row = queued_reply(pulse)

    clock, _ = make_clock(pulse, pace_seconds=0)
    at = row.created_at
    for _ in range(outbox.RESPONSE_URL_USES):  # each retry waits out its backoff, all within 30 minutes
        (current,) = replies(pulse)
        at = max(at, current.next_attempt_at)
        tick_at(clock, at)
    (current,) = replies(pulse)
    assert current.status == OutboxStatus.SENT
    (dm,) = [m for m in posted(pulse.stub) if m.is_dm]
    assert dm.to == ANA
    assert at < row.created_at + outbox.RESPONSE_URL_LIFETIME
