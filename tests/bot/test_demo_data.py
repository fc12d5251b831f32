"""The demo portfolio shows everything Pulse does: every band, every RAG, overdue work, history, a watermelon,
asks (open, answered, to a person and to a function), a program that never reported, a week of achievements, and
the plans: phases and milestones re-planned with their reasons, budgets, staffing and dependencies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import col, select

from bot import demo_data as demo
from domain.access import Actor, may_see
from domain.bands import Band, band_for
from domain.portfolio import portfolio
from store.db import Database
from store.models import (
    Action,
    Ask,
    AskState,
    AuditEvent,
    BudgetPlan,
    BudgetSpend,
    Decision,
    DecisionStatus,
    Kpi,
    KpiReading,
    Milestone,
    Program,
    ProgramDependency,
    ProgramPhase,
    Raci,
    Rag,
    Risk,
    RiskStatus,
    StaffingLine,
    Stakeholder,
    StakeholderFunction,
    StatusUpdate,
)
from store.settings import workspace_settings
from tests.support.store import row_counts

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
VIEWER = Actor(team_id=demo.DEMO_TEAM, user_id=demo.DEMO_ADMIN, is_admin=True)


@pytest.fixture
def seeded(database: Database) -> Database:
    with database.session(write=True) as session:
        assert demo.seed(session, today=TODAY, now=NOW) is True
    return database


def test_seeding_twice_adds_nothing(seeded: Database) -> None:
    counts = row_counts(seeded)
    with seeded.session(write=True) as session:
        assert demo.seed(session, today=TODAY, now=NOW) is False
    assert row_counts(seeded) == counts


def test_the_demo_has_seven_programs_in_every_rag_with_a_watermelon(seeded: Database) -> None:
    with seeded.session() as session:
        facts = portfolio(session, VIEWER, today=TODAY, now=NOW)
    assert len(facts) == 7
    assert {f.rag for f in facts} == {Rag.RED, Rag.AMBER, Rag.GREEN, None}
    assert [f.program.key for f in facts if f.never_reported] == ["TNS-SCAMS"]
    order = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
    assert [order[f.rag] for f in facts if f.rag] == sorted(order[f.rag] for f in facts if f.rag)
    assert any(f.watermelon for f in facts)
    assert any(f.program.restricted for f in facts)
    assert any(f.stale for f in facts)
    assert any(f.slipped_milestones for f in facts)
    assert {f.trend.value for f in facts} >= {"improving", "worsening", "unchanged", "never reported"}


def test_the_demo_data_covers_every_band_and_kind_of_item(seeded: Database) -> None:
    with seeded.session() as session:
        programs_ = session.exec(select(Program).where(col(Program.team_id) == demo.DEMO_TEAM)).all()
        settings = workspace_settings(session, demo.DEMO_TEAM)
        demo_risks = session.exec(select(Risk)).all()
        demo_actions = session.exec(select(Action)).all()
        updates = session.exec(select(StatusUpdate)).all()
        decisions_ = session.exec(select(Decision)).all()
        milestones_ = session.exec(select(Milestone)).all()
        audits = session.exec(select(AuditEvent)).all()
        demo_asks = session.exec(select(Ask)).all()
    assert {band_for(r.score, settings) for r in demo_risks} == set(Band)
    assert any(a.due < TODAY for a in demo_actions)  # overdue
    assert any(a.due >= TODAY for a in demo_actions)  # open, not yet due
    per_program = {p.id: sum(u.program_id == p.id for u in updates) for p in programs_}
    assert max(per_program.values()) >= 3  # status history
    assert sorted(per_program.values())[:2] == [0, 1]  # one program never reported, the others have
    assert len(decisions_) >= 3 and any(d.status == DecisionStatus.SUPERSEDED for d in decisions_)
    assert len(milestones_) >= 5 and any(m.done_at for m in milestones_)
    assert any(r.status == RiskStatus.CLOSED for r in demo_risks)
    assert {a.state for a in demo_asks} == {AskState.OPEN, AskState.ANSWERED}
    assert any(a.to_user for a in demo_asks) and any(a.to_function for a in demo_asks)
    assert all(u.created_at <= NOW for u in updates)
    # seeded through the use cases: one audit event per row created, then one per later change
    kpis_, readings = session_rows(seeded, Kpi), session_rows(seeded, KpiReading)
    stakeholders = session_rows(seeded, Stakeholder)
    plans = [*session_rows(seeded, BudgetPlan), *session_rows(seeded, StaffingLine)]
    rows = [
        *programs_,
        *demo_risks,
        *demo_actions,
        *decisions_,
        *milestones_,
        *demo_asks,
        *kpis_,
        *plans,
        *stakeholders,
    ]
    assert len([e for e in audits if e.action == "create"]) == len(rows)
    assert len([e for e in audits if e.action == "status"]) == len(updates)
    assert len([e for e in audits if e.action == "reading"]) == len(readings)
    assert {e.action for e in audits} >= {"create", "status", "answer", "close", "done", "supersede"}
    assert all(e.team_id == demo.DEMO_TEAM for e in audits)


def test_a_demo_member_without_clearance_does_not_see_the_restricted_program(seeded: Database) -> None:
    marco = Actor(team_id=demo.DEMO_TEAM, user_id="U0MARCO")
    with seeded.session() as session:
        keys = [f.program.key for f in portfolio(session, marco, today=TODAY, now=NOW)]
    assert len(keys) == 6
    assert "TNS-HASH-MIGRATION" not in keys


def test_the_demo_has_plans_with_a_replan_and_its_reason(seeded: Database) -> None:
    phases = session_rows(seeded, ProgramPhase)
    assert len(phases) == 14
    (moved,) = [p for p in phases if p.baseline_end is not None]
    assert (moved.name, (moved.end - moved.baseline_end).days) == ("Build", 14)
    assert moved.replan_reason == "Vendor ramp slipped two weeks"
    (redated,) = [m for m in session_rows(seeded, Milestone) if m.baseline_due is not None]
    assert (redated.number, (redated.due - redated.baseline_due).days) == (4, 7)
    assert redated.replan_reason == "Latency regression found in shadow mode"
    assert len(session_rows(seeded, BudgetPlan)) == 4 and len(session_rows(seeded, BudgetSpend)) == 7
    assert len(session_rows(seeded, StaffingLine)) == 7
    assert len(session_rows(seeded, ProgramDependency)) == 2
    with seeded.session() as session:
        assert session.exec(select(AuditEvent).where(col(AuditEvent.action) == "replan_phase")).one()


def session_rows(database: Database, model: type[Any]) -> list[Any]:
    with database.session() as session:
        return list(session.exec(select(model)).all())


def test_the_demo_keeps_stakeholders_by_function_and_clears_the_restricted_program(seeded: Database) -> None:
    with seeded.session() as session:
        people = list(session.exec(select(Stakeholder)))
        hashed = session.exec(select(Program).where(col(Program.key) == "TNS-HASH-MIGRATION")).one()
        by_id = {p.id: p for p in session.exec(select(Program))}
    assert {s.function for s in people} == set(StakeholderFunction)
    assert {s.role for s in people} == set(Raci)
    for person in people:
        owning = by_id[person.program_id]
        assert may_see(Actor(team_id=demo.DEMO_TEAM, user_id=person.user_id), owning)
    assert {s.user_id for s in people if s.program_id == hashed.id} <= {hashed.owner_id, *hashed.members}
