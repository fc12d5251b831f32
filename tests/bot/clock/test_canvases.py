"""Living program canvases, through the served app, the outbox and the clock: a change shows in its program
channel's canvas after the next tick; a minute's changes are one edit; a deleted canvas comes back; a restricted
program's canvas is only in its own channel; PULSE_CANVASES=off makes no canvas call; a plan without canvases is
reported once and not tried again; a sender that died mid-create leaves one canvas."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.canvases import CANVAS_KIND
from bot.slack_stub import SlackStub
from store import canvases, outbox
from store.db import Database
from store.models import ChannelCanvas, OutboxStatus
from store.outbox import LEASE
from tests.support.app import fetch, ok
from tests.support.clock import (
    ADMIN,
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    CLASSIFY,
    CLASSIFY_CHANNEL,
    HASH,
    HASH_CHANNEL,
    KAI,
    LEADS,
    PRIYA,
    SETTINGS,
    at,
    channel_link,
    make_clock,
    outbox_rows,
    posted,
    seed_programs,
    seeding,
    tick_at,
    utc,
)
from tests.support.harness import TEAM, PulseHarness

START = utc(2027, 3, 2, 10)  # Tuesday 2 March 2027, 10:00 UTC
SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)
CANVAS_CALLS = ("conversations.canvases.create", "canvases.edit", "canvases.sections.lookup", "canvases.delete")


@pytest.fixture
def seeded(pulse: PulseHarness) -> PulseHarness:
    """The three programs, green (seeded through the store: no canvas is queued for them yet)."""
    with seeding(pulse.database, START - dt.timedelta(days=1)) as session:
        seed_programs(session)
    return pulse


def run(pulse: PulseHarness, when: dt.datetime, command: str, text: str, *, user: str, channel: str) -> None:
    """A slash command at `when`, answered without a warning."""
    with at(when):
        ok(pulse.command(command, text, user=user, channel=channel))


def canvas_of(pulse: PulseHarness, channel: str) -> str:
    """The markdown of the channel's canvas in Slack (it must have one)."""
    markdown = pulse.stub.canvas(pulse.stub.channel_canvas(channel))
    assert markdown is not None, f"{channel} has no canvas"
    return markdown


def canvas_calls(stub: SlackStub) -> list[str]:
    return [c.method for c in stub.calls() if c.method in CANVAS_CALLS]


def test_a_change_shows_in_the_program_canvas_after_the_next_tick(seeded: PulseHarness) -> None:
    pulse = seeded
    clock, _ = make_clock(pulse, pace_seconds=0)
    text = f"status {APPEALS} amber Vendor slipped asks:Approve overtime ask-to:<@{ANA}|ana>"
    run(pulse, START + 5 * SECOND, "/program", text, user=PRIYA, channel=LEADS)
    assert pulse.stub.channel_canvas(APPEALS_CHANNEL) is None  # not before the minute's tick

    report = tick_at(clock, START + MINUTE)
    assert report.canvases == 1 and "canvases synced 1" in report.summary()
    (create,) = pulse.stub.payloads("conversations.canvases.create")
    assert create["channel_id"] == APPEALS_CHANNEL
    markdown = canvas_of(pulse, APPEALS_CHANNEL)
    assert markdown.startswith(f"# {APPEALS}: Appeals SLA reduction\n")
    assert "**:large_orange_circle: AMBER**" in markdown and "Vendor slipped" in markdown
    assert f"by ![](@{PRIYA})" in markdown
    assert f"\n- Ask ASK-1: Approve overtime → ![](@{ANA})" in markdown
    stored = fetch(pulse.database, ChannelCanvas, team_id=TEAM, channel_id=APPEALS_CHANNEL)
    assert stored.canvas_id == pulse.stub.channel_canvas(APPEALS_CHANNEL)

    # A new risk, then a decision: each in the canvas after the tick that follows it, as an edit.
    run(
        pulse,
        START + MINUTE + 5 * SECOND,
        "/risk",
        f"add {APPEALS} Vendor attrition likelihood:4 impact:5",
        user=PRIYA,
        channel=APPEALS_CHANNEL,
    )
    assert "Vendor attrition" not in canvas_of(pulse, APPEALS_CHANNEL)
    tick_at(clock, START + 2 * MINUTE)
    assert ":rotating_light: critical R-1 Vendor attrition · score 20 (4x5)" in canvas_of(pulse, APPEALS_CHANNEL)

    run(
        pulse,
        START + 2 * MINUTE + 5 * SECOND,
        "/decision",
        f"log {APPEALS} Pick vendor B",
        user=PRIYA,
        channel=APPEALS_CHANNEL,
    )
    tick_at(clock, START + 3 * MINUTE)
    markdown = canvas_of(pulse, APPEALS_CHANNEL)
    assert "- D-1 Pick vendor B · " in markdown
    assert canvas_calls(pulse.stub) == ["conversations.canvases.create", "canvases.edit", "canvases.edit"]
    (edit,) = pulse.stub.payloads("canvases.edit")[-1:]
    assert edit["canvas_id"] == stored.canvas_id
    assert edit["changes"] == [{"operation": "replace", "document_content": {"type": "markdown", "markdown": markdown}}]
    # Other channels' canvases were not touched: nothing changed there.
    assert pulse.stub.channel_canvas(CLASSIFY_CHANNEL) is None


