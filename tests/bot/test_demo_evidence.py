"""The demo tells its story with numbers: KPIs against targets, a week of risk movement, delivery health."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot import demo_data as demo
from domain.access import Actor
from domain.evidence import Evidence, evidence_of
from domain.kpis import Standing, kpi_reasons
from domain.portfolio import portfolio
from store.db import Database

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
ADMIN = Actor(team_id=demo.DEMO_TEAM, user_id=demo.DEMO_ADMIN, is_admin=True)


@pytest.fixture
def evidence(database: Database) -> tuple[Database, Evidence]:
    with database.session(write=True) as session:
        demo.seed(session, today=TODAY, now=NOW)
    with database.session() as session:
        programs = [f.program for f in portfolio(session, ADMIN, today=TODAY, now=NOW)]
        found = evidence_of(
            session,
            demo.DEMO_TEAM,
            programs,
            scope="portfolio",
            since=NOW - dt.timedelta(days=7),
            now=NOW,
            tz=ZoneInfo("UTC"),
        )
    return database, found


def by_key(e: Evidence, key: str) -> int:
    return next(pid for pid, d in e.delivery.items() if d.program.key == key)


def test_kpis_carry_the_evidence_line_and_a_stale_breach_on_a_green_program(
    evidence: tuple[Database, Evidence],
) -> None:
    database, e = evidence
    appeals = e.kpis[by_key(e, "TNS-APPEALS")]
    median = appeals[0]
    assert (median.kpi.name, median.latest and median.latest.value, median.previous and median.previous.value) == (
        "Median appeal time",
        71,
        65,
    )
    assert median.standing == Standing.PAST_WARNING and median.change == "up"
    (wellness,) = e.kpis[by_key(e, "TNS-WELLNESS")]
    assert wellness.stale and wellness.breached
    with database.session() as session:
        programs = [f.program for f in portfolio(session, ADMIN, today=TODAY, now=NOW)]
        reasons = kpi_reasons(session, demo.DEMO_TEAM, programs, today=TODAY)
    breached = {p.key for p in programs for f in reasons[p.id or 0]}
    assert breached == {"TNS-APPEALS", "TNS-WELLNESS", "TNS-VENDOR-QA", "TNS-HASH-MIGRATION"}
    assert len(e.charts) == 6


def test_a_week_of_risk_movement_shows_on_the_heat_map(evidence: tuple[Database, Evidence]) -> None:
    _, e = evidence
    moved = e.movement
    assert [m.risk.number for m in moved.escalated] == [2]
    assert [m.risk.number for m in moved.de_escalated] == [3]
    assert sorted(r.number for r, _ in moved.closed) == [4, 5]  # R-5 closed five days ago, R-4 today
    assert [r.number for r, _ in moved.new] == [11]
    marks = {m.ref: m for m in e.heatmap.marks}
    assert (marks["R-2"].previous, marks["R-2"].cell) == ((3, 3), (4, 3))
    assert (marks["R-3"].previous, marks["R-3"].cell) == ((3, 4), (3, 3))
    assert marks["R-4"].closed and marks["R-11"].new
    assert sum(1 for m in e.heatmap.marks if m.previous) == 2


def test_delivery_health_has_actions_on_time_and_late_and_a_re_planned_milestone(
    evidence: tuple[Database, Evidence],
) -> None:
    _, e = evidence
    appeals = e.delivery[by_key(e, "TNS-APPEALS")]
    assert ([a.number for a in appeals.on_time], [a.number for a in appeals.late]) == ([2], [7])
    (replanned,) = e.delivery[by_key(e, "TNS-CLASSIFIER")].slipped
    assert (replanned.milestone.number, replanned.days, replanned.done) == (4, 7, False)
