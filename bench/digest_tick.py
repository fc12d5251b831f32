"""Digest and clock-tick cost on a large workspace, next to reading the same tables with plain SQL.

For SQLite (a temporary file) and PostgreSQL (a scratch database `pulse_bench_<random>` on a loopback
server, created and dropped), the benchmark migrates an empty store, bulk-seeds one workspace with
SQLAlchemy Core executemany inserts (500 programs, 10,000 risks, 5,000 decisions, 50,000 actions,
status history, milestones, audit events, alerts, digest schedules; IDs, human numbers and
`id_counter` consistent), primes the reminder ledger with the previous working day's tick (steady
state) and then times, over several runs after a warm-up:

* baseline: `SELECT * FROM program / status_update / risk / decision / action / milestone`, one plain
  query each through the same engine, all rows fetched;
* the leadership portfolio digest (`domain.digests.portfolio_digest` for the channel view of
  #leads), built, and built plus every message rendered to markup;
* one `Clock.plan(now)` tick (digests with a few schedules due, reminder DMs, the escalation ladder,
  alert repeats), with deliveries EXCLUDED from it;
* the deliveries that tick queued, measured SEPARATELY (`Deliverer.deliver_all` against the local
  SlackStub with pace_seconds=0).

Between tick runs everything the tick wrote is reset (untimed), so every run does the same work. SQL
statements are counted with a `before_cursor_execute` listener on the engine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, bindparam, event, func, select, text, update
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from bench.common import DEFAULT_POSTGRES_ADMIN_URL, command_line, finite, note, postgres_problem, scratch_postgres
from store.models import (
    ActionStatus,
    DecisionStatus,
    OutboxStatus,
    Rag,
    RiskResponse,
    RiskStatus,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / ".bench" / "digest_tick.json"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
DATABASES = ("sqlite", "postgresql")

TEAM = "T0BENCH"
ADMIN = "U0ADMIN"
LEADS_CHANNEL = "C0LEADS"
ESCALATION_CHANNEL = "C0ESCALATE"
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)  # a Wednesday, 09:30 UTC: DMs, ladder and digests run
# People's zones: at 09:30 UTC the first three are in their 09:00-10:00 reminder window, the others not.
ZONES = ("UTC", "Europe/London", "Europe/Dublin", "Europe/Berlin", "America/New_York", "Asia/Singapore")
BASELINE_TABLES = ("program", "status_update", "risk", "decision", "action", "milestone")
RAG_WEIGHTS = ((Rag.GREEN, 60), (Rag.AMBER, 25), (Rag.RED, 15))
OPEN_RISK_STATUSES = (RiskStatus.OPEN, RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.ACCEPTED)
BATCH = 1000


# --------------------------------------------------------------------------- the workspace


@dataclass(frozen=True)
class Shape:
    """How big the seeded workspace is; items are per program, so the whole scales with `programs`."""

    programs: int = 500
    risks_per_program: int = 20
    decisions_per_program: int = 10
    actions_per_program: int = 100
    milestones_per_program: int = 8
    statuses_per_program: int = 12
    people: int = 120
    program_schedules: int = 3  # program digests due at NOW (besides the portfolio digest to #leads)
    idle_schedules: int = 2  # schedules not due at NOW
    alerts: int = 10  # open, unacknowledged alerts
    seed: int = 7

    @property
    def totals(self) -> dict[str, int]:
        """Item counts, e.g. `{"risks": 10000, ...}`."""
        return {
            "programs": self.programs,
            "risks": self.programs * self.risks_per_program,
            "decisions": self.programs * self.decisions_per_program,
            "actions": self.programs * self.actions_per_program,
            "milestones": self.programs * self.milestones_per_program,
            "people": self.people,
        }


def person(index: int) -> str:
    """The Slack user ID of seeded person `index`."""
    return f"U0P{index:05d}"


def program_key(index: int) -> str:
    return f"TNS-P{index:04d}"


def is_restricted(index: int) -> bool:
    """Every 50th program is restricted (members only); every other one of those is cleared for #leads."""
    return index % 50 == 3


def is_archived(index: int) -> bool:
    return index % 100 == 99


