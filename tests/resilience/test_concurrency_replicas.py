"""Resilience, area "concurrency": two real `pulse serve --http --no-scheduler` replicas on one database.

Requests that change the same item at the same instant on different replicas are serialised by a row lock taken
where the item is looked up for change (SQLite: writers begin IMMEDIATE), so no change is lost, derived values
(score, band, alerts) follow the latest inputs, and each audit row's "before" is the state the change was made to.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel, col, select

from bot.ids import ActionId
from bot.slack_stub import Call, ResponsePost, SlackStub
from store.db import Database
from store.models import Action, Alert, AuditEvent, Decision, Program, Risk, WorkspaceSettings
from tests.support.app import APPEALS, APPEALS_CHANNEL, OWNER, channel_link, posts_to
from tests.support.harness import Answer
from tests.support.replica_pool import Replica

ADMIN = "U0ADMIN"
ESCALATION = "C0ESC"
PAIRS = 10  # items each changed by both replicas at once
Send = Callable[[], Answer]


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


@pytest.fixture
def replicas(database: Database, stub: SlackStub, tmp_path: Path) -> Iterator[tuple[Replica, Replica]]:
    env = {"PULSE_ADMINS": f"{OWNER},{ADMIN}", "PULSE_ESCALATION_CHANNEL": ESCALATION}
    started: list[Replica] = []
    try:
        started += [Replica(database, stub, tmp_path, env) for _ in range(2)]
        for replica in started:
            replica.wait_ready()
        yield started[0], started[1]
    finally:
        for replica in started:
            replica.stop()
        for replica in started:
            replica.close()
    traces = [trace for replica in started for trace in replica.traces()]
    assert not traces, "a replica logged a stack trace:\n" + "\n".join(traces)


def at_once(*calls: Send) -> list[Answer]:
    """Send every call at the same instant (each from its own thread); their answers in order."""
    start = threading.Barrier(len(calls))
    answers: list[Answer | None] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait(10)
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def succeeded(answer: Answer) -> bool:
    return answer.status == 200 and not answer.text.startswith(":warning:")


def rows(database: Database, model: type[Any], **where: Any) -> list[Any]:
    with database.session() as session:
        statement = select(model)
        for name, value in where.items():
            statement = statement.where(col(getattr(model, name)) == value)
        return list(session.exec(statement.order_by(col(model.id))))


def changes(database: Database, entity_type: str, entity_ref: str, action: str) -> list[AuditEvent]:
    return rows(database, AuditEvent, entity_type=entity_type, entity_ref=entity_ref, action=action)


def is_chained(events: list[AuditEvent]) -> bool:
    """Each change was made to the state the previous one left: its "before" is the previous one's "after"."""
    return all(event.before == previous.after for previous, event in pairwise(events))


@pytest.mark.parametrize("db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_likelihood_and_impact_changed_at_once_on_two_replicas_both_stay(
    database: Database, stub: SlackStub, replicas: tuple[Replica, Replica]
) -> None:
    a, b = replicas
    assert succeeded(a.command("/program", f"new {APPEALS} Appeals channel:{channel_link(APPEALS_CHANNEL, 'a')}"))
    for number in range(1, PAIRS + 1):
        assert succeeded(a.command("/risk", f"add {APPEALS} Risk {number} likelihood:1 impact:1"))
    for number in range(1, PAIRS + 1):
        answers = at_once(
            partial(a.command, "/risk", f"update R-{number} likelihood:4"),
            partial(b.command, "/risk", f"update R-{number} impact:5"),
        )
        assert all(succeeded(x) for x in answers), [x.text for x in answers]
    stored = rows(database, Risk)
    assert [(r.number, r.likelihood, r.impact, r.score) for r in stored] == [(n, 4, 5, 20) for n in range(1, PAIRS + 1)]
    alerts = rows(database, Alert, kind="risk_critical")
    assert sorted(x.entity_ref for x in alerts) == sorted(f"R-{n}" for n in range(1, PAIRS + 1))  # one each
    assert len([p for p in posts_to(stub, ESCALATION) if "CRITICAL risk" in p]) == PAIRS
    for number in range(1, PAIRS + 1):
        updates = changes(database, "risk", f"R-{number}", "update")
        assert len(updates) == 2
        created = changes(database, "risk", f"R-{number}", "create")[0]
        assert updates[0].before == created.after and is_chained(updates)
        assert updates[0].before is not None and updates[0].before["score"] == 1
        assert updates[1].before is not None and updates[1].before["score"] in {4, 5}  # 4x1 or 1x5, never stale


