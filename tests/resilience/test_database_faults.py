"""Database faults against a real `pulse serve --http --no-scheduler` process: a table locked by another
connection (PostgreSQL `LOCK TABLE ... ACCESS EXCLUSIVE`; SQLite: another process holding BEGIN IMMEDIATE),
every connection terminated (`pg_terminate_backend`), and PostgreSQL itself restarted and stopped for a few
seconds (on a private throwaway server: the machine's own is shared with other sessions). Every surface is
answered within Slack's 3 s, the person is told Pulse is busy and to try again, nothing is half-applied, and
Pulse (its replica and its clock) recovers without a restart."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.clock.every_minute import _safe_tick
from bot.ids import ActionId, CallbackId
from bot.slack_stub import SlackStub
from store.db import Database
from store.migrate import upgrade
from store.models import AuditEvent, OutboxStatus, Risk
from tests.support.app import ANA, APPEALS, assert_unchanged, create_program, fetch, fetch_all, mention, table_rows
from tests.support.cli import pulse as cli
from tests.support.clock import (
    ADMIN_ACTOR,
    APPEALS_CHANNEL,
    MORNING,
    SETTINGS,
    WORKSPACE_TZ,
    at,
    make_clock,
    outbox_rows,
    posted,
    seed_programs,
    seeding,
    tick_at,
)
from tests.support.harness import TOKEN, Answer, PulseHarness
from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.served import ServedPulse
from tests.support.services import schedules

ACK_LIMIT_SECONDS = 3.0
BUSY = "Pulse is busy"
FORM = {
    "likelihood": {"type": "static_select", "selected_option": {"value": "5"}},
    "impact": {"type": "static_select", "selected_option": {"value": "5"}},
}


class Figures:
    tried = 0
    held = 0
    slowest = 0.0


@pytest.fixture(scope="module")
def figures() -> Iterator[type[Figures]]:
    yield Figures
    print(f"\ndatabase faults: {Figures.tried} tried, {Figures.held} held (slowest ack {Figures.slowest:.2f} s)")


@pytest.fixture
def served(database: Database, tmp_path: Path) -> Iterator[ServedPulse]:
    with SlackStub() as stub:
        stub.users[ANA] = {"tz": "Europe/London", "real_name": "Ana"}  # her profile is cached on her first form
        pulse = ServedPulse(database, stub, tmp_path)
        yield pulse
        pulse.close()
        assert "Traceback" not in pulse.log(), pulse.log()


@contextmanager
def locked(database: Database, table: str) -> Iterator[None]:
    """`table` locked by another holder for the duration: another PostgreSQL connection holding an ACCESS
    EXCLUSIVE lock, or (SQLite locks the whole file) another process holding a write transaction."""
    if database.dialect == "postgresql":
        url = make_url(database.url).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
            conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            yield
            conn.rollback()
        return
    path = make_url(database.url).database
    holder = subprocess.Popen(  # noqa: S603 - a fixed script of our own
        [sys.executable, "-c", HOLD_SQLITE, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    try:
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)


HOLD_SQLITE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.read()
conn.rollback()
"""


def timed(send: Callable[[], Answer]) -> tuple[Answer, float]:
    started = time.monotonic()
    answer = send()
    return answer, time.monotonic() - started


def surfaces(pulse: ServedPulse, risk: int) -> dict[str, Callable[[], Answer]]:
    """One request per surface, each changing the risk table (so a lock on it is in the way); each returns
    what the person sees (a button's reply comes by response_url: the time includes it)."""
    return {
        "form": lambda: pulse.submit_view(CallbackId.RISK_UPDATE.value, FORM, private_metadata=f"R-{risk}", user=ANA),
        "button": lambda: pulse.click(ActionId.RISK_REVIEWED.value, f"R-{risk}"),
        "slash command": lambda: pulse.command("/risk", f"add {APPEALS} Vendor exits likelihood:3 impact:3"),
    }


def said_busy(surface: str, answer: Answer) -> bool:
    """Whether the person was told Pulse is busy: in their reply, or under the form's first field."""
    return BUSY in (str(answer.body.get("errors")) if surface == "form" else answer.text)


def setup_risk(pulse: ServedPulse) -> int:
    create_program(pulse)
    answer = pulse.command("/risk", f"add {APPEALS} Vendor cannot hire likelihood:1 impact:1 owner:{mention(ANA)}")
    assert answer.text.startswith("R-1 added"), answer.text
    return 1


