"""A realistic Trust & Safety portfolio for the demo, seeded through the use cases (so it is audited), with a week
of history: reports, asks raised and answered, decisions made and superseded, a milestone done, a risk closed; and
the plans: phases (one re-planned), a milestone re-dated with its reason, budgets, staffing and dependencies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from domain import (
    actions,
    asks,
    budget,
    decisions,
    dependencies,
    kpis,
    milestones,
    phases,
    programs,
    risks,
    staffing,
    stakeholders,
)
from domain.access import Actor
from domain.actions import ActionCreate
from domain.asks import AskAnswer, AskTo
from domain.budget import BudgetSet, BudgetSpendInput, Quarter
from domain.context import Context
from domain.decisions import DecisionCreate, DecisionSupersede
from domain.dependencies import DependencyCreate
from domain.inputs import NumberRef
from domain.kpis import KpiCreate, KpiRecord
from domain.messages import UseCase
from domain.milestones import MilestoneCreate, MilestoneUpdate
from domain.phases import PhaseSet
from domain.programs import ProgramCreate, StatusReport
from domain.risks import RiskClose, RiskCreate, RiskUpdate
from domain.staffing import StaffChange
from domain.stakeholders import StakeholderAdd
from store import asks as ask_rows
from store import audit as audit_rows
from store import programs as program_rows
from store.models import (
    Decision,
    Kpi,
    KpiDirection,
    Milestone,
    Program,
    Raci,
    Rag,
    Risk,
    RiskResponse,
    SpendCategory,
    StakeholderFunction,
    StatusUpdate,
)

DEMO_TEAM = "T0DEMO"
DEMO_USERS = {
    "U0PRIYA": "priya (program manager)",
    "U0MARCO": "marco (product)",
    "U0LENA": "lena (data science)",
    "U0SAM": "sam (legal)",
    "U0OMAR": "omar (finance)",
    "U0JUN": "jun (risk & compliance)",
    "U0ADMIN": "alex (T&S ops lead)",
}
DEMO_ADMIN = "U0ADMIN"
DEMO_CHANNELS = {
    "C0APPEALS": "tns-appeals",
    "C0CLASSIFY": "tns-classifiers",
    "C0WELLNESS": "tns-wellness",
    "C0VENDORQA": "tns-vendor-qa",
    "C0ELECTION": "tns-elections",
    "C0HASH": "tns-hash-vendor",
    "C0SCAMS": "tns-scams",
    "C0LEADS": "tns-leadership",
}


Report = tuple[int, Rag, str, str | None, AskTo | None, int | None]  # days ago, RAG, summary, ask, to, due in days


class _Seeder:
    """Runs use cases as the demo's people, days ago when history needs it, quietly (no alerts, no posts)."""

    def __init__(self, session: Session, now: dt.datetime) -> None:
        self.session, self.now = session, now
        self.today = now.date()

    def run(self, user: str, case: UseCase[Any], data: Any, created: str, days_ago: int = 0) -> Any:
        actor = Actor(team_id=DEMO_TEAM, user_id=user, is_admin=user == DEMO_ADMIN)
        when = self.now - dt.timedelta(days=days_ago)
        made = case(Context(self.session, actor, when, ZoneInfo("UTC"), quiet=True), data).message.context.get(created)
        if days_ago and made is not None and hasattr(made, "created_at"):
            made.created_at = when  # demo history: back-date what was made then
            self.session.add(made)
        return made

    def program(self, key: str, name: str, owner: str, channel: str, target: dt.date, **extra: Any) -> str:
        days_ago = extra.pop("days_ago", 30)
        data = ProgramCreate(key=key, name=name, owner_id=owner, channel_id=channel, target_date=target, **extra)
        program: Program = self.run(DEMO_ADMIN, programs.create, data, "program", days_ago)
        return program.owner_id

    def statuses(self, owner: str, key: str, history: list[Report]) -> None:
        for days_ago, rag, summary, asked, to, due_in in history:
            by = self.today + dt.timedelta(days=due_in - days_ago) if due_in is not None else None
            report = StatusReport(key=key, rag=rag, summary=summary, asks=asked, ask_to=to, ask_by=by)
            update: StatusUpdate = self.run(owner, programs.report_status, report, "update", days_ago)
            update.created_at = self.now - dt.timedelta(days=days_ago)
            self.session.add(update)
            for ask in ask_rows.for_programs(self.session, DEMO_TEAM, [update.program_id]):
                if ask.created_at > update.created_at:
                    ask.created_at = update.created_at
                    self.session.add(ask)

    def answer(self, user: str, key: str, asked: str, answer: str, days_ago: int) -> None:
        program = program_rows.by_key(self.session, DEMO_TEAM, key)
        ask = ask_rows.open_with_text(self.session, DEMO_TEAM, program.id or 0 if program else 0, asked)
        assert ask is not None, asked
        self.run(user, asks.answer, AskAnswer(number=ask.number, answer=answer), "", days_ago)

    def milestone(
        self, owner: str, key: str, title: str, due: dt.date, milestone_owner: str, done_days_ago: int | None = None
    ) -> None:
        data = MilestoneCreate(key=key, title=title, due=due, owner_id=milestone_owner)
        made: Milestone = self.run(owner, milestones.add, data, "milestone", 20)
        if done_days_ago is not None:
            self.run(owner, milestones.complete, NumberRef(number=made.number), "", done_days_ago)

    def risk(self, owner: str, key: str, days_ago: int = 20, **fields: Any) -> Risk:
        risk: Risk = self.run(owner, risks.add, RiskCreate(key=key, **fields), "risk", days_ago)
        return risk

    def close_risk(self, owner: str, number: int, reason: str, days_ago: int) -> None:
        self.run(owner, risks.close, RiskClose(number=number, reason=reason), "", days_ago)

    def decision(self, owner: str, key: str, days_ago: int, **fields: Any) -> Decision:
        decision: Decision = self.run(owner, decisions.log, DecisionCreate(key=key, **fields), "decision", days_ago)
        if decision.decided_at is not None:
            decision.decided_at = decision.created_at
        return decision

    def supersede(self, owner: str, old: int, new: int, days_ago: int) -> None:
        self.run(owner, decisions.supersede, DecisionSupersede(old=old, new=new), "", days_ago)

    def action(self, owner: str, key: str, **fields: Any) -> None:
        self.run(owner, actions.add, ActionCreate(key=key, **fields), "", 10)