@pytest.mark.parametrize("db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_settings_programs_and_alerts_changed_at_once_on_two_replicas(
    database: Database, stub: SlackStub, replicas: tuple[Replica, Replica]
) -> None:
    a, b = replicas
    answers = at_once(
        partial(a.command, "/pulse", "settings bands:4,9,16", user=ADMIN),
        partial(b.command, "/pulse", "settings day_first:yes", user=ADMIN),
    )
    assert all(succeeded(x) for x in answers), [x.text for x in answers]
    with database.session() as session:
        saved = session.exec(select(WorkspaceSettings)).one()
    assert (saved.band_medium_min, saved.band_high_min, saved.band_critical_min, saved.day_first) == (4, 9, 16, True)
    audited = changes(database, "settings", "settings", "update")
    assert len(audited) == 2 and is_chained(audited)
    for number in range(PAIRS):
        key = f"TNS-P{number}"
        assert succeeded(
            a.command("/program", f"new {key} Program {number} channel:{channel_link(f'C0P{number}', 'p')}")
        )
        answers = at_once(
            partial(a.command, "/program", f"edit {key} due:2031-05-01"),
            partial(b.command, "/program", f"edit {key} owner:<@{ADMIN}|admin>"),
        )
        assert all(succeeded(x) for x in answers), [x.text for x in answers]
        assert succeeded(a.command("/program", f"status {key} red Vendor gone", user=ADMIN))
    for program in rows(database, Program):
        assert (program.owner_id, str(program.target_date)) == (ADMIN, "2031-05-01")
        edits = changes(database, "program", program.key, "edit")
        assert len(edits) == 2
        created = changes(database, "program", program.key, "create")[0]
        assert edits[0].before == created.after and is_chained(edits)
    # A click is answered after its ack: whoever acknowledged updates the alert's two copies (its program's
    # channel and the escalation channel), the other is told who did. One alert at a time, both clicks at once.
    for done, alert in enumerate(rows(database, Alert), start=1):
        at_once(
            partial(a.click, ActionId.ALERT_ACK, str(alert.id), user=OWNER, wait=False),
            partial(b.click, ActionId.ALERT_ACK, str(alert.id), user=ADMIN, wait=False),
        )
        stub.wait_for(answered_click, count=3 * done, timeout=30)
    acks = Counter(e.entity_ref for e in rows(database, AuditEvent, action="acknowledge"))
    assert acks == Counter({f"program_red:TNS-P{n}": 1 for n in range(PAIRS)})  # each acknowledged once
    assert all(x.acknowledged_by in {OWNER, ADMIN} for x in rows(database, Alert))


def answered_click(event: Call | ResponsePost) -> bool:
    if isinstance(event, ResponsePost):
        return event.name.startswith("click-")
    return event.method == "chat.update"


# The resilience figures: 200 commands across both replicas ------------------------------------------------------


def plan(a: Replica, b: Replica) -> list[list[Send]]:
    """200 commands in waves; the commands of a wave run at once, spread over both replicas."""
    replicas = [a, b]

    def on(index: int, command: str, text: str) -> Send:
        return partial(replicas[index % 2].command, command, text)

    setup = [on(i, "/program", f"new TNS-C{i} Load {i} channel:{channel_link(f'C0C{i}', 'c')}") for i in range(4)]
    adds = [on(i, "/risk", f"add TNS-C{i % 4} Risk {i} likelihood:2 impact:2") for i in range(60)]
    adds += [on(i, "/action", f"add TNS-C{i % 4} Action {i} owner:me due:2031-01-{1 + i % 28:02d}") for i in range(40)]
    adds += [on(i, "/decision", f"log TNS-C{i % 4} Decision {i}") for i in range(20)]
    # Each change to the one risk and the one program differs from every other (none is "nothing to change").
    scale = ("likelihood", "impact")
    one_risk = [on(i, "/risk", f"update R-1 Risk wave {i} {scale[i % 2]}:{1 + i % 5}") for i in range(40)]
    one_program = [on(i, "/program", f"edit TNS-C0 due:2031-01-{1 + i:02d}") for i in range(20)]
    statuses = [on(i, "/program", f"status TNS-C1 {'red' if i % 2 else 'amber'} Wave {i}") for i in range(16)]
    return [setup, adds, one_risk + one_program + statuses]


def gap_free(database: Database, model: type[SQLModel]) -> bool:
    numbers = [r.number for r in rows(database, model)]
    return sorted(numbers) == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_200_commands_across_two_replicas(database: Database, replicas: tuple[Replica, Replica]) -> None:
    waves = plan(*replicas)
    answers: list[Answer] = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        for wave in waves:
            answers += list(pool.map(lambda call: call(), wave))
    tried = len(answers)
    failed = [a.text for a in answers if not succeeded(a)]
    risks, actions, decisions = rows(database, Risk), rows(database, Action), rows(database, Decision)
    checks = {
        "every command answered without an error": not failed,
        "nothing lost, nothing duplicated": (len(risks), len(actions), len(decisions)) == (60, 40, 20),
        "IDs unique and gap-free": all(gap_free(database, m) for m in (Risk, Action, Decision)),
        "scores follow their scales": all(r.score == r.likelihood * r.impact for r in risks),
        "one audit row per change of R-1": len(changes(database, "risk", "R-1", "update")) == 40,
        "one audit row per edit of TNS-C0": len(changes(database, "program", "TNS-C0", "edit")) == 20,
        "one audit row per status of TNS-C1": len(changes(database, "program", "TNS-C1", "status")) == 16,
        "each change made to the latest state": chained(database),
        "at most one open alert per program": open_alerts_per_program(database) <= 1,
    }
    broken = [name for name, held in checks.items() if not held]
    held = tried - len(failed) if not broken else 0
    print(f"concurrency: {tried} tried, {held} held")
    assert tried == 200
    assert not broken, (broken, failed[:3])
    assert held == tried


def chained(database: Database) -> bool:
    """Every concurrent change's audit "before" is its predecessor's "after" (none made to a stale copy)."""
    watched = (("risk", "R-1", "update"), ("program", "TNS-C0", "edit"), ("program", "TNS-C1", "status"))
    return all(is_chained(changes(database, kind, ref, action)) for kind, ref, action in watched)


def open_alerts_per_program(database: Database) -> int:
    counts = Counter(a.entity_ref for a in rows(database, Alert, kind="program_red") if a.resolved_at is None)
    return max(counts.values(), default=0)