@dataclass
class Rows:
    """Rows to insert, per table, in dependency order."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    decision_links: list[dict[str, int]] = field(default_factory=list)  # superseded_by_id, set after insert

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)


def build_rows(shape: Shape, *, now: dt.datetime = NOW) -> Rows:
    """Every row of the workspace; program `p` gets the same items whatever the number of programs."""
    today = now.date()
    people = [person(i) for i in range(shape.people)]
    fetched = dt.datetime.now(dt.UTC)  # the profile cache is fresh by the real clock (24-hour TTL)
    rows = Rows()
    rows.add("workspace_settings", {"team_id": TEAM, "updated_at": now - dt.timedelta(days=400)})
    for i, user in enumerate(people):
        zone = ZONES[i % len(ZONES)]
        rows.add(
            "user_profile",
            {"team_id": TEAM, "user_id": user, "tz": zone, "display_name": f"Person {i}", "fetched_at": fetched},
        )
    ids = {"status_update": 0, "milestone": 0, "risk": 0, "decision": 0, "action": 0, "audit_event": 0}
    for p in range(shape.programs):
        _program_rows(rows, shape, p, people, ids, now=now, today=today)
    _alert_rows(rows, shape, now=now)
    _schedule_rows(rows, shape, now=now)
    counters = {
        "R": ids["risk"],
        "D": ids["decision"],
        "A": ids["action"],
        "M": ids["milestone"],
        "S": len(rows.tables["digest_schedule"]),
    }
    for kind, value in counters.items():
        rows.add("id_counter", {"team_id": TEAM, "kind": kind, "value": value})
    rows.add("tick_run", {"name": "clock", "last_at": now - dt.timedelta(minutes=1)})
    return rows


def _program_rows(
    rows: Rows,
    shape: Shape,
    p: int,
    people: list[str],
    ids: dict[str, int],
    *,
    now: dt.datetime,
    today: dt.date,
) -> None:
    rng = random.Random(shape.seed * 1_000_003 + p)
    pid = p + 1
    owner = people[p % len(people)]
    created = now - dt.timedelta(days=400)
    restricted = is_restricted(p)
    rows.add(
        "program",
        {
            "id": pid,
            "team_id": TEAM,
            "key": program_key(p),
            "name": f"Program {p}: {rng.choice(['appeals', 'classifier', 'vendor', 'policy', 'queues'])} uplift",
            "owner_id": owner,
            "channel_id": None if p % 5 == 4 else f"C0PRG{p:05d}",
            "target_date": today + dt.timedelta(days=rng.randint(-30, 300)),
            "restricted": restricted,
            "members": sorted({people[(p + k) % len(people)] for k in (1, 2, 3)}) if restricted else [],
            "allowed_channels": [LEADS_CHANNEL] if restricted and p % 100 == 3 else [],
            "created_by": ADMIN,
            "created_at": created,
            "updated_at": created,
            "archived_at": now - dt.timedelta(days=20) if is_archived(p) else None,
        },
    )
    # Status history: weekly reports; every 10th program stale (10-30 days), every 33rd never reported.
    if p % 33 != 5:
        latest_age = dt.timedelta(
            days=rng.randint(10, 30) if p % 10 == 4 else rng.randint(0, 6), hours=rng.randint(0, 8)
        )
        for k in range(shape.statuses_per_program):
            ids["status_update"] += 1
            rag = rng.choices([r for r, _ in RAG_WEIGHTS], [w for _, w in RAG_WEIGHTS])[0]
            rows.add(
                "status_update",
                {
                    "id": ids["status_update"],
                    "team_id": TEAM,
                    "program_id": pid,
                    "rag": rag,
                    "summary": f"Week {k}: throughput steady, vendor ramp {rng.randint(40, 100)}% of plan; "
                    "appeals backlog trending with forecast.",
                    "asks": "Need a decision on EU vendor capacity" if rag == Rag.RED else None,
                    "author_id": owner,
                    "created_at": now - latest_age - dt.timedelta(weeks=shape.statuses_per_program - 1 - k),
                },
            )
    for k in range(shape.milestones_per_program):
        ids["milestone"] += 1
        due = today + dt.timedelta(days=rng.randint(-60, 120))
        done = due < today and rng.random() < 0.75
        rows.add(
            "milestone",
            {
                "id": ids["milestone"],
                "team_id": TEAM,
                "number": ids["milestone"],
                "program_id": pid,
                "title": f"Milestone {k} of program {p}",
                "due": due,
                "owner_id": people[(p + k) % len(people)],
                "created_by": owner,
                "created_at": created,
                "done_at": now - dt.timedelta(days=rng.randint(1, 60)) if done else None,
                "done_by": owner if done else None,
            },
        )
    first_risk = ids["risk"] + 1
    for k in range(shape.risks_per_program):
        ids["risk"] += 1
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        status = RiskStatus.CLOSED if rng.random() < 0.25 else rng.choice(OPEN_RISK_STATUSES)
        made = now - dt.timedelta(days=rng.randint(0, 360), hours=rng.randint(0, 23))
        risk_ref = f"R-{ids['risk']}"
        risk_owner = people[(p * 3 + k) % len(people)]
        rows.add(
            "risk",
            {
                "id": ids["risk"],
                "team_id": TEAM,
                "number": ids["risk"],
                "program_id": pid,
                "title": f"Risk {k} of program {p}: vendor capacity short in peak weeks",
                "likelihood": likelihood,
                "impact": impact,
                "score": likelihood * impact,
                "category": rng.choice(["vendor", "policy", "tooling", None]),
                "owner_id": risk_owner,
                "response": rng.choice(list(RiskResponse)),
                "mitigation": "Second vendor on standby; weekly capacity review.",
                "trigger": None,
                "review_date": today + dt.timedelta(days=rng.randint(-30, 60)),  # about a third past review
                "status": status,
                "close_reason": "Mitigated" if status == RiskStatus.CLOSED else None,
                "created_by": owner,
                "created_at": made,
                "updated_at": made,
                "reviewed_at": None,
                "closed_at": made + dt.timedelta(days=1) if status == RiskStatus.CLOSED else None,
            },
        )
        snapshot = {"title": f"Risk {k}", "score": likelihood * impact, "status": status.value}
        _audit(rows, ids, p, "risk", risk_ref, "create", None, snapshot, made, owner)
        if k % 50 == 0 or (k % 10 == 3 and rng.random() < 0.2):  # a few risks rose this week
            after = {**snapshot, "score": 20 if likelihood * impact < 20 else likelihood * impact}
            changed = now - dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 23))
            _audit(rows, ids, p, "risk", risk_ref, "update", {**snapshot, "score": 9}, after, changed, risk_owner)
    first_decision = ids["decision"] + 1
    for k in range(shape.decisions_per_program):
        ids["decision"] += 1
        made = now - dt.timedelta(days=rng.randint(0, 360), hours=rng.randint(0, 23))
        superseded = k + 1 < shape.decisions_per_program and k % 5 == 1
        rows.add(
            "decision",
            {
                "id": ids["decision"],
                "team_id": TEAM,
                "number": ids["decision"],
                "program_id": pid,
                "title": f"Decision {k} of program {p}: route EU appeals to vendor B",
                "context": "Backlog above SLA for three weeks.",
                "options": "A: hire; B: vendor; C: wait",
                "decision": "Vendor B",
                "rationale": "Fastest path to SLA at acceptable cost.",
                "driver_id": owner,
                "decider_id": people[(p + k + 1) % len(people)],
                "consulted": [people[(p + k + 2) % len(people)]],
                "informed": [],
                "status": DecisionStatus.SUPERSEDED if superseded else DecisionStatus.DECIDED,
                "superseded_by_id": None,
                "source_permalink": None,
                "created_at": made,
                "decided_at": made,
            },
        )
        if superseded:
            rows.decision_links.append({"b_id": ids["decision"], "b_by": ids["decision"] + 1})
    for k in range(shape.actions_per_program):
        ids["action"] += 1
        done = rng.random() < 0.6
        if done:
            due = today + dt.timedelta(days=rng.randint(-200, 10))
        elif rng.random() < 0.15:  # some open actions are overdue
            due = today - dt.timedelta(days=rng.randint(1, 30))
        else:
            due = today + dt.timedelta(days=rng.randint(0, 90))
        snoozed = due < today and not done and rng.random() < 0.1
        linked = rng.random()
        rows.add(
            "action",
            {
                "id": ids["action"],
                "team_id": TEAM,
                "number": ids["action"],
                "program_id": pid,
                "title": f"Action {k} of program {p}: draft the vendor SOW",
                "owner_id": people[(p * 7 + k) % len(people)],
                "due": due,
                "status": ActionStatus.DONE if done else ActionStatus.OPEN,
                "snoozed_until": today + dt.timedelta(days=rng.randint(1, 7)) if snoozed else None,
                "risk_id": first_risk + k % shape.risks_per_program
                if linked < 0.2 and shape.risks_per_program
                else None,
                "decision_id": first_decision + k % shape.decisions_per_program
                if 0.2 <= linked < 0.3 and shape.decisions_per_program
                else None,
                "created_by": owner,
                "created_at": now - dt.timedelta(days=rng.randint(30, 300)),
                "done_at": now - dt.timedelta(days=rng.randint(0, 30)) if done else None,
                "done_by": owner if done else None,
            },
        )


def _audit(
    rows: Rows,
    ids: dict[str, int],
    p: int,
    entity_type: str,
    entity_ref: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    at: dt.datetime,
    actor: str,
) -> None:
    ids["audit_event"] += 1
    rows.add(
        "audit_event",
        {
            "id": ids["audit_event"],
            "team_id": TEAM,
            "actor_id": actor,
            "entity_type": entity_type,
            "entity_ref": entity_ref,
            "program_id": p + 1,
            "action": action,
            "before": before,
            "after": after,
            "created_at": at,
        },
    )


def _alert_rows(rows: Rows, shape: Shape, *, now: dt.datetime) -> None:
    """Open alerts, last posted two days ago, repeated fewer than three times."""
    for i in range(min(shape.alerts, shape.programs)):
        p = i * shape.programs // max(shape.alerts, 1)
        rows.add(
            "alert",
            {
                "id": i + 1,
                "team_id": TEAM,
                "kind": "program_red",
                "entity_ref": program_key(p),
                "program_id": p + 1,
                "repeats": i % 2,
                "created_at": now - dt.timedelta(days=3),
                "acknowledged_at": None,
                "acknowledged_by": None,
                "resolved_at": None,
                "last_posted_on": now.date() - dt.timedelta(days=2),
            },
        )


def _schedule_rows(rows: Rows, shape: Shape, *, now: dt.datetime) -> None:
    """The portfolio digest and `program_schedules` program digests due at 09:00 UTC; idle ones at 17:00."""
    base = {"team_id": TEAM, "created_by": ADMIN, "created_at": now - dt.timedelta(days=90), "removed_at": None}
    last = now - dt.timedelta(days=7)
    plans: list[tuple[str, int | None, str, str]] = [(LEADS_CHANNEL, None, "weekdays", "09:00")]
    candidates = [p for p in range(shape.programs) if p % 5 != 4 and not is_restricted(p) and not is_archived(p)]
    plans += [(f"C0PRG{p:05d}", p + 1, "weekdays", "09:00") for p in candidates[: shape.program_schedules]]
    plans += [(LEADS_CHANNEL, None, "mon", "17:00") for _ in range(shape.idle_schedules)]
    for number, (channel, program_id, days, at) in enumerate(plans, start=1):
        rows.add(
            "digest_schedule",
            {
                **base,
                "id": number,
                "number": number,
                "channel_id": channel,
                "program_id": program_id,
                "days": days,
                "time_of_day": at,
                "tz": "UTC",
                "last_sent_at": last,
                "removed_by": None,
            },
        )


TABLE_ORDER = (
    "workspace_settings",
    "user_profile",
    "program",
    "status_update",
    "milestone",
    "risk",
    "decision",
    "action",
    "audit_event",
    "alert",
    "digest_schedule",
    "id_counter",
    "tick_run",
)
SERIAL_TABLES = (
    "program",
    "status_update",
    "milestone",
    "risk",
    "decision",
    "action",
    "audit_event",
    "alert",
    "digest_schedule",
)


def seed(engine: Engine, shape: Shape, *, now: dt.datetime = NOW) -> dict[str, int]:
    """Bulk-insert the workspace into an empty, migrated store; returns rows per table."""
    rows = build_rows(shape, now=now)
    tables = SQLModel.metadata.tables
    with engine.begin() as conn:
        for name in TABLE_ORDER:
            batch_rows = rows.tables.get(name, [])
            for start in range(0, len(batch_rows), BATCH):
                conn.execute(tables[name].insert(), batch_rows[start : start + BATCH])
        if rows.decision_links:
            decision = tables["decision"]
            conn.execute(
                update(decision).where(decision.c.id == bindparam("b_id")).values(superseded_by_id=bindparam("b_by")),
                rows.decision_links,
            )
        if engine.dialect.name == "postgresql":
            for name in SERIAL_TABLES:  # ids were given explicitly: move each sequence past them
                sequence = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
                conn.execute(text(f"{sequence} FROM {name}"))  # SERIAL_TABLES are constants
    return {name: len(rows.tables.get(name, [])) for name in TABLE_ORDER}


def wipe(engine: Engine) -> None:
    """Delete every row of every Pulse table (children first); the schema stays."""
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


# --------------------------------------------------------------------------- counting and timing


class StatementCounter:
    """Records every SQL statement an engine sends to the database while active (a context manager)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _on_execute(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        self.statements.append(statement)

    def __enter__(self) -> Self:
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on_execute)

    @property
    def count(self) -> int:
        return len(self.statements)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (with 7 samples, p95 is the slowest run)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Measurement:
    """The timings of one operation on one database."""

    key: str
    title: str
    samples_ms: list[float] = field(default_factory=list)
    statements: int | None = None
    note: str = ""

    @property
    def median_ms(self) -> float:
        return percentile(self.samples_ms, 0.5) if len(self.samples_ms) % 2 else _median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples_ms, 0.95)


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def timed(work: Callable[[], object]) -> float:
    """Milliseconds `work` took (after a garbage collection, so one run's garbage does not bill the next)."""
    gc.collect()
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