FINANCE, LEGAL = AskTo(user_id="U0OMAR"), AskTo(function="Legal")


def seed(session: Session, today: dt.date, now: dt.datetime) -> bool:
    """Seed the demo portfolio once; False when it is already there."""
    if DEMO_TEAM in program_rows.workspaces(session):
        return False
    demo = _Seeder(session, now)
    day = dt.timedelta(days=1)
    friday = (4 - today.weekday()) % 7 or 7  # days until the next Friday

    priya = demo.program("TNS-APPEALS", "Appeals SLA reduction (72h to 24h)", "U0PRIYA", "C0APPEALS", today + 60 * day)
    demo.statuses(
        priya,
        "TNS-APPEALS",
        [
            (21, Rag.GREEN, "Routing rules drafted; queue model agreed with Data Science.", None, None, None),
            (
                14,
                Rag.AMBER,
                "Backlog up 18% after the policy change; SLA at 41h against the 24h target.",
                "Two extra vendor reviewers for 3 weeks",
                AskTo(user_id="U0MARCO"),
                4,
            ),
            (
                2,
                Rag.RED,
                "Vendor ramp slipped two weeks: 31 of 50 reviewers hired; SLA at 52h, 24h not reachable by target.",
                "Approve overtime budget: 3 weeks, about $18k",
                FINANCE,
                friday + 2,
            ),
        ],
    )
    demo.answer("U0MARCO", "TNS-APPEALS", "Two extra vendor reviewers for 3 weeks", "Vendor adds 2 reviewers", 10)
    demo.milestone(priya, "TNS-APPEALS", "Routing rules live in all locales", today - 5 * day, "U0MARCO")
    demo.milestone(priya, "TNS-APPEALS", "Vendor reviewers at full capacity", today + 10 * day, "U0PRIYA")
    r1 = demo.risk(
        priya,
        "TNS-APPEALS",
        title="Vendor cannot hire enough reviewers before Q1",
        likelihood=4,
        impact=5,
        owner_id="U0PRIYA",
        review_date=today - 2 * day,
        mitigation="Second vendor in pilot",
        response=RiskResponse.MITIGATE,
        category="vendor",
        trigger="Headcount below 80% of plan",
    )
    demo.risk(
        priya,
        "TNS-APPEALS",
        title="Policy change raises appeal volume again",
        likelihood=3,
        impact=3,
        owner_id="U0LENA",
        review_date=today + 7 * day,
        response=RiskResponse.ACCEPT,
        category="policy",
    )
    d1 = demo.decision(
        priya,
        "TNS-APPEALS",
        12,
        title="Prioritise appeals on account suspensions",
        decider_id="U0ADMIN",
        rationale="Highest user harm per hour of delay",
        options="FIFO; by severity; by account type",
        consulted=["U0LENA", "U0SAM"],
    )
    demo.action(
        priya,
        "TNS-APPEALS",
        title="Overtime budget request to Finance",
        owner_id="U0OMAR",
        due=today - 3 * day,
        risk=r1.number,
    )
    demo.action(
        priya,
        "TNS-APPEALS",
        title="Publish the new routing runbook",
        owner_id="U0MARCO",
        due=today + 4 * day,
        decision=d1.number,
    )

    lena = demo.program("TNS-CLASSIFIER", "Hate-speech classifier v3 rollout", "U0LENA", "C0CLASSIFY", today + 45 * day)
    demo.statuses(
        lena,
        "TNS-CLASSIFIER",
        [
            (
                16,
                Rag.AMBER,
                "Precision 0.81 in PT and TR against the 0.90 target.",
                "Labelled data for PT and TR: 2k samples each",
                AskTo(user_id="U0MARCO"),
                7,
            ),
            (3, Rag.GREEN, "Precision at 0.93 after retraining; shadow mode from Monday.", None, None, None),
        ],
    )
    demo.answer(
        "U0MARCO", "TNS-CLASSIFIER", "Labelled data for PT and TR: 2k samples each", "4k samples labelled and sent", 6
    )
    demo.milestone(lena, "TNS-CLASSIFIER", "Shadow mode in all markets", today + 5 * day, "U0LENA")
    demo.milestone(lena, "TNS-CLASSIFIER", "Enforcement at 10% traffic", today + 20 * day, "U0MARCO")
    demo.risk(
        lena,
        "TNS-CLASSIFIER",
        title="False positives on reclaimed slurs",
        likelihood=3,
        impact=4,
        owner_id="U0LENA",
        review_date=today + 3 * day,
        mitigation="Allow-list reviewed by policy",
        category="quality",
    )
    demo.risk(
        lena,
        "TNS-CLASSIFIER",
        title="Model latency above 50ms p99",
        likelihood=2,
        impact=2,
        owner_id="U0MARCO",
        category="engineering",
    )
    labelling = demo.risk(
        lena,
        "TNS-CLASSIFIER",
        title="Labelling vendor misses the PT and TR deadline",
        likelihood=3,
        impact=3,
        owner_id="U0LENA",
        category="vendor",
    )
    demo.close_risk(lena, labelling.number, "4k samples delivered on time", 5)
    demo.decision(
        lena,
        "TNS-CLASSIFIER",
        4,
        title="Roll out by market, smallest first",
        decider_id="U0MARCO",
        rationale="Limits blast radius",
        options="All at once; by market",
    )
    demo.action(lena, "TNS-CLASSIFIER", title="Label 2k PT samples", owner_id="U0LENA", due=today + 6 * day)

    jun = demo.program("TNS-WELLNESS", "Moderator wellness programme", "U0JUN", "C0WELLNESS", today + 90 * day)
    demo.statuses(
        jun,
        "TNS-WELLNESS",
        [
            (30, Rag.GREEN, "Counselling vendor shortlisted.", None, None, None),
            (12, Rag.GREEN, "Contract with counselling vendor signed.", None, None, None),
        ],
    )
    demo.milestone(jun, "TNS-WELLNESS", "Exposure caps in rota tool", today - 8 * day, "U0MARCO")
    demo.risk(
        jun,
        "TNS-WELLNESS",
        title="Exposure caps break weekend coverage",
        likelihood=4,
        impact=5,
        owner_id="U0JUN",
        review_date=today + 2 * day,
        mitigation="Cross-train two queues",
        category="people",
    )
    demo.action(jun, "TNS-WELLNESS", title="Wellness survey to all moderators", owner_id="U0JUN", due=today - 10 * day)

    marco = demo.program("TNS-VENDOR-QA", "Vendor QA calibration", "U0MARCO", "C0VENDORQA", today + 30 * day)
    demo.statuses(
        marco,
        "TNS-VENDOR-QA",
        [
            (9, Rag.GREEN, "Calibration sessions weekly; agreement at 87%.", None, None, None),
            (
                1,
                Rag.AMBER,
                "Agreement dropped from 87% to 81% on the new spam policy; 2 of 5 queues below the 85% bar.",
                "Clarify the spam policy's borderline examples",
                LEGAL,
                6,
            ),
        ],
    )
    demo.risk(
        marco,
        "TNS-VENDOR-QA",
        title="Vendor disputes QA sampling method",
        likelihood=2,
        impact=3,
        owner_id="U0SAM",
        category="vendor",
    )
    demo.action(marco, "TNS-VENDOR-QA", title="Clarify spam policy examples", owner_id="U0SAM", due=today + 2 * day)

    sam = demo.program("TNS-ELECTION", "Election integrity readiness", "U0SAM", "C0ELECTION", today + 120 * day)
    demo.statuses(sam, "TNS-ELECTION", [(4, Rag.GREEN, "War-room rota and escalation paths agreed.", None, None, None)])
    demo.milestone(sam, "TNS-ELECTION", "War-room rota signed off", today - 3 * day, "U0SAM", done_days_ago=2)
    demo.milestone(sam, "TNS-ELECTION", "Tabletop exercise with Legal and Comms", today + 2 * day, "U0SAM")
    demo.risk(
        sam,
        "TNS-ELECTION",
        title="Coordinated inauthentic behaviour spikes",
        likelihood=3,
        impact=5,
        owner_id="U0LENA",
        review_date=today + 10 * day,
        mitigation="Surge staffing plan",
        category="threat",
    )
    two_weeks = demo.decision(
        sam,
        "TNS-ELECTION",
        6,
        title="Freeze ranking changes two weeks before polling day",
        decider_id="U0ADMIN",
        rationale="Reduce unplanned interactions",
    )
    four_weeks = demo.decision(
        sam,
        "TNS-ELECTION",
        5,
        title="Freeze ranking changes four weeks before polling day",
        decider_id="U0ADMIN",
        rationale="Two weeks leaves no time to roll back a bad change",
        consulted=["U0MARCO"],
    )
    demo.supersede(sam, two_weeks.number, four_weeks.number, 5)

    demo.program("TNS-SCAMS", "Scam ads enforcement", "U0MARCO", "C0SCAMS", today + 100 * day, days_ago=3)

    omar = demo.program(
        "TNS-HASH-MIGRATION",
        "Hash-matching vendor migration",
        "U0OMAR",
        "C0HASH",
        today + 75 * day,
        restricted=True,
        members=["U0JUN", "U0SAM"],
    )
    demo.statuses(
        omar,
        "TNS-HASH-MIGRATION",
        [
            (20, Rag.AMBER, "Contract redlines with new vendor open.", None, None, None),
            (
                8,
                Rag.AMBER,
                "Contract signed; data-transfer assessment pending.",
                "Sign off the data-transfer assessment",
                LEGAL,
                10,
            ),
        ],
    )
    demo.milestone(omar, "TNS-HASH-MIGRATION", "Parallel run of both vendors", today + 25 * day, "U0JUN")
    demo.risk(
        omar,
        "TNS-HASH-MIGRATION",
        title="Match-rate gap during cut-over",
        likelihood=5,
        impact=5,
        owner_id="U0JUN",
        review_date=today - 1 * day,
        mitigation="Run both vendors in parallel for 30 days",
        category="vendor",
        response=RiskResponse.MITIGATE,
    )
    demo.risk(
        omar,
        "TNS-HASH-MIGRATION",
        title="Data-transfer assessment delays go-live",
        likelihood=2,
        impact=4,
        owner_id="U0SAM",
        category="legal",
    )
    demo.action(
        omar, "TNS-HASH-MIGRATION", title="Data-transfer impact assessment", owner_id="U0SAM", due=today - 1 * day
    )
    _seed_evidence(demo, today)
    _seed_stakeholders(demo)
    _seed_plans(demo, today)
    return True


