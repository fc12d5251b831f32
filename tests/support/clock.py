"""People, places and helpers for the clock tests: a workspace spread over time zones, a Clock whose
Deliverer records its pacing sleeps, and readable views of what the Slack stub received."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from slack_sdk import WebClient
from sqlmodel import Session, col, select

from bot.clock.clock import Clock, TickReport
from bot.delivery import Deliverer
from bot.runtime import Runtime
from bot.slack_stub import SlackStub
from domain.access import Actor
from domain.digests import FILE_KIND
from store.db import Database
from store.models import Action, Milestone, OutboxMessage, OutboxStatus, Program, Rag, Risk
from tests.support.harness import TEAM, TOKEN, PulseHarness
from tests.support.services import actions, milestones, programs, risks, schedules

ADMIN = "U0ADMIN"  # in PULSE_ADMINS (London)
PRIYA = "U0PRIYA"  # owns TNS-APPEALS (New York)
ANA = "U0ANA"  # owns TNS-CLASSIFY, actions and risks (London)
KAI = "U0KAI"  # owns the restricted TNS-HASH (Kolkata, UTC+05:30, no DST)
STRANGER = "U0STRANGER"  # nothing to do with any program (UTC)

ZONES = {
    ADMIN: "Europe/London",
    PRIYA: "America/New_York",
    ANA: "Europe/London",
    KAI: "Asia/Kolkata",
    STRANGER: "UTC",
}

ESCALATION = "C0ESC"
LEADS = "C0LEADS"
APPEALS, APPEALS_CHANNEL = "TNS-APPEALS", "C0APPEALS"
CLASSIFY, CLASSIFY_CHANNEL = "TNS-CLASSIFY", "C0CLASSIFY"
HASH, HASH_CHANNEL = "TNS-HASH", "C0HASH"

HOLIDAY = dt.date(2027, 3, 19)  # a Friday
WORKSPACE_TZ = "Europe/London"
SETTINGS: dict[str, Any] = {
    "PULSE_ADMINS": ADMIN,
    "PULSE_ESCALATION_CHANNEL": ESCALATION,
    "PULSE_TIMEZONE": WORKSPACE_TZ,
    "PULSE_HOLIDAYS": HOLIDAY.isoformat(),
}

ADMIN_ACTOR = Actor(team_id=TEAM, user_id=ADMIN, is_admin=True)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A UTC instant: utc(2027, 3, 1, 14) is 2027-03-01T14:00Z."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def actor(user: str) -> Actor:
    return Actor(team_id=TEAM, user_id=user, is_admin=user == ADMIN)


def channel_link(channel_id: str) -> str:
    """A channel as Slack sends it in command text."""
    return f"<#{channel_id}|{channel_id[2:].lower()}>"


# The clock -----------------------------------------------------------------------------------------


@dataclass
class FakeSleep:
    """Stands in for time.sleep in the Deliverer: records how long it was asked to wait."""

    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def plain_client(stub: SlackStub) -> WebClient:
    """A client that does not retry by itself, so every 429/5xx reaches the outbox's own retries."""
    return WebClient(token=TOKEN, base_url=stub.api_url, timeout=5, retry_handlers=[])


def make_clock(pulse: PulseHarness, *, pace_seconds: float = 1.0) -> tuple[Clock, FakeSleep]:
    """A Clock on the harness's settings and database, pacing with a recording fake sleep."""
    client = plain_client(pulse.stub)
    runtime = Runtime.build(pulse.settings, pulse.database, client)
    sleep = FakeSleep()
    runtime.deliverer = Deliverer(
        pulse.database, client, pace_seconds=pace_seconds, sleep=sleep, canvases=runtime.deliverer.canvases
    )
    return Clock(runtime), sleep


def tick_at(clock: Clock, now: dt.datetime) -> TickReport:
    """One tick with the whole process (the served app included) living at `now`."""
    with time_machine.travel(now, tick=False):
        return clock.tick(now)


@contextmanager
def at(now: dt.datetime) -> Iterator[None]:
    """Live at `now` (commands, clicks and their lazy work see this instant)."""
    with time_machine.travel(now, tick=False):
        yield


# What Slack received -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posted:
    """One message Slack accepted (chat.postMessage answered ok)."""

    channel: str  # where it landed: C... or the D... of a DM
    to: str  # the channel, or the user a DM went to
    ts: str
    thread_ts: str | None
    at: dt.datetime  # when it arrived (the travelled clock)
    text: str  # what a reader sees: the blocks' text
    buttons: tuple[tuple[str, str, str], ...]  # (label, action_id, value)
    metadata: dict[str, Any]

    @property
    def is_dm(self) -> bool:
        return self.channel.startswith("D")

    def button(self, label: str, value: str | None = None) -> tuple[str, str]:
        """(action_id, value) of the button labelled `label` (for `value`, when several share the label)."""
        for text, action_id, button_value in self.buttons:
            if text == label and (value is None or button_value == value):
                return action_id, button_value
        raise AssertionError(f"no {label!r} button ({value}) on: {self.buttons}")


