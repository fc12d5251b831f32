"""The SQL statements behind digests, `/program list` and a clock tick do not grow with the portfolio.

Each case seeds a workspace of N programs and one of 10N (proportional risks, decisions, actions,
milestones and status history; the same people, schedules and open alerts), runs the operation once
on each and compares the number of statements the engine sent (`before_cursor_execute`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import col, select, update

from bench.pulse_api import StatementCounter, wipe
from bench.seed import seed
from bench.workspace import ADMIN, ESCALATION_CHANNEL, LEADS_CHANNEL, QUIET, TEAM, ZONES, Shape, person, program_key
from bench.workspace import MORNING as NOW
from bot.clock.clock import Clock
from bot.runtime import Runtime
from bot.settings import load_settings
from bot.slack_stub import SlackStub
from domain.access import Actor, channel_viewer
from domain.digests import Digest, portfolio_digest, program_digest
from domain.portfolio import portfolio
from store.db import Database
from store.models import OutboxMessage, OutboxStatus, Program
from templates import render_message

SMALL, LARGE = 5, 50
TODAY = NOW.date()

Operation = Callable[[Database, SlackStub], object]


def shape(programs: int) -> Shape:
    """A small workspace whose items grow with `programs`; people, schedules and alerts do not."""
    return Shape(
        programs=programs,
        risks_per_program=4,
        decisions_per_program=2,
        actions_per_program=20,
        milestones_per_program=3,
        statuses_per_program=4,
        people=len(ZONES),
        program_schedules=2,
        idle_schedules=1,
        alerts=2,
    )


@pytest.fixture(scope="module")
def stub() -> Iterator[SlackStub]:
    """The Slack Web API stub; users.info knows every seeded person's time zone."""
    with SlackStub() as running:
        for i, zone in enumerate(ZONES):
            running.users[person(i)] = {"tz": zone, "real_name": f"Person {i}"}
        yield running


def _render(digest: Digest) -> None:
    for message in digest.messages():
        render_message(message)


def leads_digest(database: Database, stub: SlackStub) -> None:
    """The scheduled leadership digest: what #leads may see, rendered."""
    with database.session() as session:
        _render(portfolio_digest(session, channel_viewer(TEAM, LEADS_CHANNEL), since=None, now=NOW, today=TODAY))


def admin_digest(database: Database, stub: SlackStub) -> None:
    """The portfolio digest as an admin previews it (every program), rendered."""
    admin = Actor(team_id=TEAM, user_id=ADMIN, is_admin=True)
    with database.session() as session:
        _render(portfolio_digest(session, admin, since=None, now=NOW, today=TODAY))


def team_digest(database: Database, stub: SlackStub) -> None:
    """One program's team digest, rendered."""
    with database.session() as session:
        program = session.exec(select(Program).where(col(Program.key) == program_key(0))).one()
        _render(program_digest(session, program, since=None, now=NOW, today=TODAY))


def program_list(database: Database, stub: SlackStub) -> None:
    """What `/program list` reads for a member of staff (restricted programs filtered out)."""
    with database.session() as session:
        portfolio(session, Actor(team_id=TEAM, user_id=person(0), channel_id="C0RANDOM"), today=TODAY, now=NOW)


def clock(database: Database, stub: SlackStub) -> Clock:
    settings = load_settings(
        _env_file=None,
        SLACK_BOT_TOKEN=("xoxb" + "-test-token"),
        SLACK_API_URL=stub.api_url,
        DATABASE_URL=database.url,
        PULSE_ADMINS=ADMIN,
        PULSE_ESCALATION_CHANNEL=ESCALATION_CHANNEL,
        PULSE_TIMEZONE="UTC",
    )
    return Clock(Runtime.build(settings, database))


def tick(database: Database, stub: SlackStub) -> dict[str, int]:
    """One `Clock.plan(now)`: digests due, reminder DMs, the ladder and alert repeats (no deliveries)."""
    return clock(database, stub).plan(NOW)


def morning_sent(database: Database, stub: SlackStub) -> None:
    """The morning's tick ran and its messages went out, and the afternoon's ticks began (nothing due)."""
    tick(database, stub)
    with database.session(write=True) as session:
        session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT, sent_ts="1700000000.000100"))
    clock(database, stub).tick(QUIET - dt.timedelta(minutes=1))


def quiet_tick(database: Database, stub: SlackStub) -> None:
    """A whole `Clock.tick` (plan and deliver) in the afternoon, when nothing is due."""
    clock(database, stub).tick(QUIET)