# Stakeholders (issue 13): who to keep informed around each program, by function ----------------------------

STAKEHOLDERS = [  # (program, person, function, role); the restricted program names only its owner and members
    ("TNS-APPEALS", "U0OMAR", StakeholderFunction.FINANCE, Raci.CONSULTED),
    ("TNS-APPEALS", "U0SAM", StakeholderFunction.LEGAL, Raci.CONSULTED),
    ("TNS-APPEALS", "U0LENA", StakeholderFunction.DATA_SCIENCE, Raci.RESPONSIBLE),
    ("TNS-APPEALS", "U0ADMIN", StakeholderFunction.LEADERSHIP, Raci.INFORMED),
    ("TNS-CLASSIFIER", "U0MARCO", StakeholderFunction.PRODUCT, Raci.ACCOUNTABLE),
    ("TNS-CLASSIFIER", "U0JUN", StakeholderFunction.RISK_COMPLIANCE, Raci.CONSULTED),
    ("TNS-CLASSIFIER", "U0SAM", StakeholderFunction.LEGAL, Raci.INFORMED),
    ("TNS-WELLNESS", "U0ADMIN", StakeholderFunction.OPERATIONS, Raci.ACCOUNTABLE),
    ("TNS-WELLNESS", "U0OMAR", StakeholderFunction.FINANCE, Raci.INFORMED),
    ("TNS-VENDOR-QA", "U0OMAR", StakeholderFunction.FINANCE, Raci.CONSULTED),
    ("TNS-VENDOR-QA", "U0PRIYA", StakeholderFunction.OPERATIONS, Raci.INFORMED),
    ("TNS-ELECTION", "U0LENA", StakeholderFunction.DATA_SCIENCE, Raci.CONSULTED),
    ("TNS-ELECTION", "U0MARCO", StakeholderFunction.PRODUCT_SAFETY, Raci.RESPONSIBLE),
    ("TNS-ELECTION", "U0ADMIN", StakeholderFunction.LEADERSHIP, Raci.INFORMED),
    ("TNS-HASH-MIGRATION", "U0SAM", StakeholderFunction.LEGAL, Raci.CONSULTED),
    ("TNS-HASH-MIGRATION", "U0JUN", StakeholderFunction.RISK_COMPLIANCE, Raci.ACCOUNTABLE),
]


