"""Exactly once: deciding twice sends once; Slack's failures are retried until each message is delivered
once; what can never be delivered ends up failed and visible to admins; posts to a channel are paced."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.clock.clock import Clock
from bot.delivery import Deliverer
from bot.runtime import Runtime
from store import outbox
from store.models import OutboxStatus
from tests.support.clock import (
    ADMIN,
    ANA,
    CLASSIFY,
    CLASSIFY_CHANNEL,
    CREW,
    HEATMAPS,
    LEADS,
    MORNING,
    STRANGER,
    FakeSleep,
    assert_each_delivered_once,
    at,
    busy_morning,
    make_clock,
    outbox_rows,
    posted,
    tick_at,
)
from tests.support.harness import TOKEN, PulseHarness

MINUTE = dt.timedelta(minutes=1)


def test_ticking_twice_for_the_same_instant_sends_nothing_new(pulse: PulseHarness) -> None:
    due = busy_morning(pulse)
    clock, _ = make_clock(pulse, pace_seconds=0)
    first = tick_at(clock, MORNING)
    assert first.queued == {"digest messages": 4 + HEATMAPS, "reminders": len(CREW), "alert repeats": 0, "check-ins": 0}
    assert (first.sent, first.retrying, first.failed) == (due, 0, 0)

    again = tick_at(clock, MORNING)
    other_process, _ = make_clock(pulse, pace_seconds=0)  # a second scheduler, or a restarted one
    also = tick_at(other_process, MORNING)
    later = tick_at(other_process, MORNING + 30 * MINUTE)  # still in the DM window, same digest period
    for report in (again, also, later):
        assert sum(report.queued.values()) == 0 and report.sent == 0
        assert "queued nothing new; delivered 0" in report.summary()
    assert_each_delivered_once(pulse, due)
    assert {m.to for m in posted(pulse.stub) if m.is_dm} == set(CREW)


def test_flaky_slack_every_message_delivered_exactly_once(pulse: PulseHarness) -> None:
    due = busy_morning(pulse)
    pulse.stub.fail("chat.postMessage", 429, retry_after=90, times=3)  # first a burst of rate limits
    pulse.stub.flaky("chat.postMessage", share=0.3, status=500, seed=11)  # then three in ten calls fail
    clock, _ = make_clock(pulse, pace_seconds=0)

    now, ticks = MORNING, 0
    while any(r.status != OutboxStatus.SENT for r in outbox_rows(pulse.database)) or ticks == 0:
        report = tick_at(clock, now)
        assert report.failed == 0
        now, ticks = now + MINUTE, ticks + 1
        assert ticks < 120, "still not delivered after two hours"

    assert_each_delivered_once(pulse, due)
    statuses = Counter(c.status for c in pulse.stub.calls("chat.postMessage"))
    assert statuses[429] == 3 and statuses[500] > 3  # the faults really happened
    # A message whose post got a server error may have landed after all: Pulse looked before re-sending.
    assert pulse.stub.call_count("conversations.history") + pulse.stub.call_count("conversations.replies") > 0


def test_a_rate_limited_message_waits_for_retry_after(pulse: PulseHarness) -> None:
    due = busy_morning(pulse)
    pulse.stub.fail("chat.postMessage", 429, retry_after=120, times=1)  # the first post: #leads' digest
    clock, _ = make_clock(pulse, pace_seconds=0)
    first = tick_at(clock, MORNING)
    assert (first.sent, first.retrying) == (due - 3, 3)
    summary, reply, heatmap = [r for r in outbox_rows(pulse.database) if r.status == OutboxStatus.PENDING]
    assert (summary.channel_id, summary.last_error, summary.attempts) == (LEADS, "ratelimited", 1)
    assert summary.next_attempt_at == MORNING + dt.timedelta(seconds=120)
    # Its thread reply and its heat map wait for it, without using up their own attempts.
    for waiting in (reply, heatmap):
        assert (waiting.thread_parent_id, waiting.attempts, waiting.next_attempt_at) == (
            summary.id,
            0,
            summary.next_attempt_at,
        )
    assert pulse.stub.files() == [] or all(f.channel != LEADS for f in pulse.stub.files())

    calls = pulse.stub.call_count("chat.postMessage")
    assert tick_at(clock, MORNING + MINUTE).sent == 0
    assert pulse.stub.call_count("chat.postMessage") == calls  # not retried before Retry-After
    assert tick_at(clock, MORNING + 2 * MINUTE).sent == 3
    assert_each_delivered_once(pulse, due)


def test_undeliverable_messages_end_up_failed_and_listed_for_admins(pulse: PulseHarness) -> None:
    busy_morning(pulse)
    # The leadership channel was archived: a permanent error, no retries; its thread reply and heat map give up too.
    pulse.stub.on(
        "chat.postMessage",
        lambda p: (
            {"ok": False, "error": "is_archived"}
            if p["channel"] == LEADS
            else pulse.stub.default_answer("chat.postMessage", p)
        ),
    )
    clock, _ = make_clock(pulse, pace_seconds=0)
    assert tick_at(clock, MORNING).failed == 2 + HEATMAPS

    # Then Slack answers 500 to every post, and someone sends a digest now.
    pulse.stub.fail("chat.postMessage", 500, times=None)
    with at(MORNING + MINUTE):
        sent = pulse.command("/digest", f"send {CLASSIFY}", user=ANA)
    assert f"Posting to <#{CLASSIFY_CHANNEL}> is delayed (internal_error)" in sent.text, sent.text
    now = MORNING + MINUTE
    for _ in range(24):  # the backoff doubles from 30 s: eight attempts take a little over an hour
        now += dt.timedelta(minutes=5)
        tick_at(clock, now)

    failed = {
        (r.channel_id, r.kind): (r.attempts, r.last_error)
        for r in outbox_rows(pulse.database)
        if r.status == OutboxStatus.FAILED
    }
    assert failed == {
        (LEADS, "digest"): (1, "is_archived"),
        (LEADS, "digest_detail"): (1, "parent_failed"),
        (LEADS, "digest_file"): (1, "parent_failed"),
        (CLASSIFY_CHANNEL, "digest"): (outbox.MAX_ATTEMPTS, "outcome unknown: internal_error"),
        (CLASSIFY_CHANNEL, "digest_detail"): (1, "parent_failed"),  # it waited for its summary, then gave up
    }
    with at(now):
        answer = pulse.command("/pulse", "outbox", user=ADMIN)
        refused = pulse.command("/pulse", "outbox", user=STRANGER)
    assert answer.text.startswith("*5 messages not delivered*"), answer.text
    assert f"digest to <#{LEADS}> · 1 attempt · is_archived" in answer.text
    assert f"digest_detail to <#{LEADS}> · 1 attempt · parent_failed" in answer.text
    assert (
        f"digest to <#{CLASSIFY_CHANNEL}> · {outbox.MAX_ATTEMPTS} attempts · outcome unknown: internal_error"
        in answer.text
    )
    assert answer.text.count(":x: failed") == 5
    assert refused.text.startswith(":warning: Only Pulse admins")


def test_posts_to_one_channel_are_paced(pulse: PulseHarness) -> None:
    due = busy_morning(pulse)
    clock, sleeps = make_clock(pulse, pace_seconds=30)
    report = tick_at(clock, MORNING)
    assert report.sent == due
    # Sixteen posts, to two channels and twelve DMs, and #leads' heat map: only each digest's thread reply and
    # the heat map had to wait for what was just sent to the same channel.
    assert len(sleeps.calls) == 2 + HEATMAPS
    assert all(0 < s <= 30 for s in sleeps.calls), sleeps.calls  # the heat map's wait is shorter by its drawing
    assert sum(s > 29 for s in sleeps.calls) >= 2, sleeps.calls
    by_channel = Counter(m.channel for m in posted(pulse.stub))
    assert by_channel[LEADS] == by_channel[CLASSIFY_CHANNEL] == 2


def test_a_post_whose_answer_was_lost_is_found_not_sent_again(
    pulse: PulseHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack posted the message but the answer never came back (a timeout): the retry finds it by its
    metadata in the channel history (or the thread, for a reply) and records it instead of re-posting."""
    due = busy_morning(pulse)
    lost = {"digest:S-1:2027-03-01#1", f"dm:{CREW[0]}:2027-03-01"}  # #leads' thread reply, the first DM

    def accept_then_stall(payload: dict[str, Any]) -> dict[str, Any]:
        answer = pulse.stub.default_answer("chat.postMessage", payload)  # Slack has it now
        if payload["metadata"]["event_payload"]["dedupe_key"] in lost:
            time.sleep(2.5)  # longer than the client waits
        return answer

    pulse.stub.on("chat.postMessage", accept_then_stall)
    client = WebClient(token=TOKEN, base_url=pulse.stub.api_url, timeout=1, retry_handlers=[])
    runtime = Runtime.build(pulse.settings, pulse.database, client)
    runtime.deliverer = Deliverer(pulse.database, client, pace_seconds=0, sleep=FakeSleep())
    clock = Clock(runtime)

    first = tick_at(clock, MORNING)
    assert first.retrying == 2
    pulse.stub.wait_for("chat.postMessage", count=due - HEATMAPS)  # the stalled posts are in Slack by now
    unknown = {r.dedupe_key: r.last_error for r in outbox_rows(pulse.database) if outbox.outcome_unknown(r)}
    assert unknown == dict.fromkeys(lost, "outcome unknown: TimeoutError")
    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        second = tick_at(clock, MORNING + 2 * MINUTE)
    assert (second.sent, second.retrying) == (2, 0)
    assert len([r for r in caplog.records if "already in Slack" in r.getMessage()]) == 2
    assert len(posted(pulse.stub)) == due - HEATMAPS  # nothing posted twice
    assert_each_delivered_once(pulse, due)
    assert pulse.stub.call_count("conversations.replies") == 1  # the reply was looked for in its thread
    assert pulse.stub.call_count("conversations.history") == 1  # the DM in the DM's history