def test_ten_changes_within_a_minute_are_one_edit(seeded: PulseHarness) -> None:
    pulse = seeded
    clock, _ = make_clock(pulse, pace_seconds=0)
    run(pulse, START, "/program", f"status {APPEALS} green On track", user=PRIYA, channel=APPEALS_CHANNEL)
    tick_at(clock, START + MINUTE)
    assert canvas_calls(pulse.stub) == ["conversations.canvases.create"]

    for n in range(10):
        text = f"add {APPEALS} Call vendor {n} owner:<@{ANA}|ana> due:2027-03-20"
        run(pulse, START + MINUTE + (n + 1) * 5 * SECOND, "/action", text, user=PRIYA, channel=APPEALS_CHANNEL)
    canvas_rows = [r for r in outbox_rows(pulse.database) if r.kind == CANVAS_KIND]
    assert len(canvas_rows) == 2  # the first minute's, sent, and this minute's one
    report = tick_at(clock, START + 2 * MINUTE)
    assert report.canvases == 1
    assert canvas_calls(pulse.stub) == ["conversations.canvases.create", "canvases.edit"]
    markdown = canvas_of(pulse, APPEALS_CHANNEL)
    assert all(f"Call vendor {n} · due" in markdown for n in range(10))
    assert "…and" not in markdown.split("## Open actions")[1]  # ten are listed, not more

    tick_at(clock, START + 3 * MINUTE)  # nothing changed since: no edit
    assert canvas_calls(pulse.stub) == ["conversations.canvases.create", "canvases.edit"]


def test_a_deleted_canvas_is_created_again(seeded: PulseHarness) -> None:
    pulse = seeded
    clock, _ = make_clock(pulse, pace_seconds=0)
    run(pulse, START, "/program", f"status {CLASSIFY} green Labelling done", user=ANA, channel=CLASSIFY_CHANNEL)
    tick_at(clock, START + MINUTE)
    first = pulse.stub.channel_canvas(CLASSIFY_CHANNEL)
    assert first is not None
    pulse.stub.delete_canvas(first)  # someone deletes it in Slack

    run(
        pulse,
        START + 90 * SECOND,
        "/program",
        f"status {CLASSIFY} amber Model drift",
        user=ANA,
        channel=CLASSIFY_CHANNEL,
    )
    tick_at(clock, START + 2 * MINUTE)
    edits = pulse.stub.calls("canvases.edit")
    assert [(c.payload["canvas_id"], c.response.get("error")) for c in edits] == [(first, "canvas_not_found")]
    second = pulse.stub.channel_canvas(CLASSIFY_CHANNEL)
    assert second is not None and second != first
    assert "Model drift" in canvas_of(pulse, CLASSIFY_CHANNEL)
    assert fetch(pulse.database, ChannelCanvas, team_id=TEAM, channel_id=CLASSIFY_CHANNEL).canvas_id == second
    assert all(r.status == OutboxStatus.SENT for r in outbox_rows(pulse.database))

    run(
        pulse,
        START + 150 * SECOND,
        "/program",
        f"status {CLASSIFY} green Drift fixed",
        user=ANA,
        channel=CLASSIFY_CHANNEL,
    )
    tick_at(clock, START + 3 * MINUTE)
    assert pulse.stub.calls("canvases.edit")[-1].payload["canvas_id"] == second
    assert "Drift fixed" in canvas_of(pulse, CLASSIFY_CHANNEL)