def _seed_stakeholders(demo: _Seeder) -> None:
    """Each program's stakeholder map, added by its owner (a week ago, after the history above)."""
    for key, person, function, role in STAKEHOLDERS:
        program = program_rows.by_key(demo.session, DEMO_TEAM, key)
        assert program is not None, key
        data = StakeholderAdd(key=key, user_id=person, function=function, role=role)
        demo.run(program.owner_id, stakeholders.add, data, "added", 7)


# Evidence (issue 12): KPIs with weekly readings, and a week of risk and delivery movement -------------------

KPIS: list[tuple[str, str, str, str, float, KpiDirection, float | None, Sequence[float]]] = [
    # (owner, program, name, unit, target, better, warning, weekly readings up to this week)
    ("U0PRIYA", "TNS-APPEALS", "Median appeal time", "h", 48, KpiDirection.DOWN, 60, [90, 84, 80, 76, 72, 68, 65, 71]),
    ("U0PRIYA", "TNS-APPEALS", "Appeals closed within SLA", "%", 90, KpiDirection.UP, 80, [74, 77, 79, 82, 84, 83, 85]),
    ("U0LENA", "TNS-CLASSIFIER", "Precision (PT, TR)", "%", 93, KpiDirection.UP, 90, [88, 89.5, 91, 92.5, 93.4]),
    ("U0MARCO", "TNS-VENDOR-QA", "QA agreement", "%", 85, KpiDirection.UP, 80, [86, 87, 86.5, 84, 81]),
    ("U0OMAR", "TNS-HASH-MIGRATION", "Hash match rate", "%", 99, KpiDirection.UP, 97, [98.1, 97.6, 97.8]),
]
STALE_KPI = ("U0JUN", "TNS-WELLNESS", "Moderators over exposure cap", "%", 5, KpiDirection.DOWN, 10, [14, 12, 11])