# --------------------------------------------------------------------------- one database


@dataclass
class Config:
    programs: int
    runs: int
    warmup: int
    databases: tuple[str, ...]
    postgres_admin_url: str
    deliveries: bool
    output: Path


@dataclass
class DatabaseResult:
    database: str
    server: str
    seed_seconds: float
    rows: dict[str, int]
    measurements: list[Measurement]
    queued_per_tick: dict[str, int]
    queued_by_kind: dict[str, int]
    delivered_per_tick: int | None
    digest_messages: int


@dataclass
class TickState:
    """What a tick changes, to put back between runs."""

    outbox_max_id: int
    ledger_max_id: int
    schedules: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    last_tick: dt.datetime


def snapshot_tick_state(engine: Engine, last_tick: dt.datetime) -> TickState:
    """Remember the outbox and ledger high-water marks, schedule and alert state."""
    tables = SQLModel.metadata.tables
    outbox, ledger = tables["outbox_message"], tables["reminder_sent"]
    schedule, alert = tables["digest_schedule"], tables["alert"]
    with engine.connect() as conn:
        outbox_max = conn.execute(select(func.coalesce(func.max(outbox.c.id), 0))).scalar_one()
        ledger_max = conn.execute(select(func.coalesce(func.max(ledger.c.id), 0))).scalar_one()
        schedules = [
            {"b_id": r.id, "b_last": r.last_sent_at}
            for r in conn.execute(select(schedule.c.id, schedule.c.last_sent_at))
        ]
        alerts = [
            {"b_id": r.id, "b_repeats": r.repeats, "b_posted": r.last_posted_on}
            for r in conn.execute(select(alert.c.id, alert.c.repeats, alert.c.last_posted_on))
        ]
    return TickState(int(outbox_max), int(ledger_max), schedules, alerts, last_tick)


