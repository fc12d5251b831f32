"""Read models for lists, digests and the demo: each program with its facts, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session

from domain.access import Actor
from domain.actions import is_overdue
from domain.bands import Band, band_for
from domain.budget import BudgetFacts, QuarterBudget, budgets_for
from domain.issues import is_severe
from domain.kpis import KpiFacts
from domain.kpis import evidence as kpi_evidence
from domain.lookup import visible_programs
from domain.staffing import StaffingFacts, staffing_for
from domain.status import ProgramStatus, Trend, status_of
from store import actions, asks, issues, milestones, risks
from store.models import Action, Ask, Issue, Milestone, Program, Rag, Risk
from store.settings import workspace_settings

STALE_AFTER_DAYS = 7


@dataclass
class ProgramFacts:
    """A program with the facts a reader needs to judge it."""

    program: Program
    status: ProgramStatus
    risks: list[Risk] = field(default_factory=list)
    risk_bands: dict[Band, int] = field(default_factory=dict)
    critical: list[Risk] = field(default_factory=list)  # its critical risks, highest score first
    open_actions: list[Action] = field(default_factory=list)
    overdue_actions: list[Action] = field(default_factory=list)
    open_milestones: list[Milestone] = field(default_factory=list)
    slipped_milestones: list[Milestone] = field(default_factory=list)
    open_asks: list[Ask] = field(default_factory=list)  # soonest due first
    kpis: list[KpiFacts] = field(default_factory=list)  # with their latest and previous readings, by number
    quiet_days: int = 0  # days since its last status report, or since it was created when it has none
    stale: bool = False
    budget: BudgetFacts | None = None  # its quarters' plans and actuals (domain/budget.py)
    open_issues: list[Issue] = field(default_factory=list)  # most severe first
    staffing: StaffingFacts | None = None  # planned and filled headcount by role (domain/staffing.py)

    @property
    def short_staffed(self) -> bool:
        """Less of its planned headcount filled than the workspace's threshold: a people reason."""
        return self.staffing is not None and self.staffing.short

    @property
    def severe_issues(self) -> list[Issue]:
        """Open issues of severity 1 or 2: leadership sees them in "Needs you"."""
        return [i for i in self.open_issues if is_severe(i)]

    @property
    def rag(self) -> Rag | None:
        return self.status.rag

    @property
    def trend(self) -> Trend:
        return self.status.trend

    @property
    def never_reported(self) -> bool:
        return self.status.current is None

    @property
    def critical_risks(self) -> int:
        return self.risk_bands.get(Band.CRITICAL, 0)

    @property
    def breached_kpis(self) -> list[KpiFacts]:
        """KPIs whose latest reading is worse than their target."""
        return [k for k in self.kpis if k.breached]

    @property
    def evidence(self) -> list[KpiFacts]:
        """The KPIs a digest states as its evidence line: breached ones first, then the others with a reading."""
        return [*self.breached_kpis, *(k for k in self.kpis if k.latest and not k.breached)]

    @property
    def watermelon(self) -> bool:
        """Reported green while its facts are red (a breached KPI, a quarter over budget, short staffing count)."""
        return self.rag == Rag.GREEN and bool(
            self.slipped_milestones
            or self.critical_risks
            or self.overdue_actions
            or self.breached_kpis
            or self.over_budget
            or self.short_staffed
        )

    @property
    def over_budget(self) -> list[QuarterBudget]:
        """Quarters spent over plan by more than the workspace's threshold: budget reasons."""
        return self.budget.over if self.budget else []

    @property
    def red_facts(self) -> list[tuple[str, Milestone | Risk | Action | KpiFacts | QuarterBudget | StaffingFacts]]:
        """Why a green report is not believed, as (kind, item): slipped milestones, critical risks, overdue actions,
        breached KPIs (two of each at most), the latest quarter over budget, and staffing short of plan."""
        return [
            *(("milestone", m) for m in self.slipped_milestones[:2]),
            *(("risk", r) for r in self.critical[:2]),
            *(("action", a) for a in self.overdue_actions[:2]),
            *(("kpi", k) for k in self.breached_kpis[:2]),
            *(("budget", q) for q in self.over_budget[-1:]),
            *([("people", self.staffing)] if self.staffing and self.short_staffed else []),
        ]

    @property
    def next_milestone(self) -> Milestone | None:
        upcoming = [m for m in self.open_milestones if m not in self.slipped_milestones]
        return upcoming[0] if upcoming else None


RAG_SORT = {Rag.RED: 0, Rag.AMBER: 1, None: 2, Rag.GREEN: 3}


def portfolio(
    session: Session, actor: Actor, *, today: dt.date, now: dt.datetime, include_archived: bool = False
) -> list[ProgramFacts]:
    """Every program the actor may see with its facts, red first, then amber, unreported, green."""
    visible = visible_programs(session, actor, include_archived=include_archived)
    return facts_for(session, actor.team_id, visible, today=today, now=now)


def facts_for(
    session: Session, team_id: str, program_list: list[Program], *, today: dt.date, now: dt.datetime
) -> list[ProgramFacts]:
    """Facts for the given programs (same team), sorted by status then key."""
    ids = [p.id for p in program_list if p.id is not None]
    settings = workspace_settings(session, team_id)
    statuses = status_of(session, program_list)
    facts = {p.id: ProgramFacts(program=p, status=statuses[p.id or 0]) for p in program_list}
    for risk in risks.query(session, team_id, ids):
        item = facts[risk.program_id]
        item.risks.append(risk)
        band = band_for(risk.score, settings)
        item.risk_bands[band] = item.risk_bands.get(band, 0) + 1
        if band == Band.CRITICAL:
            item.critical.append(risk)
    for action in actions.query(session, team_id, ids):
        item = facts[action.program_id]
        item.open_actions.append(action)
        if is_overdue(action, today):
            item.overdue_actions.append(action)
    for milestone in milestones.for_programs(session, ids):
        item = facts[milestone.program_id]
        item.open_milestones.append(milestone)
        if milestone.due < today:
            item.slipped_milestones.append(milestone)
    for ask in asks.for_programs(session, team_id, ids):
        facts[ask.program_id].open_asks.append(ask)
    for program_id, people in staffing_for(session, team_id, program_list).items():
        facts[program_id].staffing = people
    for issue in issues.open_for_programs(session, team_id, ids):
        facts[issue.program_id].open_issues.append(issue)
    for program_id, money in budgets_for(session, team_id, program_list, today=today).items():
        facts[program_id].budget = money
    for program_id, kpi_facts in kpi_evidence(session, team_id, program_list, today=today).items():
        facts[program_id].kpis = kpi_facts
    for item in facts.values():
        current = item.status.current
        item.quiet_days = (now - (current.created_at if current else item.program.created_at)).days
        item.stale = item.program.archived_at is None and item.quiet_days >= STALE_AFTER_DAYS
    return sorted(facts.values(), key=lambda f: (RAG_SORT[f.rag], f.program.key))