def _seed_evidence(demo: _Seeder, today: dt.date) -> None:
    """KPIs (one stale and breached, on a program reported green), risks moved this week after three weeks on
    the register, a milestone re-planned and actions done on time and late."""
    week = dt.timedelta(weeks=1)
    for owner, key, name, unit, target, better, warning, values in KPIS:
        _kpi(demo, owner, key, name, unit, target, better, warning, values, last=today)
    owner, key, name, unit, target, better, warning, values = STALE_KPI
    _kpi(demo, owner, key, name, unit, target, better, warning, values, last=today - 3 * week)
    closed = {r.number: r.closed_at for r in demo.session.exec(select(Risk).where(col(Risk.closed_at).is_not(None)))}
    for number in range(1, 10):  # the register as it stood three weeks ago (a risk closed since: when it closed)
        for event in audit_rows.history(demo.session, DEMO_TEAM, "risk", f"R-{number}"):
            event.created_at = (event.action == "close" and closed.get(number)) or demo.now - 3 * week
            demo.session.add(event)
    demo.run("U0PRIYA", risks.update, RiskUpdate(number=2, likelihood=4), "")  # volume keeps rising: high
    demo.run("U0LENA", risks.update, RiskUpdate(number=3, impact=3), "")  # allow-list in place: medium
    demo.run("U0LENA", risks.close, RiskClose(number=4, reason="p99 at 38ms after caching"), "")
    demo.risk(
        "U0SAM",
        "TNS-ELECTION",
        title="Deepfake of a candidate goes viral",
        likelihood=2,
        impact=5,
        owner_id="U0LENA",
        mitigation="Provenance checks with two vendors",
        category="threat",
        days_ago=0,
    )
    replan = MilestoneUpdate(
        number=4, due=today + dt.timedelta(days=27), reason="Latency regression found in shadow mode"
    )
    demo.run("U0LENA", milestones.update, replan, "")
    demo.run("U0MARCO", actions.complete, NumberRef(number=2), "")  # the runbook, early
    late = today - dt.timedelta(days=6)
    demo.action("U0PRIYA", "TNS-APPEALS", title="Moderator FAQ for the new routing", owner_id="U0MARCO", due=late)
    demo.run("U0MARCO", actions.complete, NumberRef(number=7), "")  # six days late