def test_a_restricted_programs_canvas_is_only_in_its_own_channel(seeded: PulseHarness) -> None:
    pulse = seeded
    clock, _ = make_clock(pulse, pace_seconds=0)
    # Kai reports from #leads and lets #leads see TNS-HASH: its canvas still goes only to its own channel.
    run(pulse, START, "/program", f"edit {HASH} channels:{channel_link(LEADS)}", user=KAI, channel=HASH_CHANNEL)
    run(pulse, START + 5 * SECOND, "/program", f"status {HASH} red Vendor breach", user=KAI, channel=LEADS)
    run(pulse, START + 10 * SECOND, "/program", f"status {APPEALS} green Fine", user=PRIYA, channel=LEADS)
    tick_at(clock, START + MINUTE)
    created = sorted(p["channel_id"] for p in pulse.stub.payloads("conversations.canvases.create"))
    assert created == sorted([APPEALS_CHANNEL, HASH_CHANNEL])
    hashed = canvas_of(pulse, HASH_CHANNEL)
    assert hashed.startswith(f"# {HASH}: ") and ":lock: Restricted: shown only in this channel." in hashed
    assert "Vendor breach" in hashed
    assert HASH not in canvas_of(pulse, APPEALS_CHANNEL) and "Vendor breach" not in canvas_of(pulse, APPEALS_CHANNEL)
    assert pulse.stub.channel_canvas(LEADS) is None


def test_user_text_is_escaped_for_canvas_markdown(seeded: PulseHarness) -> None:
    pulse = seeded
    clock, _ = make_clock(pulse, pace_seconds=0)
    text = f"status {APPEALS} amber *Loud* <!channel> @here [link](https://x.example) # not a heading"
    run(pulse, START, "/program", text, user=PRIYA, channel=APPEALS_CHANNEL)
    tick_at(clock, START + MINUTE)
    markdown = canvas_of(pulse, APPEALS_CHANNEL)
    assert "\\*Loud\\*" in markdown and "\\[link\\]\\(https://x.example\\)" in markdown
    assert "<!channel>" not in markdown and "\\<\\!channel\\>" in markdown
    assert "@here" not in markdown and "@\u2060here" in markdown
    assert "\\# not a heading" in markdown


def test_a_crash_between_claim_and_create_leaves_one_canvas(seeded: PulseHarness) -> None:
    pulse = seeded
    clock, _ = make_clock(pulse, pace_seconds=0)
    run(pulse, START, "/program", f"status {APPEALS} amber Vendor slipped", user=PRIYA, channel=APPEALS_CHANNEL)
    # A sender claims the sync, starts creating the canvas, Slack creates it, and the sender dies before it can
    # store the canvas id.
    (sync,) = [r for r in outbox_rows(pulse.database) if r.kind == CANVAS_KIND]
    assert sync.id is not None
    with pulse.database.session(write=True) as session:
        assert [m.id for m in outbox.claim(session, now=START + MINUTE, ids=[sync.id])] == [sync.id]
        outbox.mark_posting(session, sync.id)
    made = pulse.stub.default_answer("conversations.canvases.create", {"channel_id": APPEALS_CHANNEL})
    assert made["ok"]

    within = tick_at(clock, START + MINUTE + LEASE / 2)  # the dead sender's lease still holds
    assert within.canvases == 0 and canvas_calls(pulse.stub) == []
    after = tick_at(clock, START + MINUTE + 2 * LEASE)
    assert after.canvases == 1
    # Pulse tried to create it, found the channel's canvas is the one its dead attempt made, and wrote it.
    assert [c.response.get("error") for c in pulse.stub.calls("conversations.canvases.create")] == [
        "channel_canvas_already_exists"
    ]
    assert [p["channel"] for p in pulse.stub.payloads("conversations.info")] == [APPEALS_CHANNEL]
    assert pulse.stub.channel_canvas(APPEALS_CHANNEL) == made["canvas_id"]
    assert "Vendor slipped" in canvas_of(pulse, APPEALS_CHANNEL)
    stored = fetch(pulse.database, ChannelCanvas, team_id=TEAM, channel_id=APPEALS_CHANNEL)
    assert stored.canvas_id == made["canvas_id"]


