"""Every Pulse internal the benchmark touches, in one module: adapt this file when Pulse's internals move.

The clock benchmark and the seeder use it (store tables and enums, the clock, the portfolio digest,
statement counting); the black-box parts (footprint, reply, cpu) never import it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Self

from sqlalchemy import Engine, Table, bindparam, event, func, select, text, update
from sqlmodel import SQLModel

from store.db import Database
from store.migrate import upgrade
from store.models import ActionStatus, DecisionStatus, OutboxStatus, Rag, RiskResponse, RiskStatus

__all__ = [
    "ActionStatus",
    "DecisionStatus",
    "Engine",
    "PulseClock",
    "Rag",
    "RiskResponse",
    "RiskStatus",
    "StatementCounter",
    "Store",
    "draw_sample",
    "insert_rows",
    "wipe",
]

BATCH = 1000
TICK_NAME = "clock"  # bot.clock.clock.TICK_NAME

# The plain reads: the rows the portfolio digest fetches (visible programs, their latest two status
# reports, open risks, open actions, open milestones, risk audit events and decisions since the last
# digest, the workspace's settings), and on top of them what the morning tick fetches.
DIGEST_READS = (
    "SELECT * FROM program WHERE team_id = :team AND archived_at IS NULL",
    "SELECT * FROM (SELECT s.*, row_number() OVER (PARTITION BY program_id ORDER BY created_at DESC, id DESC) AS rank"
    " FROM status_update s WHERE team_id = :team) ranked WHERE rank <= 2",
    "SELECT * FROM risk WHERE team_id = :team AND status <> 'closed'",
    "SELECT * FROM action WHERE team_id = :team AND status = 'open'",
    "SELECT * FROM milestone WHERE team_id = :team AND done_at IS NULL",
    "SELECT * FROM audit_event WHERE team_id = :team AND entity_type = 'risk' AND created_at >= :since",
    "SELECT * FROM decision WHERE team_id = :team AND created_at >= :since",
    "SELECT * FROM workspace_settings WHERE team_id = :team",
)
MORNING_READS = (
    *DIGEST_READS,
    "SELECT * FROM user_profile WHERE team_id = :team",
    "SELECT * FROM alert WHERE team_id = :team AND acknowledged_at IS NULL AND resolved_at IS NULL",
    "SELECT * FROM digest_schedule WHERE team_id = :team AND removed_at IS NULL",
)


def insert_rows(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Bulk-insert rows by table name (SQLAlchemy Core executemany, parents first); ids are given, so
    PostgreSQL's sequences are moved past them. Returns rows per table."""
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            batch = rows.get(table.name, [])
            for start in range(0, len(batch), BATCH):
                conn.execute(table.insert(), batch[start : start + BATCH])
        if engine.dialect.name == "postgresql":
            for name in rows:
                if "id" in SQLModel.metadata.tables[name].c:  # table names come from the metadata
                    sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), MAX(id)) FROM \"{name}\""  # noqa: S608
                    conn.execute(text(sql))
    return {name: len(batch) for name, batch in rows.items()}


def wipe(engine: Engine) -> None:
    """Delete every row of every Pulse table (children first); the schema stays."""
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


class StatementCounter:
    """Records every SQL statement the engine sends while active (a context manager)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)

    def __enter__(self) -> Self:
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


@dataclass(frozen=True)
class TickState:
    """What a tick writes, to put back (untimed) so every measured tick does the same work."""

    outbox_max_id: int
    ledger_max_id: int
    schedules: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    plan_marks: list[dict[str, Any]]  # so every measured tick plans its ladder as the first one of its period


class Store:
    """A migrated Pulse database, opened as Pulse opens it."""

    def __init__(self, url: str) -> None:
        upgrade(url)
        self.database = Database(url)
        self.engine = self.database.engine
        self.tables: dict[str, Table] = dict(SQLModel.metadata.tables)

    @property
    def dialect(self) -> str:
        return self.database.dialect

    def dispose(self) -> None:
        self.database.dispose()

    def insert(self, rows: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Bulk-insert rows, then refresh the planner's statistics as a live database has them."""
        counts = insert_rows(self.engine, rows)
        if self.dialect == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with self.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        return counts

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(self.tables[table])).scalar_one())

    def plain_read(self, queries: tuple[str, ...], team: str, since: dt.datetime) -> int:
        """Run the plain SELECTs through the same engine and fetch every row; returns the row count."""
        with self.engine.connect() as conn:
            return sum(len(conn.execute(text(q), {"team": team, "since": since}).fetchall()) for q in queries)

    def portfolio_digest(self, team: str, channel: str, *, since: dt.datetime, now: dt.datetime) -> int:
        """Build the portfolio digest a channel gets and render every message; returns the message count."""
        from domain.access import channel_viewer
        from domain.digests import portfolio_digest
        from templates import render_message

        with self.database.session() as session:
            digest = portfolio_digest(session, channel_viewer(team, channel), since=since, now=now, today=now.date())
            return len([render_message(message) for message in digest.messages()])

    def snapshot(self) -> TickState:
        t = self.tables
        outbox, ledger, schedule, alert = t["outbox_message"], t["reminder_sent"], t["digest_schedule"], t["alert"]
        with self.engine.connect() as conn:
            return TickState(
                int(conn.execute(select(func.coalesce(func.max(outbox.c.id), 0))).scalar_one()),
                int(conn.execute(select(func.coalesce(func.max(ledger.c.id), 0))).scalar_one()),
                [{"b_id": r.id, "b_last": r.last_sent_at} for r in conn.execute(select(schedule))],
                [
                    {"b_id": r.id, "b_repeats": r.repeats, "b_posted": r.last_posted_on}
                    for r in conn.execute(select(alert))
                ],
                [dict(r._mapping) for r in conn.execute(select(t["plan_mark"]))],
            )

    def restore(self, state: TickState, last_tick: dt.datetime) -> None:
        """Undo what ticks wrote since `state` was taken, and set the clock's last run."""
        t = self.tables
        outbox, ledger, schedule, alert = t["outbox_message"], t["reminder_sent"], t["digest_schedule"], t["alert"]
        with self.engine.begin() as conn:
            conn.execute(outbox.delete().where(outbox.c.id > state.outbox_max_id))
            conn.execute(ledger.delete().where(ledger.c.id > state.ledger_max_id))
            conn.execute(t["plan_mark"].delete())
            if state.plan_marks:
                conn.execute(t["plan_mark"].insert(), state.plan_marks)
            if state.schedules:
                last: dict[str, Any] = {"last_sent_at": bindparam("b_last")}
                conn.execute(update(schedule).where(schedule.c.id == bindparam("b_id")).values(last), state.schedules)
            if state.alerts:
                values: dict[str, Any] = {"repeats": bindparam("b_repeats"), "last_posted_on": bindparam("b_posted")}
                conn.execute(update(alert).where(alert.c.id == bindparam("b_id")).values(values), state.alerts)
            self.set_last_tick(last_tick, conn)

    def set_last_tick(self, at: dt.datetime, conn: Any = None) -> None:
        tick = self.tables["tick_run"]
        with contextlib.ExitStack() as stack:
            conn = conn or stack.enter_context(self.engine.begin())
            conn.execute(update(tick).where(tick.c.name == TICK_NAME).values(last_at=at))

    def mark_all_sent(self, at: dt.datetime) -> int:
        """Pretend every queued message went out (as after a tick's deliveries); returns how many."""
        outbox = self.tables["outbox_message"]
        sent = {"status": OutboxStatus.SENT, "sent_at": at, "sent_ts": "1700000000.000100", "sent_channel": "C0SENT"}
        with self.engine.begin() as conn:
            return conn.execute(update(outbox).where(outbox.c.status == OutboxStatus.PENDING).values(sent)).rowcount