# Plans (issue 13): phases, budgets, staffing and dependencies -------------------------------------------------

PHASES: list[tuple[str, str, str, int, int]] = [
    # (owner, program, phase, first day, last day: in days from today)
    ("U0PRIYA", "TNS-APPEALS", "Discovery", -60, -31),
    ("U0PRIYA", "TNS-APPEALS", "Build", -30, 16),
    ("U0PRIYA", "TNS-APPEALS", "Rollout", 31, 60),
    ("U0LENA", "TNS-CLASSIFIER", "Retraining", -40, -10),
    ("U0LENA", "TNS-CLASSIFIER", "Shadow mode", -9, 5),
    ("U0LENA", "TNS-CLASSIFIER", "Enforcement", 6, 45),
    ("U0JUN", "TNS-WELLNESS", "Vendor selection", -45, -12),
    ("U0JUN", "TNS-WELLNESS", "Rollout", -11, 90),
    ("U0MARCO", "TNS-VENDOR-QA", "Calibration", -30, 30),
    ("U0SAM", "TNS-ELECTION", "Readiness", -20, 60),
    ("U0SAM", "TNS-ELECTION", "War room", 61, 120),
    ("U0OMAR", "TNS-HASH-MIGRATION", "Contract", -40, -8),
    ("U0OMAR", "TNS-HASH-MIGRATION", "Parallel run", -7, 30),
    ("U0OMAR", "TNS-HASH-MIGRATION", "Cut-over", 31, 75),
]
BUDGETS: list[tuple[str, str, int, int, list[tuple[int, SpendCategory, str]]]] = [
    # (owner, program, planned, committed this quarter, spending: amount, category, note)
    (
        "U0PRIYA",
        "TNS-APPEALS",
        250_000,
        40_000,
        [
            (210_000, SpendCategory.VENDOR, "Vendor reviewers"),
            (48_000, SpendCategory.HEADCOUNT, "Overtime"),
            (22_000, SpendCategory.TOOLING, "Queue tooling"),
        ],
    ),
    (
        "U0LENA",
        "TNS-CLASSIFIER",
        120_000,
        20_000,
        [(64_000, SpendCategory.TOOLING, "GPU hours"), (18_000, SpendCategory.VENDOR, "PT and TR labelling")],
    ),
    ("U0JUN", "TNS-WELLNESS", 80_000, 30_000, [(35_000, SpendCategory.VENDOR, "Counselling vendor")]),
    ("U0OMAR", "TNS-HASH-MIGRATION", 300_000, 150_000, [(120_000, SpendCategory.VENDOR, "New hash vendor")]),
]
STAFFING: list[tuple[str, str, dict[str, int], dict[str, int]]] = [
    # (owner, program, planned headcount by role, filled)
    ("U0PRIYA", "TNS-APPEALS", {"reviewers": 50, "ops": 2}, {"reviewers": 31, "ops": 2}),
    ("U0LENA", "TNS-CLASSIFIER", {"ds": 4, "eng": 3}, {"ds": 4, "eng": 3}),
    ("U0JUN", "TNS-WELLNESS", {"counsellors": 6}, {"counsellors": 5}),
    ("U0SAM", "TNS-ELECTION", {"analysts": 12, "legal": 2}, {"analysts": 11, "legal": 2}),
]