def restore_tick_state(engine: Engine, state: TickState) -> None:
    """Undo what a tick wrote (untimed), so the next run does the same work."""
    tables = SQLModel.metadata.tables
    outbox, ledger = tables["outbox_message"], tables["reminder_sent"]
    schedule, alert, tick = tables["digest_schedule"], tables["alert"], tables["tick_run"]
    with engine.begin() as conn:
        conn.execute(outbox.delete().where(outbox.c.id > state.outbox_max_id))
        conn.execute(ledger.delete().where(ledger.c.id > state.ledger_max_id))
        if state.schedules:
            conn.execute(
                update(schedule).where(schedule.c.id == bindparam("b_id")).values(last_sent_at=bindparam("b_last")),
                state.schedules,
            )
        if state.alerts:
            conn.execute(
                update(alert)
                .where(alert.c.id == bindparam("b_id"))
                .values(repeats=bindparam("b_repeats"), last_posted_on=bindparam("b_posted")),
                state.alerts,
            )
        conn.execute(update(tick).where(tick.c.name == "clock").values(last_at=state.last_tick))


def mark_all_sent(engine: Engine, at: dt.datetime) -> None:
    """Pretend every queued message went out (the priming tick's deliveries)."""
    outbox = SQLModel.metadata.tables["outbox_message"]
    with engine.begin() as conn:
        conn.execute(
            update(outbox)
            .where(outbox.c.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENT, sent_at=at, sent_ts="1700000000.000100", sent_channel="C0SENT")
        )