def readable(payload: dict[str, Any]) -> str:
    """The text of a message's blocks, one paragraph per line group (the fallback text without blocks)."""
    blocks = payload.get("blocks") or []
    if not blocks:
        return str(payload.get("text", ""))
    parts = []
    for block in blocks:
        if block.get("type") in {"section", "header"}:
            parts.append(block["text"]["text"])
        elif block.get("type") == "context":
            parts.extend(e.get("text", "") for e in block["elements"])
    return "\n".join(parts)


def _buttons(payload: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    found = []
    for block in payload.get("blocks") or []:
        if block.get("type") == "actions":
            found += [(e["text"]["text"], e["action_id"], e["value"]) for e in block["elements"]]
    return tuple(found)


def posted(stub: SlackStub) -> list[Posted]:
    """Every message Slack accepted, oldest first."""
    dm_users = {
        str(call.response["channel"]["id"]): str(call.payload["users"])
        for call in stub.calls("conversations.open")
        if call.ok and "," not in str(call.payload.get("users", ","))
    }
    result = []
    for call in stub.calls("chat.postMessage"):
        if not call.ok:
            continue
        channel = str(call.response["channel"])
        result.append(
            Posted(
                channel=channel,
                to=dm_users.get(channel, channel),
                ts=str(call.response["ts"]),
                thread_ts=call.payload.get("thread_ts"),
                at=dt.datetime.fromtimestamp(call.time, dt.UTC),
                text=readable(call.payload),
                buttons=_buttons(call.payload),
                metadata=call.payload.get("metadata") or {},
            )
        )
    return result


def outbox_ids(messages: list[Posted]) -> list[int]:
    """The outbox id each message carries in its metadata."""
    return [int(m.metadata["event_payload"]["outbox_id"]) for m in messages]


def local(instant: dt.datetime, user: str) -> dt.datetime:
    """`instant` on `user`'s wall clock."""
    return instant.astimezone(ZoneInfo(ZONES[user]))


def dm_items(text: str) -> list[str]:
    """What a reminder DM is about, e.g. ["A-1", "review R-2", "stale TNS-X", "team A-4", "milestone M-1",
    "tomorrow A-3", "ask ASK-1", "informed D-2"].

    An own overdue action reads "A-n escalated" once the program owner was told too.
    """
    items: list[str] = []
    section = ""
    for line in text.splitlines():
        if line.startswith("*Overdue in programs you own*"):
            section = "team"
        elif line.startswith("*Milestones due"):
            section = "milestone"
        elif line.startswith("*No status update"):
            section = "stale"
        if match := re.match(r":hourglass: \*A-(\d+)\*", line):
            items.append(f"A-{match[1]}" + (" escalated" if "now escalated" in line else ""))
        elif (match := re.match(r":hourglass: A-(\d+) ", line)) and section == "team":
            items.append(f"team A-{match[1]}")
        elif match := re.match(r":calendar: \*A-(\d+)\*", line):
            items.append(f"tomorrow A-{match[1]}")
        elif match := re.match(r":raising_hand: \*ASK-(\d+)\*", line):
            items.append(f"ask ASK-{match[1]}")
        elif match := re.match(r":scales: \*D-(\d+)\*", line):
            items.append(f"informed D-{match[1]}")
        elif match := re.match(r":mag: \*R-(\d+)\*", line):
            items.append(f"review R-{match[1]}")
        elif (match := re.match(r":zzz: \*([A-Z0-9-]+)\*", line)) and section == "stale":
            items.append(f"stale {match[1]}")
        elif (match := re.match(r"M-(\d+) ", line)) and section == "milestone":
            items.append(f"milestone M-{match[1]}")
    return sorted(items)


# Seeding through the store services (audited, as commands would) -----------------------------------


@dataclass
class Portfolio:
    appeals: Program
    classify: Program
    hash: Program


def seed_programs(session: Session, *, statuses: bool = True) -> Portfolio:
    """Three programs: two public ones and a restricted one (allowed only in its own channel)."""
    appeals = programs.create(
        session, ADMIN_ACTOR, key=APPEALS, name="Appeals SLA reduction", owner_id=PRIYA, channel_id=APPEALS_CHANNEL
    )
    classify = programs.create(
        session,
        ADMIN_ACTOR,
        key=CLASSIFY,
        name="Classifier refresh",
        owner_id=ANA,
        channel_id=CLASSIFY_CHANNEL,
    )
    hashed = programs.create(
        session,
        ADMIN_ACTOR,
        key=HASH,
        name="Hash-sharing vendor",
        owner_id=KAI,
        channel_id=HASH_CHANNEL,
        restricted=True,
        members=[ANA],
    )
    session.flush()
    if statuses:
        for program in (appeals, classify, hashed):
            programs.report_status(
                session, actor(program.owner_id), program, rag=Rag.GREEN, summary=f"{program.key} on track"
            )
    return Portfolio(appeals, classify, hashed)


def add_action(session: Session, program: Program, title: str, *, owner: str, due: dt.date) -> Action:
    return actions.add(session, actor(program.owner_id), program, title=title, owner_id=owner, due=due)


def add_risk(
    session: Session,
    program: Program,
    title: str,
    *,
    owner: str,
    likelihood: int = 2,
    impact: int = 2,
    review: dt.date | None = None,
) -> Risk:
    return risks.add(
        session,
        actor(program.owner_id),
        program,
        title=title,
        likelihood=likelihood,
        impact=impact,
        owner_id=owner,
        review_date=review,
    )


def add_milestone(session: Session, program: Program, title: str, *, owner: str, due: dt.date) -> Milestone:
    return milestones.add(session, actor(program.owner_id), program, title=title, due=due, owner_id=owner)


@contextmanager
def seeding(database: Database, now: dt.datetime) -> Iterator[Session]:
    """A write session living at `now`."""
    with time_machine.travel(now, tick=False), database.session(write=True) as session:
        yield session


# A busy morning: many messages due at one instant ---------------------------------------------------

MORNING = utc(2027, 3, 1, 9)  # Monday 1 March 2027, 09:00 in London (GMT)
CREW = [f"U0CREW{n:02d}" for n in range(1, 13)]  # twelve people in London, each with an overdue action


HEATMAPS = 1  # busy_morning's portfolio digest has its risk heat map in its thread (an upload, not a post)


def busy_morning(pulse: PulseHarness) -> int:
    """Make MORNING busy: two digests (a summary and a thread reply each, and the portfolio's heat map in its
    thread) and a reminder DM to each of the crew. Returns how many messages are due then (the heat map too)."""
    for user in CREW:
        pulse.stub.users[user] = {"tz": "Europe/London"}
    with seeding(pulse.database, utc(2027, 2, 26, 12)) as session:
        portfolio = seed_programs(session)
        for n, user in enumerate(CREW, start=1):
            add_action(session, portfolio.classify, f"Label batch {n}", owner=user, due=dt.date(2027, 2, 25))
        schedules.create(
            session, ADMIN_ACTOR, channel_id=LEADS, program=None, days="daily", time_of_day="09:00", tz=WORKSPACE_TZ
        )
        schedules.create(
            session,
            ADMIN_ACTOR,
            channel_id=CLASSIFY_CHANNEL,
            program=portfolio.classify,
            days="weekdays",
            time_of_day="09:00",
            tz=WORKSPACE_TZ,
        )
    return 4 + HEATMAPS + len(CREW)


def outbox_rows(database: Database) -> list[OutboxMessage]:
    with database.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def assert_each_delivered_once(pulse: PulseHarness, due: int) -> None:
    """Every outbox message sent, each post in Slack once under its own summary, each picture uploaded once into
    its summary's thread."""
    rows = outbox_rows(pulse.database)
    assert len(rows) == due
    assert [r.dedupe_key for r in rows if r.status != OutboxStatus.SENT] == []
    by_id = {r.id: r for r in rows}
    posts, pictures = [r for r in rows if r.kind != FILE_KIND], [r for r in rows if r.kind == FILE_KIND]
    delivered = Counter(m.metadata["event_payload"]["dedupe_key"] for m in posted(pulse.stub))
    assert delivered == Counter({r.dedupe_key: 1 for r in posts})
    for row in posts:
        if row.thread_parent_id is not None:
            parent = by_id[row.thread_parent_id]
            (reply,) = [m for m in posted(pulse.stub) if m.ts == row.sent_ts]
            assert reply.thread_ts == parent.sent_ts and reply.channel == parent.sent_channel
    uploads = Counter((f.channel, f.thread_ts) for f in pulse.stub.files())
    expected = Counter((by_id[r.thread_parent_id].sent_channel, by_id[r.thread_parent_id].sent_ts) for r in pictures)
    assert uploads == expected