def test_a_channel_canvas_someone_else_made_is_left_alone(seeded: PulseHarness) -> None:
    pulse = seeded
    clock, _ = make_clock(pulse, pace_seconds=0)
    theirs = pulse.stub.default_answer(
        "conversations.canvases.create",
        {"channel_id": APPEALS_CHANNEL, "document_content": {"type": "markdown", "markdown": "# Our runbook"}},
    )
    run(pulse, START, "/program", f"status {APPEALS} amber Vendor slipped", user=PRIYA, channel=APPEALS_CHANNEL)
    tick_at(clock, START + MINUTE)
    run(pulse, START + 90 * SECOND, "/program", f"status {APPEALS} red Worse", user=PRIYA, channel=APPEALS_CHANNEL)
    tick_at(clock, START + 2 * MINUTE)
    assert pulse.stub.canvas(theirs["canvas_id"]) == "# Our runbook"
    assert canvas_calls(pulse.stub) == ["conversations.canvases.create"]  # tried once, then left alone
    failed = [r for r in outbox_rows(pulse.database) if r.status == OutboxStatus.FAILED]
    assert [(r.kind, r.last_error) for r in failed] == [(CANVAS_KIND, "channel_canvas_already_exists")]


def test_a_plan_without_canvases_is_reported_once_and_not_retried(
    seeded: PulseHarness, caplog: pytest.LogCaptureFixture
) -> None:
    pulse = seeded
    pulse.stub.canvas_refusal = "team_tier_cannot_create_channel_canvases"
    clock, _ = make_clock(pulse, pace_seconds=0)
    run(pulse, START, "/program", f"status {APPEALS} amber Vendor slipped", user=PRIYA, channel=APPEALS_CHANNEL)
    with caplog.at_level(logging.WARNING, logger="bot.canvases"):
        tick_at(clock, START + MINUTE)
        tick_at(clock, START + MINUTE + 5 * SECOND)  # the admins' DM goes out
    assert canvas_calls(pulse.stub) == ["conversations.canvases.create"]
    (line,) = [r.getMessage() for r in caplog.records if r.name == "bot.canvases"]
    assert "team_tier_cannot_create_channel_canvases" in line and "PULSE_CANVASES=off" in line
    (told,) = [m for m in posted(pulse.stub) if m.to == ADMIN]
    assert "Program canvases are off in this workspace" in told.text
    assert "team_tier_cannot_create_channel_canvases" in told.text and "PULSE_CANVASES=off" in told.text

    # More changes, in two channels, for an hour of ticks: no canvas call, no second report.
    for n in range(1, 4):
        when = START + n * 20 * MINUTE
        run(pulse, when, "/program", f"status {APPEALS} red Worse {n}", user=PRIYA, channel=APPEALS_CHANNEL)
        run(pulse, when, "/program", f"status {CLASSIFY} amber Drift {n}", user=ANA, channel=CLASSIFY_CHANNEL)
        tick_at(clock, when + MINUTE)
    assert canvas_calls(pulse.stub) == ["conversations.canvases.create"]
    assert len([m for m in posted(pulse.stub) if m.to == ADMIN]) == 1
    failed = [r for r in outbox_rows(pulse.database) if r.status == OutboxStatus.FAILED]
    assert [(r.kind, r.last_error) for r in failed] == [(CANVAS_KIND, "team_tier_cannot_create_channel_canvases")]

    # A week later Pulse tries again (the plan may have changed); refused again, it says nothing new.
    later = START + 8 * dt.timedelta(days=1)
    run(pulse, later, "/program", f"status {APPEALS} amber Better", user=PRIYA, channel=APPEALS_CHANNEL)
    tick_at(clock, later + MINUTE)
    tick_at(clock, later + MINUTE + 5 * SECOND)
    assert canvas_calls(pulse.stub) == ["conversations.canvases.create"] * 2
    assert len([m for m in posted(pulse.stub) if m.to == ADMIN]) == 1