def _seed_plans(demo: _Seeder, today: dt.date) -> None:
    """Phases (TNS-APPEALS' Build re-planned two weeks later, with the reason), this quarter's budgets and
    spending (TNS-APPEALS over plan), staffing (TNS-APPEALS short of reviewers) and dependencies: TNS-ELECTION on
    the classifier's re-dated enforcement milestone, TNS-APPEALS on the vendor QA calibration."""

    def on(days: int) -> dt.date:
        return today + dt.timedelta(days=days)

    for owner, key, name, first, last in PHASES:
        demo.run(owner, phases.set_phase, PhaseSet(key=key, name=name, start=on(first), end=on(last)), "", 25)
    build = PhaseSet(key="TNS-APPEALS", name="Build", start=on(-30), end=on(30), reason="Vendor ramp slipped two weeks")
    demo.run("U0PRIYA", phases.set_phase, build, "", 2)
    quarter = Quarter.of(today).label
    for owner, key, planned, committed, spending in BUDGETS:
        data = BudgetSet(key=key, quarter=quarter, planned=Decimal(planned), committed=Decimal(committed))
        demo.run(owner, budget.set_plan, data, "")
        for amount, category, note in spending:
            demo.run(
                owner, budget.spend, BudgetSpendInput(key=key, amount=Decimal(amount), category=category, note=note), ""
            )
    for owner, key, planned_counts, filled_counts in STAFFING:
        demo.run(owner, staffing.plan, StaffChange(key=key, counts=planned_counts), "")
        demo.run(owner, staffing.fill, StaffChange(key=key, counts=filled_counts), "")
    enforcement = DependencyCreate(key="TNS-ELECTION", on_key="TNS-CLASSIFIER", milestone_number=4)
    demo.run("U0SAM", dependencies.depend, enforcement, "", 6)
    demo.run("U0PRIYA", dependencies.depend, DependencyCreate(key="TNS-APPEALS", on_key="TNS-VENDOR-QA"), "", 6)


def _kpi(
    demo: _Seeder,
    owner: str,
    key: str,
    name: str,
    unit: str,
    target: float,
    better: KpiDirection,
    warning: float | None,
    values: Sequence[float],
    *,
    last: dt.date,
) -> None:
    """A KPI with one reading a week, the newest on `last`."""
    data = KpiCreate(key=key, name=name, unit=unit, target=target, direction=better, warning=warning)
    kpi: Kpi = demo.run(owner, kpis.add, data, "kpi")
    for weeks_ago, value in enumerate(reversed(values)):
        reading = KpiRecord(number=kpi.number, value=value, taken_on=last - dt.timedelta(weeks=weeks_ago))
        demo.run(owner, kpis.record, reading, "")