@pytest.mark.parametrize("table", ["risk", "seen_request"])
def test_a_locked_table_is_answered_busy_in_time_and_nothing_is_half_applied(
    served: ServedPulse, database: Database, figures: type[Figures], table: str
) -> None:
    if database.dialect == "sqlite" and table != "risk":
        pytest.skip("SQLite locks the whole file: one case covers it")
    risk = setup_risk(served)
    before = table_rows(database)
    with locked(database, table):
        for surface, send in surfaces(served, risk).items():
            answer, seconds = timed(send)
            figures.tried += 1
            figures.slowest = max(figures.slowest, seconds)
            assert answer.status == 200, (surface, answer)
            assert seconds < ACK_LIMIT_SECONDS, f"{surface} acked after {seconds:.2f} s"
            assert said_busy(surface, answer), (surface, answer.body)
            figures.held += 1
    assert_unchanged(before, table_rows(database))  # nothing half-applied
    # Recovered without a restart: the same things, tried again, work.
    for surface, send in surfaces(served, risk).items():
        answer, seconds = timed(send)
        assert answer.status == 200 and seconds < ACK_LIMIT_SECONDS, (surface, seconds)
        assert "errors" not in answer.body and BUSY not in answer.text, (surface, answer.body)
    reviewed = fetch(database, Risk, number=risk)
    assert (reviewed.likelihood, reviewed.impact) == (5, 5)


@pytest.mark.postgres
def test_terminated_connections_are_replaced_without_a_restart(
    served: ServedPulse, database: Database, figures: type[Figures]
) -> None:
    if database.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    risk = setup_risk(served)
    with database.engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    assert killed >= 1  # the served process's pooled connections
    for surface, send in surfaces(served, risk).items():
        answer, seconds = timed(send)
        figures.tried += 1
        figures.slowest = max(figures.slowest, seconds)
        assert answer.status == 200 and seconds < ACK_LIMIT_SECONDS, (surface, answer, seconds)
        assert "errors" not in answer.body, (surface, answer.body)
        figures.held += 1
    assert fetch(database, Risk, number=risk).likelihood == 5


# PostgreSQL restarted ------------------------------------------------------------------------------------

OUTAGE_SECONDS = 3.0  # how long PostgreSQL stays down, requests arriving all the while (real time: a real outage)


@dataclass
class Sent:
    """One request sent while PostgreSQL was being restarted or was down, and what came of it."""

    surface: str
    answer: Answer
    seconds: float
    while_down: bool  # sent after PostgreSQL had stopped and answered before it was started again


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[tuple[PrivatePostgres, ServedPulse]]:
    """A served replica on a private PostgreSQL server the test may restart and stop."""
    with private_postgres() as cluster:
        upgrade(cluster.url)
        database = Database(cluster.url)
        with SlackStub() as stub:
            stub.users[ANA] = {"tz": "Europe/London", "real_name": "Ana"}
            pulse = ServedPulse(database, stub, tmp_path)
            try:
                yield cluster, pulse
            finally:
                pulse.close()
                database.dispose()
        assert "Traceback" not in pulse.log(), pulse.log()


class Traffic:
    """Keeps sending one request per surface in turn, from a thread, until stopped."""

    def __init__(self, pulse: ServedPulse, risk: int) -> None:
        self.sends: dict[str, Callable[[], Answer]] = {
            **surfaces(pulse, risk),
            "form": partial(self._form, pulse, risk),
        }
        self.likelihood = 1  # the risk's, as last changed by a form
        self.sent: list[Sent] = []
        self.down = threading.Event()  # set while PostgreSQL is stopped
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="traffic", daemon=True)

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _form(self, pulse: ServedPulse, risk: int) -> Answer:
        """The risk form, changing the likelihood each time (1 to 5, round)."""
        likelihood = self.likelihood % 5 + 1
        value = {"type": "static_select", "selected_option": {"value": str(likelihood)}}
        answer = pulse.submit_view(
            CallbackId.RISK_UPDATE.value, {**FORM, "likelihood": value}, private_metadata=f"R-{risk}"
        )
        if applied("form", answer):
            self.likelihood = likelihood
        return answer

    def wait_for(self, reached: Callable[[], bool], timeout: float = 60) -> None:
        """Block until `reached()` (a count of requests answered, not a time)."""
        ends = time.monotonic() + timeout
        while not reached():
            assert time.monotonic() < ends and self._thread.is_alive(), f"never reached; last sent {self.sent[-3:]}"
            time.sleep(0.05)

    def _run(self) -> None:
        while not self._stop.is_set():
            for surface, send in self.sends.items():
                down_before = self.down.is_set()
                answer, seconds = timed(send)
                self.sent.append(Sent(surface, answer, seconds, down_before and self.down.is_set()))


def applied(surface: str, answer: Answer) -> bool:
    """Whether the reply says the change was made (not busy, no error)."""
    if surface == "form":
        return answer.body.get("response_action") != "errors"
    return BUSY not in answer.text and not answer.text.startswith(":warning:")