def run_database(kind: str, url: str, server: str, config: Config, stub: Any) -> DatabaseResult:
    """Seed, prime and measure one database."""
    from bot.clock.clock import Clock
    from bot.runtime import Runtime
    from bot.settings import load_settings
    from domain.access import channel_viewer
    from domain.digests import portfolio_digest
    from store.db import Database
    from store.migrate import upgrade
    from templates import render_message

    shape = Shape(programs=config.programs)
    upgrade(url)
    database = Database(url)
    try:
        note(f"[{kind}] seeding {shape.totals} ...")
        started = time.perf_counter()
        rows = seed(database.engine, shape)
        if kind == "postgresql":
            with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        seed_seconds = time.perf_counter() - started
        note(f"[{kind}] seeded {sum(rows.values())} rows in {seed_seconds:.1f} s")
        for i in range(shape.people):
            stub.users[person(i)] = {"tz": ZONES[i % len(ZONES)], "real_name": f"Person {i}"}
        settings = load_settings(
            _env_file=None,
            SLACK_BOT_TOKEN=("xoxb" + "-bench-token"),
            SLACK_API_URL=stub.api_url,
            DATABASE_URL=url,
            PULSE_ADMINS=ADMIN,
            PULSE_ESCALATION_CHANNEL=ESCALATION_CHANNEL,
            PULSE_TIMEZONE="UTC",
            PULSE_CATCHUP_HOURS=6,
        )
        runtime = Runtime.build(settings, database)
        runtime.deliverer.pace_seconds = 0.0
        clock = Clock(runtime)

        # Steady state: yesterday's tick already ran and its messages went out.
        yesterday = NOW - dt.timedelta(days=1)
        restore_tick_state(database.engine, TickState(0, 0, [], [], last_tick=yesterday - dt.timedelta(minutes=1)))
        primed = clock.plan(yesterday)
        mark_all_sent(database.engine, yesterday)
        note(f"[{kind}] primed with yesterday's tick: {primed}")
        state = snapshot_tick_state(database.engine, NOW - dt.timedelta(minutes=1))

        engine = database.engine
        viewer = channel_viewer(TEAM, LEADS_CHANNEL)
        today = NOW.date()
        digest_messages = 0

        def baseline() -> None:
            with engine.connect() as conn:
                for table in BASELINE_TABLES:
                    conn.execute(text(f'SELECT * FROM "{table}"')).fetchall()  # noqa: S608 - constant table names

        def digest_build() -> None:
            with database.session() as session:
                portfolio_digest(session, viewer, since=None, now=NOW, today=today)

        def digest_render() -> None:
            nonlocal digest_messages
            with database.session() as session:
                digest = portfolio_digest(session, viewer, since=None, now=NOW, today=today)
                digest_messages = len([render_message(m) for m in digest.messages()])

        queued: dict[str, int] = {}
        delivered: list[int] = []

        def tick() -> None:
            queued.update(clock.plan(NOW))

        def deliver() -> None:
            delivered.append(len(runtime.deliverer.deliver_all()))

        measurements = [
            Measurement("baseline", "baseline: SELECT * x 6 tables"),
            Measurement("digest_build", "portfolio digest: build"),
            Measurement("digest_render", "portfolio digest: build + render"),
            Measurement("tick_plan", "tick: Clock.plan(now)", note="deliveries excluded"),
        ]
        if config.deliveries:
            measurements.append(Measurement("deliver", "deliveries (SlackStub, pace 0)", note="measured separately"))
        work = {"baseline": baseline, "digest_build": digest_build, "digest_render": digest_render}

        def record(m: Measurement, elapsed: float, statements: int, measured: bool) -> None:
            if measured:
                m.samples_ms.append(elapsed)
            if m.statements is not None and m.statements != statements and "varied" not in m.note:
                m.note = f"{m.note}; statement count varied between runs".lstrip("; ")
            m.statements = statements

        for run in range(config.warmup + config.runs):
            measured = run >= config.warmup
            for m in measurements:
                if m.key == "deliver":
                    continue
                if m.key == "tick_plan":
                    restore_tick_state(engine, state)  # untimed: every run plans the same work
                    stub.reset()
                with StatementCounter(engine) as counter:
                    elapsed = timed(tick if m.key == "tick_plan" else work[m.key])
                record(m, elapsed, counter.count, measured)
                if m.key == "tick_plan" and config.deliveries:
                    with StatementCounter(engine) as counter:
                        elapsed = timed(deliver)
                    record(measurements[-1], elapsed, counter.count, measured)
                if m.key == "tick_plan" and stub.call_count("users.info"):
                    raise RuntimeError("users.info was called: the user-profile cache was not primed")
            note(f"[{kind}] run {run + 1}/{config.warmup + config.runs}{'' if measured else ' (warm-up)'} done")
        outbox = SQLModel.metadata.tables["outbox_message"]
        with engine.connect() as conn:
            by_kind = conn.execute(
                select(outbox.c.kind, func.count()).where(outbox.c.id > state.outbox_max_id).group_by(outbox.c.kind)
            )
            queued_by_kind = {str(kind): int(n) for kind, n in by_kind}
        restore_tick_state(engine, state)
        return DatabaseResult(
            database=kind,
            server=server,
            seed_seconds=round(seed_seconds, 2),
            rows=rows,
            measurements=measurements,
            queued_per_tick=dict(queued),
            queued_by_kind=queued_by_kind,
            delivered_per_tick=delivered[-1] if delivered else None,
            digest_messages=digest_messages,
        )
    finally:
        database.dispose()


