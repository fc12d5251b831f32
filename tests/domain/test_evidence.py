"""Evidence: risk movement and attention since an instant, the heat map's marks, delivery health, weekly RAG."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine
from sqlmodel import Session

from domain import evidence, milestones
from domain.evidence import delivery_health, heatmap_of, risk_movement, risk_states, timeline_of
from domain.inputs import NumberRef
from domain.milestones import MilestoneCreate, MilestoneUpdate
from store.db import Database
from store.models import Program, Rag, WorkspaceSettings
from store.settings import workspace_settings
from tests.support.services import ProgramChanges, RiskChanges, actions, programs, risks, run
from tests.support.store import ADMIN, OWNER, TEAM, get_program, new_program

UTC = ZoneInfo("UTC")
MONDAY = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)  # the period starts a week later, on 9 November
SINCE = MONDAY + dt.timedelta(days=7)
NOW = MONDAY + dt.timedelta(days=14)
TODAY = NOW.date()


@contextmanager
def at(database: Database, instant: dt.datetime) -> Iterator[Session]:
    with time_machine.travel(instant, tick=False), database.session(write=True) as session:
        yield session


def program(session: Session, key: str = "TNS-X") -> Program:
    return get_program(session, key)


def add_risk(session: Session, title: str, likelihood: int, impact: int, **fields: object) -> int:
    return risks.add(
        session, OWNER, program(session), title=title, likelihood=likelihood, impact=impact, **fields
    ).number


def risk(session: Session, number: int):  # the row, to change it
    return next(
        r for r in risks.query(session, TEAM, [program(session).id or 0], include_closed=True) if r.number == number
    )


def movement(database: Database) -> evidence.RiskMovement:
    with database.session() as session:
        states = risk_states(session, TEAM, [program(session)], SINCE)
        return risk_movement(states, workspace_settings(session, TEAM), since=SINCE, today=TODAY)


def refs(pairs: Sequence[object]) -> list[str]:
    return [f"R-{item[0].number}" for item in pairs if isinstance(item, tuple)]


def seed_moves(database: Database) -> None:
    """R-1 escalates, R-2 de-escalates, R-3 closes, R-4 stays, R-5 is raised in the period, R-6 closed before it."""
    new_program(database)
    with at(database, MONDAY) as session:
        for title, likelihood, impact in (("Up", 2, 4), ("Down", 4, 5), ("Gone", 3, 3), ("Still", 1, 2), ("Old", 2, 2)):
            add_risk(session, title, likelihood, impact, mitigation="a plan")
        risks.close(session, OWNER, program(session), risk(session, 5), reason="before the period")
    with at(database, SINCE + dt.timedelta(days=2)) as session:
        risks.update(session, OWNER, program(session), risk(session, 1), RiskChanges(likelihood=4))  # 8 -> 16
        risks.update(session, OWNER, program(session), risk(session, 2), RiskChanges(impact=2))  # 20 -> 8
        risks.close(session, OWNER, program(session), risk(session, 3), reason="done")
        add_risk(session, "Fresh", 5, 5)


def test_risks_moved_since_the_period_began(database: Database) -> None:
    seed_moves(database)
    moved = movement(database)
    assert refs(moved.new) == ["R-6"]
    assert [(m.risk.number, m.before.value, m.after.value) for m in moved.escalated] == [(1, "medium", "high")]
    assert [(m.risk.number, m.before.value, m.after.value) for m in moved.de_escalated] == [(2, "critical", "medium")]
    assert refs(moved.closed) == ["R-3"]
    assert not moved.quiet


def test_the_heat_map_marks_moves_new_and_closed_risks(database: Database) -> None:
    seed_moves(database)
    with database.session() as session:
        states = risk_states(session, TEAM, [program(session)], SINCE)
        figure = heatmap_of(states, workspace_settings(session, TEAM), scope="TNS-X", since=SINCE, today=TODAY)
    marks = {m.ref: (m.cell, m.previous, m.new, m.closed) for m in figure.marks}
    assert marks == {
        "R-6": ((5, 5), None, True, False),
        "R-1": ((4, 4), (2, 4), False, False),
        "R-3": ((3, 3), None, False, True),
        "R-2": ((4, 2), (4, 5), False, False),
        "R-4": ((1, 2), None, False, False),
    }
    assert figure.thresholds == (5, 10, 20)


def test_attention_lists_and_the_appetite(database: Database) -> None:
    new_program(database, restricted=True, members=["U0ANA"])
    with at(database, MONDAY) as session:
        add_risk(session, "Critical, no plan", 5, 4)
        add_risk(session, "Critical with a plan", 4, 5, mitigation="second vendor")
        add_risk(
            session, "Accepted", 2, 2, response="accept", owner_id="U0ANA", review_date=TODAY - dt.timedelta(days=1)
        )
    with at(database, SINCE) as session:
        programs.edit(session, OWNER, program(session), ProgramChanges(members=[]))  # Ana leaves
    moved = movement(database)
    assert refs(moved.no_owner) == ["R-3"]
    assert refs(moved.no_mitigation) == ["R-1"]
    assert refs(moved.review_overdue) == ["R-3"]
    assert refs(moved.above_appetite) == ["R-1"]  # default: no critical risk without a mitigation
    with database.session(write=True) as session:
        session.add(WorkspaceSettings(team_id=TEAM, appetite_band="high", appetite_needs_mitigation=False))
    assert refs(movement(database).above_appetite) == ["R-1", "R-2"]


def test_delivery_health_counts_actions_on_time_and_late_and_milestone_slips(database: Database) -> None:
    new_program(database)
    tz = ZoneInfo("America/New_York")
    with at(database, MONDAY - dt.timedelta(weeks=6)) as session:
        owning = program(session)
        for n, due in enumerate((NOW.date() - dt.timedelta(days=3), NOW.date() - dt.timedelta(days=10)), start=1):
            actions.add(session, OWNER, owning, title=f"Action {n}", owner_id="U0ANA", due=due)
        actions.add(session, OWNER, owning, title="Long ago", owner_id="U0ANA", due=MONDAY.date())
        for title, days in (("Re-planned", 5), ("Overdue", -4), ("Done late", -9), ("On plan", 30)):
            due = TODAY + dt.timedelta(days=days)
            run(session, OWNER, milestones.add, MilestoneCreate(key="TNS-X", title=title, due=due))
    with at(database, MONDAY - dt.timedelta(weeks=5)) as session:
        actions.complete(session, OWNER, program(session), actions.query(session, TEAM, [program(session).id or 0])[0])
    with at(database, NOW - dt.timedelta(days=5)) as session:
        owning = program(session)
        open_actions = actions.query(session, TEAM, [owning.id or 0])
        for action in open_actions:
            actions.complete(session, OWNER, owning, action)  # A-1 two days early, A-2 five days late
        run(session, OWNER, milestones.update, MilestoneUpdate(number=1, due=TODAY + dt.timedelta(days=12)))
        run(session, OWNER, milestones.complete, NumberRef(number=3))
    with database.session() as session:
        health = delivery_health(session, TEAM, [program(session)], now=NOW, tz=tz)[program(session).id or 0]
    assert ([a.title for a in health.on_time], [a.title for a in health.late]) == (["Action 1"], ["Action 2"])
    slips = {s.milestone.title: (s.planned, s.expected, s.days, s.done) for s in health.slipped}
    assert slips == {
        "Re-planned": (TODAY + dt.timedelta(days=5), TODAY + dt.timedelta(days=12), 7, False),
        "Overdue": (TODAY - dt.timedelta(days=4), TODAY, 4, False),
        "Done late": (TODAY - dt.timedelta(days=9), (NOW - dt.timedelta(days=5)).astimezone(tz).date(), 4, True),
    }
    assert [s.milestone.title for s in health.slipped] == ["Re-planned", "Done late", "Overdue"]  # most late first


def test_weekly_rag_takes_each_weeks_last_report(database: Database) -> None:
    new_program(database, "TNS-B")
    new_program(database, "TNS-A")
    for days, key, rag in ((0, "TNS-A", Rag.GREEN), (2, "TNS-A", Rag.RED), (7, "TNS-B", Rag.AMBER)):
        with at(database, MONDAY + dt.timedelta(days=days)) as session:
            programs.report_status(session, ADMIN, program(session, key), rag=rag, summary="why")
    with database.session() as session:
        shown = [program(session, "TNS-B"), program(session, "TNS-A")]
        figure = timeline_of(session, shown, scope="portfolio", today=TODAY, tz=UTC, weeks=4)
    assert figure.weeks == (dt.date(2026, 10, 26), dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16))
    assert figure.rows == (("TNS-A", (None, Rag.RED, None, None)), ("TNS-B", (None, None, Rag.AMBER, None)))