def measure(
    database: Database, stub: SlackStub, programs: int, operation: Operation, before: Operation | None = None
) -> list[str]:
    """The statements `operation` sends on a freshly seeded workspace of `programs` programs (after `before`)."""
    wipe(database.engine)
    seed(database.engine, shape(programs))
    stub.reset()
    if before is not None:
        before(database, stub)
    with StatementCounter(database.engine) as counter:
        operation(database, stub)
    assert stub.call_count("users.info") == 0, "the user-profile cache was seeded, so users.info must not be called"
    return counter.statements


def _shape_of(statements: list[str]) -> Counter[str]:
    """Statements without their parameter lists, so the same query with more IN values counts once."""
    return Counter(
        re.sub(r"\s+", " ", re.sub(r"\(([?,\s]|%\(\w+\)s|__\[POSTCOMPILE_\w+\])+\)", "(…)", s))[:120]
        for s in statements
    )


def _explain(small: list[str], large: list[str]) -> str:
    grew = _shape_of(large) - _shape_of(small)
    shrank = _shape_of(small) - _shape_of(large)
    lines = [f"{SMALL} programs: {len(small)} statements; {LARGE} programs: {len(large)} statements"]
    lines += [f"  +{n} x {s}" for s, n in grew.most_common()]
    lines += [f"  -{n} x {s}" for s, n in shrank.most_common()]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("operation", "before"),
    [
        pytest.param(leads_digest, None, id="portfolio-digest-leads"),
        pytest.param(admin_digest, None, id="portfolio-digest-admin"),
        pytest.param(team_digest, None, id="program-digest"),
        pytest.param(program_list, None, id="program-list"),
        pytest.param(tick, None, id="tick-plan"),
        pytest.param(quiet_tick, morning_sent, id="quiet-tick"),
    ],
)
def test_statement_count_does_not_grow_with_programs(
    database: Database, stub: SlackStub, operation: Operation, before: Operation | None
) -> None:
    small = measure(database, stub, SMALL, operation, before)
    large = measure(database, stub, LARGE, operation, before)
    assert len(small) == len(large), _explain(small, large)


def test_a_quiet_tick_reads_no_items(database: Database, stub: SlackStub) -> None:
    """When nothing is due, the tick reads the clock's bookkeeping, not the programs (no one is at a check-in time)
    or their risks, actions or decisions."""
    statements = measure(database, stub, SMALL, quiet_tick, morning_sent)
    read = " ".join(statements)
    for table in (
        "SELECT program.id",
        "FROM action",
        "FROM risk",
        "FROM decision",
        "FROM milestone",
        "FROM status_update",
    ):
        assert table not in read


def test_tick_queues_more_for_more_programs_with_the_same_recipients(database: Database, stub: SlackStub) -> None:
    """The tick comparison is fair: the larger portfolio queues more (digest replies, ladder posts), to the
    same DM recipients and the same alert channels, from the same schedules."""

    def queued(programs: int) -> tuple[dict[str, int], Counter[str]]:
        wipe(database.engine)
        seed(database.engine, shape(programs))
        counts = tick(database, stub)
        with database.session() as session:
            kinds = Counter(session.exec(select(OutboxMessage.kind)))
        return counts, kinds

    small_counts, small_kinds = queued(SMALL)
    large_counts, large_kinds = queued(LARGE)
    assert small_kinds["reminder_dm"] == large_kinds["reminder_dm"] > 0
    assert small_kinds["alert"] == large_kinds["alert"] > 0
    assert small_kinds["digest"] == large_kinds["digest"] == 3  # the portfolio digest and two program digests
    assert large_kinds["digest_detail"] > small_kinds["digest_detail"]
    assert large_kinds["escalation"] > small_kinds["escalation"] > 0
    assert sum(large_counts.values()) > sum(small_counts.values())


def test_batched_outbox_writes_keep_threads_and_dedupe(database: Database, stub: SlackStub) -> None:
    """Digest replies and ladder posts are queued in one INSERT each: replies still hang off their digest's
    summary, ids come back for every message, and a second tick at the same instant queues nothing."""
    seed(database.engine, shape(LARGE))
    first = tick(database, stub)
    with database.session() as session:
        rows = list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))
    by_id = {row.id: row for row in rows}
    assert sum(first.values()) == len(rows)
    replies = [row for row in rows if row.kind == "digest_detail"]
    assert replies
    for reply in replies:
        parent = by_id[reply.thread_parent_id]
        assert parent.kind == "digest"
        assert (parent.entity_ref, parent.channel_id) == (reply.entity_ref, reply.channel_id)
        assert reply.dedupe_key.startswith(f"{parent.dedupe_key}#")
    ladder = [row for row in rows if row.kind == "escalation"]
    assert len({row.dedupe_key for row in ladder}) == len(ladder) > 0
    assert all(row.channel_id and row.buttons for row in ladder)
    assert tick(database, stub) == {"digest messages": 0, "reminders": 0, "alert repeats": 0, "check-ins": 0}
