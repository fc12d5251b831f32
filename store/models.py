"""SQLModel tables. Every row is scoped by Slack `team_id`; nothing is ever hard-deleted."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

from store.types import JSONList, UTCDateTime, utcnow


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Confidence(StrEnum):
    """How sure the reporter is of delivery (a forecast, not a mood)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class RiskStatus(StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class RiskResponse(StrEnum):
    AVOID = "avoid"
    MITIGATE = "mitigate"
    TRANSFER = "transfer"
    ACCEPT = "accept"


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"
    DECIDED = "decided"
    SUPERSEDED = "superseded"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class AskState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"


def _enum(enum: type[StrEnum], default: Any = None) -> Any:
    """A StrEnum stored as its lower-case value in a VARCHAR (no database enum types to migrate)."""
    column_type = SAEnum(enum, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    if default is None:
        return Field(sa_column=Column(column_type, nullable=False))
    return Field(default=default, sa_column=Column(column_type, nullable=False))


def _optional_enum(enum: type[StrEnum]) -> Any:
    """A StrEnum that may be left out, stored as its value in a nullable VARCHAR."""
    column_type = SAEnum(enum, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    return Field(default=None, sa_column=Column(column_type, nullable=True))


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _instant() -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


def _id_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSONList(), nullable=False))


class WorkspaceSettings(SQLModel, table=True):
    """Per-workspace settings that admins change with `/pulse settings` (risk bands, escalation channel and
    ladder, date order, risk appetite); a workspace without a row has the defaults."""

    __tablename__ = "workspace_settings"

    team_id: str = Field(primary_key=True, max_length=32)
    band_medium_min: int = 5
    band_high_min: int = 10
    band_critical_min: int = 20
    ladder_step2_days: int = 2
    ladder_step3_days: int = 5
    day_first: bool = False  # `12/5` is 12 May (day/month) rather than December 5 (month/day)
    team_domain: str | None = Field(default=None, max_length=64)  # `acme` of acme.slack.com, for permalinks
    # Risk appetite: open risks at or above this band count as above appetite (only those without a mitigation
    # when `appetite_needs_mitigation`); the default is "no critical risk without a mitigation".
    appetite_band: str = Field(default="critical", max_length=16)
    appetite_needs_mitigation: bool = True
    currency: str = Field(default="USD", max_length=3)  # ISO 4217 code budgets are kept in
    budget_threshold_pct: int = 10  # a program spending more than this over its quarter's plan has a budget reason
    staffing_threshold_pct: int = 80  # a program with less of its planned headcount filled has a people reason
    escalation_channel: str | None = Field(default=None, max_length=32)  # None: PULSE_ESCALATION_CHANNEL's
    updated_at: dt.datetime = _created()


class IdCounter(SQLModel, table=True):
    """The last human number handed out per workspace and kind (R, D, A, M, S); never goes back."""

    __tablename__ = "id_counter"

    team_id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=8)
    value: int = 0


