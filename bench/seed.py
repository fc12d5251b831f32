"""A large, consistent workspace for the clock benchmark, bulk-inserted with SQLAlchemy Core.

Items are per program, so the whole scales with `programs`: at 5,000 programs that is 100k risks,
50k decisions, 500k actions, 40k milestones and 60k status reports. Program `p` gets the same items
whatever the size. IDs, human numbers and `id_counter` agree, as Pulse's own writes would leave them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from bench.pulse_api import ActionStatus, DecisionStatus, Engine, Rag, RiskResponse, RiskStatus, insert_rows
from bench.workspace import (
    ADMIN,
    LEADS_CHANNEL,
    MORNING,
    TEAM,
    ZONES,
    Shape,
    person,
    program_key,
)

RAGS = (Rag.GREEN,) * 12 + (Rag.AMBER,) * 5 + (Rag.RED,) * 3
OPEN_RISK = (RiskStatus.OPEN, RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.ACCEPTED)
Rows = dict[str, list[dict[str, Any]]]


def restricted(p: int) -> bool:
    return p % 50 == 3  # members only; every other one is cleared for #leads


def archived(p: int) -> bool:
    return p % 100 == 99


def build(shape: Shape, now: dt.datetime = MORNING) -> Rows:
    """Every row of the workspace, by table."""
    rows: Rows = defaultdict(list)
    people = [person(i) for i in range(shape.people)]
    fresh = dt.datetime.now(dt.UTC)  # the profile cache is fresh by the real clock, so Slack is never asked
    rows["workspace_settings"].append({"team_id": TEAM, "updated_at": now - dt.timedelta(days=400)})
    for i, user in enumerate(people):
        zone = ZONES[i % len(ZONES)]
        rows["user_profile"].append(
            {"team_id": TEAM, "user_id": user, "tz": zone, "display_name": f"Person {i}", "fetched_at": fresh}
        )
    for p in range(shape.programs):
        _program(rows, shape, p, people, now)
    _alerts_and_schedules(rows, shape, now)
    for kind, table in {"R": "risk", "D": "decision", "A": "action", "M": "milestone", "S": "digest_schedule"}.items():
        rows["id_counter"].append({"team_id": TEAM, "kind": kind, "value": len(rows[table])})
    rows["tick_run"].append({"name": "clock", "last_at": now - dt.timedelta(minutes=1)})
    rows["decision"].reverse()  # a superseded decision points at the next one: insert that one first
    return dict(rows)


def _row(rows: Rows, table: str, **values: Any) -> int:
    """Append a row of the workspace with the next id; returns the id."""
    ident = len(rows[table]) + 1
    rows[table].append({"id": ident, "team_id": TEAM, **values})
    return ident


def _item(rows: Rows, table: str, p: int, **values: Any) -> int:
    """Append a numbered item of program `p`; its human number is its id."""
    return _row(rows, table, number=len(rows[table]) + 1, program_id=p + 1, **values)


def _program(rows: Rows, shape: Shape, p: int, people: list[str], now: dt.datetime) -> None:
    rng = random.Random(1_000_003 * 7 + p)
    today, owner, created = now.date(), people[p % len(people)], now - dt.timedelta(days=400)

    def days(low: int, high: int) -> dt.timedelta:
        return dt.timedelta(days=rng.randint(low, high), hours=rng.randint(0, 23))

    _row(
        rows,
        "program",
        key=program_key(p),
        name=f"Program {p}: {rng.choice(['appeals', 'classifier', 'vendor', 'policy'])} uplift",
        owner_id=owner,
        channel_id=None if p % 5 == 4 else f"C0PRG{p:05d}",
        target_date=today + dt.timedelta(days=rng.randint(-30, 300)),
        restricted=restricted(p),
        members=sorted({people[(p + k) % len(people)] for k in (1, 2, 3)}) if restricted(p) else [],
        allowed_channels=[LEADS_CHANNEL] if p % 100 == 3 else [],
        created_by=ADMIN,
        created_at=created,
        updated_at=created,
        archived_at=now - dt.timedelta(days=20) if archived(p) else None,
    )
    if p % 33 != 5:  # weekly reports; every 10th program stale, every 33rd never reported
        latest = days(10, 30) if p % 10 == 4 else days(0, 6)
        for k in range(shape.statuses_per_program):
            rag = rng.choice(RAGS)
            _row(
                rows,
                "status_update",
                program_id=p + 1,
                rag=rag,
                summary=f"Week {k}: vendor ramp {rng.randint(40, 100)}% of plan; backlog on forecast.",
                asks="A decision on EU vendor capacity" if rag == Rag.RED else None,
                author_id=owner,
                created_at=now - latest - dt.timedelta(weeks=shape.statuses_per_program - 1 - k),
            )
    for k in range(shape.milestones_per_program):
        due = today + dt.timedelta(days=rng.randint(-60, 120))
        done = due < today and rng.random() < 0.75
        _item(
            rows,
            "milestone",
            p,
            title=f"Milestone {k} of program {p}",
            due=due,
            owner_id=people[(p + k) % len(people)],
            created_by=owner,
            created_at=created,
            done_at=now - days(1, 60) if done else None,
            done_by=owner if done else None,
        )
    first_risk = len(rows["risk"]) + 1
    for k in range(shape.risks_per_program):
        likelihood, impact, made = rng.randint(1, 5), rng.randint(1, 5), now - days(0, 360)
        status = RiskStatus.CLOSED if rng.random() < 0.25 else rng.choice(OPEN_RISK)
        number = _item(
            rows,
            "risk",
            p,
            title=f"Risk {k} of program {p}: vendor capacity short in peak weeks",
            likelihood=likelihood,
            impact=impact,
            score=likelihood * impact,
            category=rng.choice(["vendor", "policy", "tooling", None]),
            owner_id=people[(p * 3 + k) % len(people)],
            response=rng.choice(list(RiskResponse)),
            mitigation="Second vendor on standby; weekly capacity review.",
            review_date=today + dt.timedelta(days=rng.randint(-30, 60)),
            status=status,
            close_reason="Mitigated" if status == RiskStatus.CLOSED else None,
            created_by=owner,
            created_at=made,
            updated_at=made,
            closed_at=made + dt.timedelta(days=1) if status == RiskStatus.CLOSED else None,
        )
        after = {
            "title": f"Risk {k}",
            "likelihood": likelihood,
            "impact": impact,
            "score": likelihood * impact,
            "status": status.value,
        }
        audit = {"program_id": p + 1, "entity_type": "risk", "entity_ref": f"R-{number}", "actor_id": owner}
        _row(rows, "audit_event", **audit, action="create", before=None, after=after, created_at=made)
        if k % 10 == 3 and rng.random() < 0.2:  # a few risks became critical this week
            rose = {"before": {**after, "score": 9}, "after": {**after, "score": 20}}
            _row(rows, "audit_event", **audit, action="update", **rose, created_at=now - days(0, 6))
    first_decision = len(rows["decision"]) + 1
    for k in range(shape.decisions_per_program):
        made = now - days(0, 360)
        number = len(rows["decision"]) + 1
        superseded = k + 1 < shape.decisions_per_program and k % 5 == 1
        _item(
            rows,
            "decision",
            p,
            title=f"Decision {k} of program {p}: route EU appeals to vendor B",
            context="Backlog above SLA for three weeks.",
            options="A: hire; B: vendor; C: wait",
            decision="Vendor B",
            rationale="Fastest path to SLA at acceptable cost.",
            driver_id=owner,
            decider_id=people[(p + k + 1) % len(people)],
            consulted=[people[(p + k + 2) % len(people)]],
            informed=[],
            status=DecisionStatus.SUPERSEDED if superseded else DecisionStatus.DECIDED,
            superseded_by_id=number + 1 if superseded else None,
            created_at=made,
            decided_at=made,
        )
    risks, decisions = shape.risks_per_program, shape.decisions_per_program
    for k in range(shape.actions_per_program):
        done, link = rng.random() < 0.6, rng.random()
        overdue = not done and rng.random() < 0.15
        offset = rng.randint(-200, 10) if done else rng.randint(-30, -1) if overdue else rng.randint(0, 90)
        _item(
            rows,
            "action",
            p,
            title=f"Action {k} of program {p}: draft the vendor SOW",
            owner_id=people[(p * 7 + k) % len(people)],
            due=today + dt.timedelta(days=offset),
            status=ActionStatus.DONE if done else ActionStatus.OPEN,
            snoozed_until=today + dt.timedelta(days=rng.randint(1, 7)) if overdue and rng.random() < 0.1 else None,
            risk_id=first_risk + k % risks if link < 0.2 and risks else None,
            decision_id=first_decision + k % decisions if 0.2 <= link < 0.3 and decisions else None,
            created_by=owner,
            created_at=now - days(30, 300),
            done_at=now - days(0, 30) if done else None,
            done_by=owner if done else None,
        )


def _alerts_and_schedules(rows: Rows, shape: Shape, now: dt.datetime) -> None:
    """Open alerts last posted two days ago; the portfolio digest to #leads and a few program digests due at
    09:00 UTC on weekdays, and idle schedules (Mondays 17:00)."""
    for i in range(min(shape.alerts, shape.programs)):
        p = i * shape.programs // max(shape.alerts, 1)
        _row(
            rows,
            "alert",
            kind="program_red",
            entity_ref=program_key(p),
            program_id=p + 1,
            repeats=i % 2,
            created_at=now - dt.timedelta(days=3),
            last_posted_on=now.date() - dt.timedelta(days=2),
        )
    eligible = [p for p in range(shape.programs) if p % 5 != 4 and not restricted(p) and not archived(p)]
    plans: list[tuple[str, int | None, str, str]] = [(LEADS_CHANNEL, None, "weekdays", "09:00")]
    plans += [(f"C0PRG{p:05d}", p + 1, "weekdays", "09:00") for p in eligible[: shape.program_schedules]]
    plans += [(LEADS_CHANNEL, None, "mon", "17:00")] * shape.idle_schedules
    for number, (channel, program_id, days, at) in enumerate(plans, start=1):
        _row(
            rows,
            "digest_schedule",
            number=number,
            channel_id=channel,
            program_id=program_id,
            days=days,
            time_of_day=at,
            tz="UTC",
            last_sent_at=now - dt.timedelta(days=7),
            created_by=ADMIN,
            created_at=now - dt.timedelta(days=90),
        )


def seed(engine: Engine, shape: Shape, now: dt.datetime = MORNING) -> dict[str, int]:
    """Bulk-insert the workspace into an empty, migrated store; returns rows per table."""
    return insert_rows(engine, build(shape, now))
