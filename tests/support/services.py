"""The store-era service API (`programs.create(session, actor, ...)`) on top of the domain use cases.

Domain tests written against the old service layer call these: each runs the use case in the caller's
session, quietly (the old layer raised no alerts), returns the row it changed, and raises its PulseError
with the wording a person reads as its message (so `pytest.raises(..., match=...)` reads the real text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain import actions as action_cases
from domain import decisions as decision_cases
from domain import milestones as milestone_cases
from domain import programs as program_cases
from domain import risks as risk_cases
from domain import schedules as schedule_cases
from domain.access import Actor
from domain.actions import ActionCreate, ActionSnooze, is_overdue
from domain.bands import Band, band_for, band_range
from domain.context import Context
from domain.decisions import DecisionCreate, DecisionSupersede
from domain.errors import PulseError
from domain.inputs import NumberRef
from domain.messages import Reply, UseCase
from domain.milestones import MilestoneCreate
from domain.programs import ProgramCreate, ProgramEdit, ProgramRef, StatusReport
from domain.risks import RiskClose, RiskCreate, RiskReview, RiskUpdate
from domain.schedules import ScheduleCreate
from domain.status import ProgramStatus, status_of
from store import actions as action_rows
from store import decisions as decision_rows
from store import programs as program_rows
from store import risks as risk_rows
from store.models import Action, Decision, DigestSchedule, Milestone, Program, Rag, Risk, StatusUpdate
from store.settings import workspace_settings
from store.types import utcnow
from templates import error_text

UTC = ZoneInfo("UTC")


def run(session: Session, actor: Actor, case: UseCase[Any], data: Any, *, today: dt.date | None = None) -> Reply:
    """Run a use case quietly in `session`; PulseErrors carry their wording as their message."""
    now = utcnow()
    if today is not None:
        now = dt.datetime.combine(today, now.time(), tzinfo=dt.UTC)
    try:
        return case(Context(session, actor, now, UTC, quiet=True), data)
    except PulseError as exc:
        exc.args = (error_text(exc.code, exc.values),)
        raise


@dataclass
class RiskChanges:
    """Fields `/risk update` may change; None means unchanged."""

    likelihood: int | None = None
    impact: int | None = None
    owner_id: str | None = None
    review_date: dt.date | None = None
    mitigation: str | None = None
    response: Any = None
    status: Any = None
    category: str | None = None
    trigger: str | None = None
    title: str | None = None


@dataclass
class ProgramChanges:
    """Fields `/program edit` may change; None means unchanged."""

    name: str | None = None
    owner_id: str | None = None
    channel_id: str | None = None
    target_date: dt.date | None = None
    restricted: bool | None = None
    members: list[str] | None = None
    allowed_channels: list[str] | None = None


def _create_program(session: Session, actor: Actor, **fields: Any) -> Program:
    fields = {k: v for k, v in fields.items() if v is not None}
    program: Program = run(session, actor, program_cases.create, ProgramCreate(**fields)).message.context["program"]
    return program


def _report_status(
    session: Session, actor: Actor, program: Program, *, rag: Rag, summary: str, asks: str | None = None
) -> tuple[StatusUpdate, ProgramStatus]:
    context = run(
        session, actor, program_cases.report_status, StatusReport(key=program.key, rag=rag, summary=summary, asks=asks)
    ).message.context
    return context["update"], context["status"]


def _edit(session: Session, actor: Actor, program: Program, changes: ProgramChanges) -> Program:
    data = ProgramEdit(key=program.key, **asdict(changes))
    edited: Program = run(session, actor, program_cases.edit, data).message.context["program"]
    return edited


def _archive(session: Session, actor: Actor, program: Program) -> Program:
    archived: Program = run(session, actor, program_cases.archive, ProgramRef(key=program.key)).message.context[
        "program"
    ]
    return archived


def _status_of(session: Session, listed: list[Program]) -> dict[int, ProgramStatus]:
    return status_of(session, listed)


class programs:
    """The store-era `programs` service functions."""

    create = staticmethod(_create_program)
    report_status = staticmethod(_report_status)
    edit = staticmethod(_edit)
    archive = staticmethod(_archive)
    status_of = staticmethod(_status_of)
    status_history = staticmethod(program_rows.status_history)


def _add_risk(session: Session, actor: Actor, program: Program, **fields: Any) -> Risk:
    risk: Risk = run(session, actor, risk_cases.add, RiskCreate(key=program.key, **fields)).message.context["risk"]
    return risk


def _update_risk(session: Session, actor: Actor, _program: Program, risk: Risk, changes: RiskChanges) -> Risk:
    data = RiskUpdate(number=risk.number, **{k: v for k, v in asdict(changes).items() if v is not None})
    updated: Risk = run(session, actor, risk_cases.update, data).message.context["risk"]
    return updated


def _close_risk(session: Session, actor: Actor, _program: Program, risk: Risk, *, reason: str) -> Risk:
    closed: Risk = run(session, actor, risk_cases.close, RiskClose(number=risk.number, reason=reason)).message.context[
        "risk"
    ]
    return closed


def _review_risk(session: Session, actor: Actor, _program: Program, risk: Risk, *, next_review: dt.date) -> Risk:
    data = RiskReview(number=risk.number, next_review=next_review)
    reviewed: Risk = run(session, actor, risk_cases.review, data).message.context["risk"]
    return reviewed


def _query_risks(
    session: Session, team_id: str, program_ids: list[int], *, band: Band | None = None, **filters: Any
) -> list[Risk]:
    scores = band_range(band, workspace_settings(session, team_id)) if band else None
    return risk_rows.query(session, team_id, program_ids, scores=scores, **filters)


def _band_of(session: Session, risk: Risk) -> Band:
    return band_for(risk.score, workspace_settings(session, risk.team_id))


class risks:
    """The store-era `risks` service functions."""

    add = staticmethod(_add_risk)
    update = staticmethod(_update_risk)
    close = staticmethod(_close_risk)
    mark_reviewed = staticmethod(_review_risk)
    query = staticmethod(_query_risks)
    band_of = staticmethod(_band_of)


def _add_action(
    session: Session,
    actor: Actor,
    program: Program,
    *,
    risk: Risk | None = None,
    decision: Decision | None = None,
    **fields: Any,
) -> Action:
    data = ActionCreate(
        key=program.key, risk=risk.number if risk else None, decision=decision.number if decision else None, **fields
    )
    action: Action = run(session, actor, action_cases.add, data).message.context["action"]
    return action


def _complete_action(session: Session, actor: Actor, _program: Program, action: Action) -> Action:
    done: Action = run(session, actor, action_cases.complete, NumberRef(number=action.number)).message.context["action"]
    return done


def _snooze_action(
    session: Session, actor: Actor, _program: Program, action: Action, *, until: dt.date, today: dt.date
) -> Action:
    data = ActionSnooze(number=action.number, until=until)
    snoozed: Action = run(session, actor, action_cases.snooze, data, today=today).message.context["action"]
    return snoozed


def _query_actions(
    session: Session, team_id: str, program_ids: list[int], *, overdue_on: dt.date | None = None, **filters: Any
) -> list[Action]:
    found = action_rows.query(session, team_id, program_ids, due_before=overdue_on, **filters)
    return [a for a in found if is_overdue(a, overdue_on)] if overdue_on else found


class actions:
    """The store-era `actions` service functions."""

    add = staticmethod(_add_action)
    complete = staticmethod(_complete_action)
    snooze = staticmethod(_snooze_action)
    query = staticmethod(_query_actions)
    is_overdue = staticmethod(is_overdue)


def _log_decision(session: Session, actor: Actor, program: Program, **fields: Any) -> Decision:
    fields = {k: v for k, v in fields.items() if v is not None}
    decision: Decision = run(
        session, actor, decision_cases.log, DecisionCreate(key=program.key, **fields)
    ).message.context["decision"]
    return decision


def _supersede(
    session: Session, actor: Actor, old: Decision, _old_program: Program, new: Decision, _new_program: Program
) -> Decision:
    data = DecisionSupersede(old=old.number, new=new.number)
    superseded: Decision = run(session, actor, decision_cases.supersede, data).message.context["old"]
    return superseded


class decisions:
    """The store-era `decisions` service functions."""

    log = staticmethod(_log_decision)
    supersede = staticmethod(_supersede)
    query = staticmethod(decision_rows.query)


def _add_milestone(
    session: Session, actor: Actor, program: Program, *, title: str, due: dt.date, owner_id: str
) -> Milestone:
    data = MilestoneCreate(key=program.key, title=title, due=due, owner_id=owner_id)
    milestone: Milestone = run(session, actor, milestone_cases.add, data).message.context["milestone"]
    return milestone


def _complete_milestone(session: Session, actor: Actor, _program: Program, milestone: Milestone) -> Milestone:
    data = NumberRef(number=milestone.number)
    done: Milestone = run(session, actor, milestone_cases.complete, data).message.context["milestone"]
    return done


class milestones:
    """The store-era `milestones` service functions."""

    add = staticmethod(_add_milestone)
    complete = staticmethod(_complete_milestone)


def _create_schedule(
    session: Session,
    actor: Actor,
    *,
    channel_id: str,
    program: Program | None,
    days: str,
    time_of_day: str,
    tz: str,
) -> DigestSchedule:
    data = ScheduleCreate(
        channel_id=channel_id, key=program.key if program else None, days=days, time_of_day=time_of_day, tz=tz
    )
    schedule: DigestSchedule = run(session, actor, schedule_cases.create, data).message.context["schedule"]
    return schedule


class schedules:
    """The store-era `schedules` service functions."""

    create = staticmethod(_create_schedule)