# --------------------------------------------------------------------------- databases


def check_loopback(url: str) -> None:
    """Refuse anything but a loopback PostgreSQL server."""
    host = make_url(url).host or "127.0.0.1"
    if host not in LOOPBACK_HOSTS:
        raise SystemExit(f"bench: refusing non-loopback PostgreSQL host {host!r}; use 127.0.0.1")


# --------------------------------------------------------------------------- report


def table(results: list[DatabaseResult]) -> str:
    """The results as a fixed-width table."""
    header = (
        f"{'database':<11} {'measurement':<34} {'median ms':>10} {'p95 ms':>9} "
        f"{'x base med':>10} {'x base p95':>10} {'statements':>10}  note"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        base = next(m for m in result.measurements if m.key == "baseline")
        for m in result.measurements:
            ratio_med = m.median_ms / base.median_ms if base.median_ms else math.nan
            ratio_p95 = m.p95_ms / base.p95_ms if base.p95_ms else math.nan
            lines.append(
                f"{result.database:<11} {m.title:<34} {m.median_ms:>10.1f} {m.p95_ms:>9.1f} "
                f"{ratio_med:>10.2f} {ratio_p95:>10.2f} {m.statements if m.statements is not None else '-':>10}  "
                f"{m.note}"
            )
    return "\n".join(lines)


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def to_json(result: DatabaseResult) -> dict[str, Any]:
    """One database's results as plain data, with ratios against the baseline."""
    base = next(m for m in result.measurements if m.key == "baseline")
    data = {k: v for k, v in asdict(result).items() if k != "measurements"}
    data["measurements"] = {
        m.key: {
            "title": m.title,
            "median_ms": round(m.median_ms, 3),
            "p95_ms": round(m.p95_ms, 3),
            "ratio_median_vs_baseline": round(m.median_ms / base.median_ms, 3),
            "ratio_p95_vs_baseline": round(m.p95_ms / base.p95_ms, 3),
            "statements": m.statements,
            "samples_ms": [round(s, 3) for s in m.samples_ms],
            "note": m.note,
        }
        for m in result.measurements
    }
    return data


# --------------------------------------------------------------------------- entry point


def parse_args(argv: Sequence[str]) -> Config:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(prog="python -m bench digest-tick", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=[*DATABASES, "both"], default="both", help="which database to measure (default: both)"
    )
    parser.add_argument(
        "--programs",
        type=int,
        default=500,
        help="programs to seed; per program 20 risks, 10 decisions, 100 actions, 8 milestones, 12 status reports "
        "(default 500)",
    )
    parser.add_argument("--runs", type=int, default=7, help="measured runs per operation (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs first (default 1)")
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_ADMIN_URL,
        help=f"loopback PostgreSQL server for the scratch database (default {DEFAULT_POSTGRES_ADMIN_URL})",
    )
    parser.add_argument("--no-deliveries", action="store_true", help="do not measure the deliveries")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    args = parser.parse_args(argv)
    if args.programs < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--programs and --runs must be at least 1, --warmup at least 0")
    check_loopback(args.postgres_url)
    return Config(
        programs=args.programs,
        runs=args.runs,
        warmup=args.warmup,
        databases=DATABASES if args.database == "both" else (args.database,),
        postgres_admin_url=args.postgres_url,
        deliveries=not args.no_deliveries,
        output=args.output,
    )


