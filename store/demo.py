"""A realistic Trust & Safety portfolio for the demo, seeded through the service layer (so it is audited)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from store import actions, decisions, milestones, programs, risks
from store.access import Actor
from store.models import Program, Rag, RiskResponse

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
    "C0LEADS": "tns-leadership",
}


def _program(
    session: Session,
    admin: Actor,
    key: str,
    name: str,
    owner: str,
    channel: str,
    target: dt.date,
    restricted: bool = False,
    members: list[str] | None = None,
) -> tuple[Program, Actor]:
    program = programs.create(
        session,
        admin,
        key=key,
        name=name,
        owner_id=owner,
        channel_id=channel,
        target_date=target,
        restricted=restricted,
        members=members,
    )
    return program, Actor(team_id=DEMO_TEAM, user_id=owner)


def _status(
    session: Session, owner: Actor, program: Program, history: list[tuple[int, Rag, str, str | None]], now: dt.datetime
) -> None:
    for days_ago, rag, summary, asks in history:
        update, _ = programs.report_status(session, owner, program, rag=rag, summary=summary, asks=asks)
        update.created_at = now - dt.timedelta(days=days_ago)  # demo history: back-date the reports
        session.add(update)


def seed(session: Session, today: dt.date, now: dt.datetime) -> bool:
    """Seed the demo portfolio once; False when it is already there."""
    existing = session.exec(select(Program.id).where(col(Program.team_id) == DEMO_TEAM)).first()
    if existing is not None:
        return False
    admin = Actor(team_id=DEMO_TEAM, user_id=DEMO_ADMIN, is_admin=True)
    day = dt.timedelta(days=1)

    appeals, priya = _program(
        session, admin, "TNS-APPEALS", "Appeals SLA reduction (72h to 24h)", "U0PRIYA", "C0APPEALS", today + 60 * day
    )
    _status(
        session,
        priya,
        appeals,
        [
            (21, Rag.GREEN, "Routing rules drafted; queue model agreed with Data Science.", None),
            (14, Rag.AMBER, "Backlog grew 18% after the policy change; SLA at 41h.", "Two extra reviewers for 3 weeks"),
            (
                2,
                Rag.RED,
                "Vendor ramp slipped two weeks; 24h SLA not reachable by target without more reviewers.",
                "Decision on overtime budget (Finance) by Friday",
            ),
        ],
        now,
    )
    milestones.add(
        session, priya, appeals, title="Routing rules live in all locales", due=today - 5 * day, owner_id="U0MARCO"
    )
    milestones.add(
        session, priya, appeals, title="Vendor reviewers at full capacity", due=today + 10 * day, owner_id="U0PRIYA"
    )
    r1 = risks.add(
        session,
        priya,
        appeals,
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
    risks.add(
        session,
        priya,
        appeals,
        title="Policy change raises appeal volume again",
        likelihood=3,
        impact=3,
        owner_id="U0LENA",
        review_date=today + 7 * day,
        response=RiskResponse.ACCEPT,
        category="policy",
    )
    d1 = decisions.log(
        session,
        priya,
        appeals,
        title="Prioritise appeals on account suspensions",
        decider_id="U0ADMIN",
        rationale="Highest user harm per hour of delay",
        options="FIFO; by severity; by account type",
        consulted=["U0LENA", "U0SAM"],
    )
    actions.add(
        session,
        priya,
        appeals,
        title="Overtime budget request to Finance",
        owner_id="U0OMAR",
        due=today - 3 * day,
        risk=r1,
    )
    actions.add(
        session,
        priya,
        appeals,
        title="Publish the new routing runbook",
        owner_id="U0MARCO",
        due=today + 4 * day,
        decision=d1,
    )

    classify, lena = _program(
        session, admin, "TNS-CLASSIFIER", "Hate-speech classifier v3 rollout", "U0LENA", "C0CLASSIFY", today + 45 * day
    )
    _status(
        session,
        lena,
        classify,
        [
            (16, Rag.AMBER, "Precision below target in two languages.", "Labelled data for PT and TR"),
            (3, Rag.GREEN, "Precision at 0.93 after retraining; shadow mode from Monday.", None),
        ],
        now,
    )
    milestones.add(session, lena, classify, title="Shadow mode in all markets", due=today + 5 * day, owner_id="U0LENA")
    milestones.add(
        session, lena, classify, title="Enforcement at 10% traffic", due=today + 20 * day, owner_id="U0MARCO"
    )
    risks.add(
        session,
        lena,
        classify,
        title="False positives on reclaimed slurs",
        likelihood=3,
        impact=4,
        owner_id="U0LENA",
        review_date=today + 3 * day,
        mitigation="Allow-list reviewed by policy",
        category="quality",
    )
    risks.add(
        session,
        lena,
        classify,
        title="Model latency above 50ms p99",
        likelihood=2,
        impact=2,
        owner_id="U0MARCO",
        category="engineering",
    )
    decisions.log(
        session,
        lena,
        classify,
        title="Roll out by market, smallest first",
        decider_id="U0MARCO",
        rationale="Limits blast radius",
        options="All at once; by market",
    )
    actions.add(session, lena, classify, title="Label 2k PT samples", owner_id="U0LENA", due=today + 6 * day)

    wellness, jun = _program(
        session, admin, "TNS-WELLNESS", "Moderator wellness programme", "U0JUN", "C0WELLNESS", today + 90 * day
    )
    _status(
        session,
        jun,
        wellness,
        [
            (30, Rag.GREEN, "Counselling vendor shortlisted.", None),
            (12, Rag.GREEN, "Contract with counselling vendor signed.", None),
        ],
        now,
    )
    milestones.add(session, jun, wellness, title="Exposure caps in rota tool", due=today - 8 * day, owner_id="U0MARCO")
    risks.add(
        session,
        jun,
        wellness,
        title="Exposure caps break weekend coverage",
        likelihood=4,
        impact=5,
        owner_id="U0JUN",
        review_date=today + 2 * day,
        mitigation="Cross-train two queues",
        category="people",
    )
    actions.add(
        session, jun, wellness, title="Wellness survey to all moderators", owner_id="U0JUN", due=today - 10 * day
    )

    vendor_qa, marco = _program(
        session, admin, "TNS-VENDOR-QA", "Vendor QA calibration", "U0MARCO", "C0VENDORQA", today + 30 * day
    )
    _status(
        session,
        marco,
        vendor_qa,
        [
            (9, Rag.GREEN, "Calibration sessions weekly; agreement at 87%.", None),
            (1, Rag.AMBER, "Agreement dropped to 81% on new spam policy.", "Policy clarification from Legal"),
        ],
        now,
    )
    risks.add(
        session,
        marco,
        vendor_qa,
        title="Vendor disputes QA sampling method",
        likelihood=2,
        impact=3,
        owner_id="U0SAM",
        category="vendor",
    )
    actions.add(session, marco, vendor_qa, title="Clarify spam policy examples", owner_id="U0SAM", due=today + 2 * day)

    election, sam = _program(
        session, admin, "TNS-ELECTION", "Election integrity readiness", "U0SAM", "C0ELECTION", today + 120 * day
    )
    _status(session, sam, election, [(4, Rag.GREEN, "War-room rota and escalation paths agreed.", None)], now)
    milestones.add(
        session, sam, election, title="Tabletop exercise with Legal and Comms", due=today + 2 * day, owner_id="U0SAM"
    )
    risks.add(
        session,
        sam,
        election,
        title="Coordinated inauthentic behaviour spikes",
        likelihood=3,
        impact=5,
        owner_id="U0LENA",
        review_date=today + 10 * day,
        mitigation="Surge staffing plan",
        category="threat",
    )
    decisions.log(
        session,
        sam,
        election,
        title="Freeze ranking changes four weeks before polling day",
        decider_id="U0ADMIN",
        rationale="Reduce unplanned interactions",
        consulted=["U0MARCO"],
    )

    hash_vendor, omar = _program(
        session,
        admin,
        "TNS-HASH-MIGRATION",
        "Hash-matching vendor migration",
        "U0OMAR",
        "C0HASH",
        today + 75 * day,
        restricted=True,
        members=["U0JUN", "U0SAM"],
    )
    _status(
        session,
        omar,
        hash_vendor,
        [
            (20, Rag.AMBER, "Contract redlines with new vendor open.", "Legal review slot"),
            (8, Rag.AMBER, "Contract signed; data-transfer assessment pending.", None),
        ],
        now,
    )
    milestones.add(
        session, omar, hash_vendor, title="Parallel run of both vendors", due=today + 25 * day, owner_id="U0JUN"
    )
    risks.add(
        session,
        omar,
        hash_vendor,
        title="Match-rate gap during cut-over",
        likelihood=5,
        impact=5,
        owner_id="U0JUN",
        review_date=today - 1 * day,
        mitigation="Run both vendors in parallel for 30 days",
        category="vendor",
        response=RiskResponse.MITIGATE,
    )
    risks.add(
        session,
        omar,
        hash_vendor,
        title="Data-transfer assessment delays go-live",
        likelihood=2,
        impact=4,
        owner_id="U0SAM",
        category="legal",
    )
    actions.add(
        session, omar, hash_vendor, title="Data-transfer impact assessment", owner_id="U0SAM", due=today - 1 * day
    )
    return True