def test_without_history_access_an_unknown_outcome_is_sent_again(
    pulse: PulseHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Missing *:history scopes: Pulse cannot look, so it re-sends (at least once) and says so."""
    due = busy_morning(pulse)
    pulse.stub.fail("chat.postMessage", 500, times=1)
    pulse.stub.fail("conversations.history", error="missing_scope", times=None)
    clock, _ = make_clock(pulse, pace_seconds=0)
    tick_at(clock, MORNING)
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        report = tick_at(clock, MORNING + 2 * MINUTE)
    assert report.sent == 3  # the digest summary, its thread reply and its heat map, which waited for it
    assert any("cannot tell whether" in r.getMessage() and "missing_scope" in r.getMessage() for r in caplog.records)
    assert_each_delivered_once(pulse, due)


def test_a_dm_that_slack_refuses_does_not_block_the_others(pulse: PulseHarness) -> None:
    due = busy_morning(pulse)
    pulse.stub.users.pop(CREW[0])  # left the workspace: users.info fails, the DM still goes to their D channel
    pulse.stub.on(
        "conversations.open",
        lambda p: (
            {"ok": False, "error": "user_not_found"}
            if p.get("users") == CREW[1]
            else pulse.stub.default_answer("conversations.open", p)
        ),
    )
    clock, _ = make_clock(pulse, pace_seconds=0)
    report = tick_at(clock, MORNING)
    assert (report.sent, report.failed) == (due - 1, 1)
    (failed,) = [r for r in outbox_rows(pulse.database) if r.status == OutboxStatus.FAILED]
    assert (failed.user_id, failed.last_error) == (CREW[1], "user_not_found")
    assert {m.to for m in posted(pulse.stub) if m.is_dm} == set(CREW) - {CREW[1]}


def test_a_tick_for_a_past_instant_still_delivers_what_it_queues(pulse: PulseHarness) -> None:
    """`pulse tick --at` an hour ago (catching up by hand): what it decides goes out now, not next tick."""
    due = busy_morning(pulse)
    clock, _ = make_clock(pulse, pace_seconds=0)
    with at(MORNING + dt.timedelta(hours=1)):  # the real clock
        report = clock.tick(MORNING)
    assert (report.sent, report.retrying) == (due, 0)
    assert all(r.sent_at == MORNING + dt.timedelta(hours=1) for r in outbox_rows(pulse.database))