class Program(SQLModel, table=True):
    """A program in the portfolio, e.g. TNS-APPEALS."""

    __tablename__ = "program"
    __table_args__ = (
        UniqueConstraint("team_id", "key", name="uq_program_team_key"),
        # the clock's per-tick look at owners' check-in times reads only this index (store/programs.py)
        Index("ix_program_owner_checkins", "team_id", "archived_at", "owner_id", "checkin"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    key: str = Field(max_length=40)
    name: str = Field(max_length=200)
    owner_id: str = Field(max_length=32)
    channel_id: str | None = Field(default=None, max_length=32)
    target_date: dt.date | None = None
    restricted: bool = False
    members: list[str] = _id_list()
    allowed_channels: list[str] = _id_list()
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()
    archived_at: dt.datetime | None = _instant()
    checkin: str | None = Field(default=None, max_length=16)  # `thu@14:00`, `off`; None: the default cadence


class StatusUpdate(SQLModel, table=True):
    """One RAG report on a program; history is kept, the newest is current."""

    __tablename__ = "status_update"
    __table_args__ = (Index("ix_status_update_program_created", "program_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id")
    rag: Rag = _enum(Rag)
    summary: str = Field(max_length=3000)
    asks: str | None = Field(default=None, max_length=2000)
    # The ratings by dimension, when the report gives them (the overall `rag` is the one set, else the worst).
    schedule: Rag | None = _optional_enum(Rag)
    budget: Rag | None = _optional_enum(Rag)
    scope: Rag | None = _optional_enum(Rag)
    people: Rag | None = _optional_enum(Rag)
    path_to_green: str | None = Field(default=None, max_length=1000)
    confidence: Confidence | None = _optional_enum(Confidence)
    author_id: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    source_permalink: str | None = Field(default=None, max_length=500)  # the message it was recorded from


class Milestone(SQLModel, table=True):
    """A dated milestone of a program (M-n)."""

    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_milestone_team_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    number: int
    program_id: int = Field(foreign_key="program.id", index=True)
    title: str = Field(max_length=300)
    due: dt.date
    baseline_due: dt.date | None = None  # the first date promised, kept when the milestone is re-baselined
    replan_reason: str | None = Field(default=None, max_length=500)  # why it was last re-dated
    owner_id: str = Field(max_length=32)
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    done_at: dt.datetime | None = _instant()
    done_by: str | None = Field(default=None, max_length=32)


class Risk(SQLModel, table=True):
    """A risk register entry (R-n); score = likelihood x impact, band derived from workspace settings."""

    __tablename__ = "risk"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_risk_team_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    number: int
    program_id: int = Field(foreign_key="program.id", index=True)
    title: str = Field(max_length=300)
    likelihood: int
    impact: int
    score: int
    category: str | None = Field(default=None, max_length=80)
    owner_id: str = Field(max_length=32)
    response: RiskResponse = _enum(RiskResponse, RiskResponse.MITIGATE)
    mitigation: str | None = Field(default=None, max_length=2000)
    trigger: str | None = Field(default=None, max_length=1000)
    review_date: dt.date | None = None
    status: RiskStatus = _enum(RiskStatus, RiskStatus.OPEN)
    close_reason: str | None = Field(default=None, max_length=2000)
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()
    source_permalink: str | None = Field(default=None, max_length=500)  # the message it was added from
    reviewed_at: dt.datetime | None = _instant()
    closed_at: dt.datetime | None = _instant()


class Decision(SQLModel, table=True):
    """A decision log entry (D-n), DACI roles; superseded, never edited away."""

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_decision_team_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    number: int
    program_id: int = Field(foreign_key="program.id", index=True)
    title: str = Field(max_length=300)
    context: str | None = Field(default=None, max_length=3000)
    options: str | None = Field(default=None, max_length=3000)
    decision: str | None = Field(default=None, max_length=3000)
    rationale: str | None = Field(default=None, max_length=3000)
    driver_id: str = Field(max_length=32)
    decider_id: str = Field(max_length=32)
    consulted: list[str] = _id_list()
    informed: list[str] = _id_list()
    status: DecisionStatus = _enum(DecisionStatus, DecisionStatus.DECIDED)
    superseded_by_id: int | None = Field(default=None, foreign_key="decision.id")
    source_permalink: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = _created()
    decided_at: dt.datetime | None = _instant()


class Action(SQLModel, table=True):
    """An owner's commitment (A-n) with a due date, optionally created by a risk, a decision or an issue."""

    __tablename__ = "action"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_action_team_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    number: int
    program_id: int = Field(foreign_key="program.id", index=True)
    title: str = Field(max_length=300)
    owner_id: str = Field(max_length=32)
    due: dt.date
    status: ActionStatus = _enum(ActionStatus, ActionStatus.OPEN)
    snoozed_until: dt.date | None = None
    risk_id: int | None = Field(default=None, foreign_key="risk.id")
    decision_id: int | None = Field(default=None, foreign_key="decision.id")
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    done_at: dt.datetime | None = _instant()
    done_by: str | None = Field(default=None, max_length=32)
    source_permalink: str | None = Field(default=None, max_length=500)  # the message it was added from
    issue_id: int | None = Field(default=None, foreign_key="issue.id")  # the issue (I-n) it works on


class Ask(SQLModel, table=True):
    """What a program asks of a person or a function (ASK-n), by a date; open until answered or withdrawn."""

    __tablename__ = "ask"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_ask_team_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    number: int
    program_id: int = Field(foreign_key="program.id", index=True)
    text: str = Field(max_length=2000)
    to_user: str | None = Field(default=None, max_length=32)  # a person, or
    to_function: str | None = Field(default=None, max_length=40)  # a function such as Finance or Legal
    due: dt.date | None = None
    state: AskState = _enum(AskState, AskState.OPEN)
    answer: str | None = Field(default=None, max_length=2000)
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    closed_at: dt.datetime | None = _instant()
    closed_by: str | None = Field(default=None, max_length=32)


class AuditEvent(SQLModel, table=True):
    """One change: who did what to which entity, with the before/after snapshots."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "team_id", "entity_type", "entity_ref"),
        Index("ix_audit_event_team_id_id", "team_id", "id"),  # a workspace's newest change, for the clock
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    actor_id: str = Field(max_length=32)
    entity_type: str = Field(max_length=24)
    entity_ref: str = Field(max_length=48)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    action: str = Field(max_length=32)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: dt.datetime = _created()


class UserProfile(SQLModel, table=True):
    """Cached facts about a Slack user (time zone from users.info)."""

    __tablename__ = "user_profile"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    tz: str | None = Field(default=None, max_length=64)
    display_name: str | None = Field(default=None, max_length=200)
    fetched_at: dt.datetime = _created()


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(SQLModel, table=True):
    """A message Pulse has decided to send, committed with that decision and delivered afterwards.

    `dedupe_key` is unique per workspace, so deciding twice (two ticks, two schedulers) sends once.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("team_id", "dedupe_key", name="uq_outbox_team_dedupe"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    dedupe_key: str = Field(max_length=200)
    kind: str = Field(max_length=24)
    channel_id: str | None = Field(default=None, max_length=32)
    user_id: str | None = Field(default=None, max_length=32)
    thread_parent_id: int | None = Field(default=None, foreign_key="outbox_message.id")
    entity_ref: str | None = Field(default=None, max_length=64)
    markup: str
    buttons: list[Any] = _id_list()
    status: OutboxStatus = _enum(OutboxStatus, OutboxStatus.PENDING)
    attempts: int = 0
    next_attempt_at: dt.datetime = _created()
    lease_until: dt.datetime | None = _instant()
    last_error: str | None = Field(default=None, max_length=500)
    sent_channel: str | None = Field(default=None, max_length=32)
    sent_ts: str | None = Field(default=None, max_length=32)
    created_at: dt.datetime = _created()
    sent_at: dt.datetime | None = _instant()
    # A reply to a command or click: posted to this response_url while Slack still takes it, else a DM to user_id.
    response_url: str | None = Field(default=None, max_length=1000)


class DigestSchedule(SQLModel, table=True):
    """A recurring digest (S-n): a program's or the whole portfolio's, posted to one channel."""

    __tablename__ = "digest_schedule"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_digest_schedule_team_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    number: int
    channel_id: str = Field(max_length=32)
    program_id: int | None = Field(default=None, foreign_key="program.id")
    days: str = Field(max_length=40)
    time_of_day: str = Field(max_length=5)
    tz: str = Field(max_length=64)
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    last_sent_at: dt.datetime | None = _instant()
    removed_at: dt.datetime | None = _instant()
    removed_by: str | None = Field(default=None, max_length=32)


class Alert(SQLModel, table=True):
    """An escalation alert (program turned red, risk became critical) until someone acknowledges it."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_team_open", "team_id", "acknowledged_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    kind: str = Field(max_length=24)
    entity_ref: str = Field(max_length=64)
    program_id: int = Field(foreign_key="program.id")
    repeats: int = 0
    created_at: dt.datetime = _created()
    acknowledged_at: dt.datetime | None = _instant()
    acknowledged_by: str | None = Field(default=None, max_length=32)
    resolved_at: dt.datetime | None = _instant()
    last_posted_on: dt.date | None = None


class ReminderSent(SQLModel, table=True):
    """A reminder or escalation step that went (or is going) to one recipient; each key once per recipient.

    Keys name what it is about, e.g. `action:A-7:step:2`, `risk:R-3:review:2026-11-20`, `stale:TNS-X:41:1`.
    """

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("team_id", "key", "recipient", name="uq_reminder_team_key_recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=120)
    recipient: str = Field(max_length=32)
    sent_on: dt.date
    created_at: dt.datetime = _created()


class TickRun(SQLModel, table=True):
    """When the clock last ran, so a restart after downtime knows what it missed."""

    __tablename__ = "tick_run"

    name: str = Field(primary_key=True, max_length=32)
    last_at: dt.datetime = _created()


class PlanMark(SQLModel, table=True):
    """What the clock last planned a workspace's reminders and ladder against: the instant, and the newest
    audit event then (no newer change and the same planning period: nothing new can be due)."""

    __tablename__ = "plan_mark"

    team_id: str = Field(primary_key=True, max_length=32)
    planned_at: dt.datetime = _created()
    audit_id: int = 0
    steady: bool = False  # the previous planning saw the same audit event in the same period


class KpiDirection(StrEnum):
    """Which way a KPI gets better."""

    UP = "up"
    DOWN = "down"


class Kpi(SQLModel, table=True):
    """A program's key performance indicator (K-n): its target, the better direction, an optional warning level."""

    __tablename__ = "kpi"
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_kpi_team_number"),
        UniqueConstraint("program_id", "name", name="uq_kpi_program_name"),  # (the use case also ignores case)
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    number: int
    program_id: int = Field(foreign_key="program.id", index=True)
    name: str = Field(max_length=200)
    unit: str = Field(max_length=24)
    target: float
    direction: KpiDirection = _enum(KpiDirection)
    warning: float | None = None
    owner_id: str = Field(max_length=32)
    source: str | None = Field(default=None, max_length=500)
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()


class KpiReading(SQLModel, table=True):
    """One reading of a KPI, as of a day; history is kept, the newest day is current."""

    __tablename__ = "kpi_reading"
    __table_args__ = (Index("ix_kpi_reading_kpi_taken", "kpi_id", "taken_on"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    kpi_id: int = Field(foreign_key="kpi.id")
    value: float
    taken_on: dt.date
    note: str | None = Field(default=None, max_length=500)
    recorded_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()


class SeenRequest(SQLModel, table=True):
    """A signed Slack request already received (its fingerprint), and the answer it got, so a replay within
    the signature window is answered the same way instead of being applied again. Pruned after the window."""

    __tablename__ = "seen_request"

    fingerprint: str = Field(primary_key=True, max_length=120)
    received_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    status: int | None = None
    content_type: str | None = Field(default=None, max_length=100)
    body: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))


def _money(default: int | None = None) -> Any:
    """An exact amount in the currency's minor units (cents): an integer, never a float."""
    if default is None:
        return Field(sa_column=Column(BigInteger(), nullable=False))
    return Field(default=default, sa_column=Column(BigInteger(), nullable=False))


class BudgetPlan(SQLModel, table=True):
    """A program's budget for one quarter (`2027Q1`): planned and committed, in minor units."""

    __tablename__ = "budget_plan"
    __table_args__ = (UniqueConstraint("program_id", "quarter", name="uq_budget_plan_program_quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    quarter: str = Field(max_length=6)
    planned: int = _money()
    committed: int = _money(0)
    set_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()


class SpendCategory(StrEnum):
    VENDOR = "vendor"
    HEADCOUNT = "headcount"
    TOOLING = "tooling"


class BudgetSpend(SQLModel, table=True):
    """Money a program spent (actuals), in minor units, counted in the quarter of `spent_on`."""

    __tablename__ = "budget_spend"
    __table_args__ = (Index("ix_budget_spend_program_quarter", "program_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    program_id: int = Field(foreign_key="program.id")
    quarter: str = Field(max_length=6)
    amount: int = _money()
    category: SpendCategory | None = _optional_enum(SpendCategory)
    note: str | None = Field(default=None, max_length=500)
    spent_on: dt.date
    recorded_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()


class IssueStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Issue(SQLModel, table=True):
    """A risk that happened, or a problem that emerged (I-n): severity 1 (worst) to 4, its measured impact, the
    risk it materialised from; open until resolved."""

    __tablename__ = "issue"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_issue_team_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    number: int
    program_id: int = Field(foreign_key="program.id", index=True)
    title: str = Field(max_length=300)
    severity: int
    impact: str = Field(max_length=2000)  # affected volume, SLA hours, cost: what it is doing, measured
    risk_id: int | None = Field(default=None, foreign_key="risk.id")
    owner_id: str = Field(max_length=32)
    status: IssueStatus = _enum(IssueStatus, IssueStatus.OPEN)
    resolution: str | None = Field(default=None, max_length=2000)
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    resolved_at: dt.datetime | None = _instant()
    resolved_by: str | None = Field(default=None, max_length=32)


class ProgramDependency(SQLModel, table=True):
    """A program that needs another program (`on_program_id`), or one of its milestones, to deliver."""

    __tablename__ = "program_dependency"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)  # the one that depends
    on_program_id: int = Field(foreign_key="program.id", index=True)  # the one it depends on
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")  # one milestone of it, or all
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()


class StaffingLine(SQLModel, table=True):
    """A program's planned and filled headcount for one role (`reviewers`, `ds`), in a function (Operations)."""

    __tablename__ = "staffing_line"
    __table_args__ = (UniqueConstraint("program_id", "role", name="uq_staffing_line_program_role"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    role: str = Field(max_length=40)
    planned: int = 0
    filled: int = 0
    updated_by: str = Field(max_length=32)
    function: str | None = Field(default=None, max_length=16)  # the StakeholderFunction the role sits in
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()


class StakeholderFunction(StrEnum):
    """The functions a program keeps informed (who Finance, Legal, ... are for it)."""

    FINANCE = "finance"
    LEGAL = "legal"
    PRODUCT = "product"
    DATA_SCIENCE = "data_science"
    PRODUCT_SAFETY = "product_safety"
    RISK_COMPLIANCE = "risk_compliance"
    OPERATIONS = "operations"
    LEADERSHIP = "leadership"


class Raci(StrEnum):
    RESPONSIBLE = "responsible"
    ACCOUNTABLE = "accountable"
    CONSULTED = "consulted"
    INFORMED = "informed"


class Stakeholder(SQLModel, table=True):
    """One person of a function around a program, with their RACI role; removed, never deleted (`removed_at`)."""

    __tablename__ = "stakeholder"
    __table_args__ = (
        UniqueConstraint("program_id", "user_id", "function", name="uq_stakeholder_program_user_function"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    user_id: str = Field(max_length=32)
    function: StakeholderFunction = _enum(StakeholderFunction)
    role: Raci = _enum(Raci)
    updated_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()
    removed_at: dt.datetime | None = _instant()


class ProgramPhase(SQLModel, table=True):
    """A named stretch of a program's plan (`Build`: Jan 4 to Mar 26). Re-dated, it keeps its first dates as
    the baseline, with the reason of the last re-plan."""

    __tablename__ = "program_phase"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_program_phase_program_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    name: str = Field(max_length=80)
    start: dt.date
    end: dt.date
    baseline_start: dt.date | None = None  # the first dates planned, kept when the phase is re-planned
    baseline_end: dt.date | None = None
    replan_reason: str | None = Field(default=None, max_length=500)
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()


class ChannelCanvas(SQLModel, table=True):
    """The program canvas Pulse keeps in a channel (Slack allows one channel canvas per channel), or why Pulse
    leaves that channel's canvas alone (`refused`, e.g. one someone else made)."""

    __tablename__ = "channel_canvas"

    team_id: str = Field(primary_key=True, max_length=32)
    channel_id: str = Field(primary_key=True, max_length=32)
    canvas_id: str | None = Field(default=None, max_length=32)
    refused: str | None = Field(default=None, max_length=64)
    updated_at: dt.datetime = _created()


class CanvasRefusal(SQLModel, table=True):
    """A workspace where Slack refuses canvases (its plan lacks them, or the app lacks the scope): reported to
    its admins once, and tried again only a while `since`."""

    __tablename__ = "canvas_refusal"

    team_id: str = Field(primary_key=True, max_length=32)
    error: str = Field(max_length=64)
    since: dt.datetime = _created()