@pytest.fixture
def canvases_off(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    harness = PulseHarness(database, stub, **{**SETTINGS, "PULSE_CANVASES": "off"})
    yield harness
    harness.close()


def test_canvases_off_makes_no_canvas_calls(canvases_off: PulseHarness) -> None:
    pulse = canvases_off
    with seeding(pulse.database, START - dt.timedelta(days=1)) as session:
        seed_programs(session)
    clock, _ = make_clock(pulse, pace_seconds=0)
    run(pulse, START, "/program", f"status {APPEALS} amber Vendor slipped", user=PRIYA, channel=APPEALS_CHANNEL)
    run(
        pulse,
        START + SECOND,
        "/risk",
        f"add {APPEALS} Vendor attrition likelihood:4 impact:5",
        user=PRIYA,
        channel=APPEALS_CHANNEL,
    )
    tick_at(clock, START + MINUTE)
    tick_at(clock, START + 2 * MINUTE)
    assert canvas_calls(pulse.stub) == [] and not pulse.stub.called("conversations.info")
    assert [r for r in outbox_rows(pulse.database) if r.kind == CANVAS_KIND] == []


def test_a_program_moved_to_another_channel_leaves_its_old_canvas(seeded: PulseHarness) -> None:
    pulse = seeded
    clock, _ = make_clock(pulse, pace_seconds=0)
    run(pulse, START, "/program", f"status {HASH} red Vendor breach", user=KAI, channel=HASH_CHANNEL)
    tick_at(clock, START + MINUTE)
    assert "Vendor breach" in canvas_of(pulse, HASH_CHANNEL)

    moved = "C0HASHNEW"
    run(
        pulse,
        START + 90 * SECOND,
        "/program",
        f"edit {HASH} channel:{channel_link(moved)}",
        user=KAI,
        channel=HASH_CHANNEL,
    )
    tick_at(clock, START + 2 * MINUTE)
    assert HASH not in canvas_of(pulse, HASH_CHANNEL) and "Vendor breach" not in canvas_of(pulse, HASH_CHANNEL)
    assert "No live program has this channel as its home any more." in canvas_of(pulse, HASH_CHANNEL)
    assert "Vendor breach" in canvas_of(pulse, moved)


def test_two_senders_creating_one_channels_canvas_share_it(seeded: PulseHarness) -> None:
    pulse = seeded
    clock, _ = make_clock(pulse, pace_seconds=0)
    run(pulse, START, "/program", f"status {APPEALS} amber Vendor slipped", user=PRIYA, channel=APPEALS_CHANNEL)
    made: list[str] = []

    def another_sender_was_first(payload: dict[str, Any]) -> dict[str, Any]:
        answer = pulse.stub.default_answer("conversations.canvases.create", payload)
        made.append(answer["canvas_id"])
        with pulse.database.session(write=True) as session:
            canvases.remember(session, TEAM, APPEALS_CHANNEL, canvas_id=answer["canvas_id"])
        return {"ok": False, "error": "channel_canvas_already_exists"}

    pulse.stub.on("conversations.canvases.create", another_sender_was_first)
    report = tick_at(clock, START + MINUTE)
    assert report.canvases == 1 and len(made) == 1
    assert pulse.stub.channel_canvas(APPEALS_CHANNEL) == made[0]
    assert "Vendor slipped" in canvas_of(pulse, APPEALS_CHANNEL)
    assert fetch(pulse.database, ChannelCanvas, team_id=TEAM, channel_id=APPEALS_CHANNEL).refused is None