def main(argv: Sequence[str]) -> int:
    """Run the benchmark; 0 on success, 2 when a requested database is unavailable."""
    from bot.slack_stub import SlackStub

    config = parse_args(argv)
    cmd = command_line()
    print(f"$ {cmd}", flush=True)
    started = dt.datetime.now(dt.UTC)
    results: list[DatabaseResult] = []
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="pulse-bench-") as tmp, SlackStub() as stub:
        for kind in config.databases:
            if kind == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'digest_tick.db'}"
                results.append(run_database(kind, url, f"SQLite {sqlite3.sqlite_version}", config, stub))
                continue
            problem = postgres_problem(config.postgres_admin_url)
            if problem is not None:
                if len(config.databases) == 1:
                    print(f"bench: PostgreSQL unreachable at {config.postgres_admin_url}: {problem}", file=sys.stderr)
                    return 2
                note(f"bench: skipping PostgreSQL ({problem}); run `make postgres` first")
                skipped[kind] = problem
                continue
            with scratch_postgres(config.postgres_admin_url) as (url, version):
                results.append(run_database(kind, url, f"PostgreSQL {version}", config, stub))
    shape = Shape(programs=config.programs)
    print()
    print(f"digest-tick: {', '.join(f'{v} {k}' for k, v in shape.totals.items())}; now = {NOW.isoformat()}")
    for result in results:
        rows = ", ".join(f"{k} {v}" for k, v in result.rows.items() if v)
        print(f"  {result.database} ({result.server}): seeded in {result.seed_seconds:.1f} s: {rows}")
        print(
            f"  {result.database}: each tick queued {result.queued_by_kind}, delivered "
            f"{result.delivered_per_tick}; the digest has {result.digest_messages} messages"
        )
    print()
    print(table(results))
    print()
    print(
        f"{config.runs} measured runs after {config.warmup} warm-up; p95 is nearest-rank (with {config.runs} runs: "
        f"the {_ordinal(max(1, math.ceil(0.95 * config.runs)))} fastest). "
        "x base: ratio to the baseline's median / p95 on the same database."
    )
    print(
        "Statements: SQL statements sent per run (before_cursor_execute; on SQLite includes the BEGIN Pulse emits). "
        "The tick excludes deliveries; they are timed on their own row."
    )
    for name, why in skipped.items():
        print(f"SKIPPED {name}: {why}")
    report = {
        "benchmark": "digest-tick",
        "command": cmd,
        "started_at": started.isoformat(timespec="seconds"),
        "duration_seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
        "host": {"python": platform.python_version(), "platform": platform.platform()},
        "now": NOW.isoformat(),
        "shape": {**asdict(Shape(programs=config.programs)), "totals": shape.totals},
        "runs": config.runs,
        "warmup": config.warmup,
        "percentile": "nearest-rank",
        "tick_excludes_deliveries": True,
        "results": [to_json(r) for r in results],
        "skipped": skipped,
    }
    config.output.parent.mkdir(parents=True, exist_ok=True)
    config.output.write_text(json.dumps(finite(report), indent=2, default=str, allow_nan=False) + "\n")
    print(f"Wrote {config.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