@pytest.mark.postgres
def test_postgresql_restarted_and_stopped_under_requests(
    restartable: tuple[PrivatePostgres, ServedPulse], figures: type[Figures]
) -> None:
    cluster, served = restartable
    risk = setup_risk(served)
    with Traffic(served, risk) as traffic:
        served.stub.wait_for_response(count=2, timeout=10)  # requests are flowing (a click's reply each round)
        cluster.restart()  # -m fast: every session ended, the server back at once
        traffic.down.set()
        cluster.stop()
        back_at = time.monotonic() + OUTAGE_SECONDS
        traffic.wait_for(lambda: time.monotonic() >= back_at and sum(s.while_down for s in traffic.sent) >= 3)
        traffic.down.clear()
        cluster.start()
        again = len(traffic.sent) + len(traffic.sends)
        traffic.wait_for(lambda: len(traffic.sent) >= again)  # one more round with PostgreSQL back
    assert served.process.poll() is None  # the same process throughout: Pulse was never restarted
    for sent in traffic.sent:
        figures.tried += 1
        figures.slowest = max(figures.slowest, sent.seconds)
        assert sent.answer.status == 200, sent
        assert sent.seconds < ACK_LIMIT_SECONDS, f"{sent.surface} acked after {sent.seconds:.2f} s"
        assert applied(sent.surface, sent.answer) or said_busy(sent.surface, sent.answer), sent
        assert not (sent.while_down and applied(sent.surface, sent.answer)), sent
        figures.held += 1
    assert [s for s in traffic.sent if s.while_down], "no request came while PostgreSQL was down"
    # Nothing half-applied: each change is one the person was told about, with its one audit row.
    told = Counter(s.surface for s in traffic.sent if applied(s.surface, s.answer))
    changes = Counter(e.action for e in fetch_all(served.database, AuditEvent, entity_type="risk"))
    assert changes == {"create": 1 + told["slash command"], "update": told["form"], "review": told["button"]}
    assert len(fetch_all(served.database, Risk)) == changes["create"]
    assert fetch(served.database, Risk, number=risk).likelihood == traffic.likelihood
    # Recovered on its own: everything works again on the same process.
    for surface, send in traffic.sends.items():
        answer, seconds = timed(send)
        assert answer.status == 200 and seconds < ACK_LIMIT_SECONDS, (surface, seconds)
        assert applied(surface, answer), (surface, answer.body)


@pytest.mark.postgres
def test_the_clock_recovers_when_postgresql_is_back(
    tmp_path: Path, figures: type[Figures], caplog: pytest.LogCaptureFixture
) -> None:
    """The serve's (and `pulse scheduler`'s) clock keeps its engine across an outage: the minute's tick while
    PostgreSQL is down is skipped with one line, the next one sends what is due, once; `pulse tick` (a cron
    job) exits with one line naming the database."""
    with private_postgres() as cluster, SlackStub() as stub:
        upgrade(cluster.url)
        database = Database(cluster.url)
        pulse = PulseHarness(database, stub, **SETTINGS)
        try:
            with seeding(database, MORNING - dt.timedelta(hours=1)) as session:
                portfolio = seed_programs(session)
                schedules.create(
                    session,
                    ADMIN_ACTOR,
                    channel_id=APPEALS_CHANNEL,
                    program=portfolio.appeals,
                    days="daily",
                    time_of_day="09:00",
                    tz=WORKSPACE_TZ,
                )
            clock, _ = make_clock(pulse, pace_seconds=0)
            assert tick_at(clock, MORNING - dt.timedelta(minutes=1)).sent == 0  # its pool is connected
            cluster.stop()
            caplog.clear()
            with at(MORNING):
                _safe_tick(clock)  # what the clock's every-minute job runs
            assert [(r.getMessage(), r.exc_info) for r in caplog.records if r.levelno >= logging.WARNING] == [
                ("tick skipped: the database is away (the next minute tries again)", None)
            ]
            ticked = pulse_tick(pulse, MORNING, tmp_path)
            figures.tried += 2
            assert (ticked.returncode, ticked.stdout) == (2, ""), ticked
            assert ticked.stderr.startswith("pulse: cannot reach the database at"), ticked.stderr
            assert "Traceback" not in ticked.stderr
            assert stub.calls("chat.postMessage") == []
            figures.held += 2
            cluster.start()
            with at(MORNING + dt.timedelta(minutes=1)):
                _safe_tick(clock)  # the next minute: the same clock, the same engine
            again = pulse_tick(pulse, MORNING + dt.timedelta(minutes=2), tmp_path)
            figures.tried += 2
            assert again.returncode == 0, again.stderr
            assert "queued nothing new; delivered 0" in again.stdout  # the digest went once, at 09:01
            digest = Counter(p.metadata["event_payload"]["dedupe_key"] for p in posted(stub) if p.to == APPEALS_CHANNEL)
            assert digest and set(digest.values()) == {1}, digest  # its summary and thread, each once
            assert [r.dedupe_key for r in outbox_rows(database) if r.status != OutboxStatus.SENT] == []
            figures.held += 2
        finally:
            pulse.close()
            database.dispose()


def pulse_tick(pulse: PulseHarness, instant: dt.datetime, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`pulse tick --at INSTANT` on the harness's database and Slack, as cron would run it."""
    return cli(
        "tick",
        "--at",
        instant.isoformat(),
        cwd=cwd,
        DATABASE_URL=pulse.database.url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=pulse.stub.api_url,
        **SETTINGS,
    )