def run_as_pulse_does() -> None:
    """Set this process up as `pulse` sets up each of its processes (the garbage collector's thresholds)."""
    from bot.collector import tune_gc

    tune_gc()


class PulseClock:
    """Pulse's clock on a store, delivering to an in-process Slack stub (without pacing)."""

    def __init__(self, store: Store, *, admin: str, escalation_channel: str) -> None:
        from bot.clock.clock import Clock
        from bot.runtime import Runtime
        from bot.settings import load_settings
        from bot.slack_stub import SlackStub

        self.stub = SlackStub()
        settings = load_settings(
            _env_file=None,
            SLACK_BOT_TOKEN="-".join(["xoxb", "bench", "clock"]),
            SLACK_API_URL=self.stub.api_url,
            DATABASE_URL=store.database.url,
            PULSE_ADMINS=admin,
            PULSE_ESCALATION_CHANNEL=escalation_channel,
            PULSE_TIMEZONE="UTC",
        )
        runtime = Runtime.build(settings, store.database)
        runtime.deliverer.pace_seconds = 0.0
        self._clock = Clock(runtime)

    def plan(self, now: dt.datetime) -> int:
        """Queue everything due at `now` (no deliveries); returns how many messages were queued."""
        return sum(self._clock.plan(now).values())

    def tick(self, now: dt.datetime) -> None:
        """A whole tick as the scheduler runs it: plan, then deliver what is due."""
        self._clock.tick(now)

    def slack_calls(self) -> int:
        return len(self.stub.calls())

    def close(self) -> None:
        self.stub.stop()


def draw_sample(name: str, warm: int) -> str:
    """Seconds to draw picture `name` (heatmap: 200 risks, 40 moved; trend: 12 programs x 12 weeks; kpi: 104
    readings) once in this fresh process, then `warm` more times: a JSON list, the first draw first."""
    import time

    from bot import pictures

    start = dt.date(2026, 9, 7)
    samples: dict[str, Any] = {
        "heatmap": lambda: pictures.draw_heatmap(
            pictures.HeatmapData(
                "Portfolio risks",
                pictures.band_grid(),
                tuple(
                    pictures.HeatmapRisk(f"R-{n}", n % 5 + 1, n // 5 % 5 + 1, previous=(1, 1) if n % 5 == 0 else None)
                    for n in range(200)
                ),
            )
        ),
        "trend": lambda: pictures.draw_rag_timeline(
            pictures.RagTimelineData(
                "Portfolio status by week",
                tuple(start + dt.timedelta(weeks=w) for w in range(12)),
                tuple(
                    pictures.RagRow(
                        f"TNS-{p:02d}", tuple(("green", "amber", "red", None)[(p + w) % 4] for w in range(12))
                    )
                    for p in range(12)
                ),
            )
        ),
        "kpi": lambda: pictures.draw_kpi_chart(
            pictures.KpiData(
                "Median appeal time",
                "h",
                "down",
                48,
                tuple(pictures.KpiReading(start + dt.timedelta(weeks=w), 90 - w * 0.4) for w in range(104)),
                60,
            )
        ),
    }
    seconds = []
    for _ in range(1 + warm):
        began = time.perf_counter()
        samples[name]()
        seconds.append(time.perf_counter() - began)
    return json.dumps(seconds)
