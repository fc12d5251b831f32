"""Database faults against a real `pulse serve --http --no-scheduler` process: a table locked by another
connection (PostgreSQL `LOCK TABLE ... ACCESS EXCLUSIVE`; SQLite: another process holding BEGIN IMMEDIATE),
and every connection terminated (`pg_terminate_backend`). Every surface is answered within Slack's 3 s, the
person is told Pulse is busy and to try again, nothing is half-applied, and Pulse recovers without a restart.

Restarting PostgreSQL is not part of this suite: the server on this machine is shared with other sessions."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.ids import ActionId, CallbackId
from bot.slack_stub import SlackStub
from store.db import Database
from store.models import Risk
from tests.support.app import ANA, APPEALS, assert_unchanged, create_program, fetch, mention, table_rows
from tests.support.harness import Answer
from tests.support.served import ServedPulse

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
