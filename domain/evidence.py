"""The evidence behind a digest: how risks moved since an instant (and the heat map of it), which risks need
attention or exceed the workspace's appetite, delivery health (actions on time or late, milestones slipped),
and weekly RAG; plus `/pulse heatmap` and `/pulse trend`, which show the pictures of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain import kpis
from domain.audience import Audience, shown_to
from domain.bands import BAND_ORDER, Band, band_for
from domain.context import Context
from domain.errors import Forbidden
from domain.figures import Heatmap, HeatmapMark, KpiSeries, Timeline, Upload
from domain.inputs import Input
from domain.kpis import KpiFacts
from domain.lookup import program as find_program
from domain.lookup import visible_programs
from domain.messages import Reply, reply, use_case
from store import evidence, milestones, risks
from store.ids import Kind, ref
from store.models import Milestone, Program, Rag, Risk, RiskResponse, WorkspaceSettings
from store.settings import workspace_settings

LOOKBACK = dt.timedelta(days=7)  # how far back "since the last digest" goes when no digest was sent yet
DIGEST_KIND = "digest"  # the outbox kind of a digest's channel message (domain.digests.SUMMARY_KIND)
PORTFOLIO = "portfolio"
DELIVERY_WEEKS = 4
TIMELINE_WEEKS = 12


# Risk movement ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskState:
    """A risk now (closed ones: as closed) and as it stood at the start of the period (None: raised since)."""

    risk: Risk
    program: Program
    before: dict[str, Any] | None

    @property
    def ref(self) -> str:
        return ref(Kind.RISK, self.risk.number)

    @property
    def cell(self) -> tuple[int, int]:
        return (self.risk.likelihood, self.risk.impact)

    @property
    def cell_before(self) -> tuple[int, int] | None:
        """Where it stood then (None: raised since, or an audit snapshot too old to say)."""
        if self.before is None or "likelihood" not in self.before or "impact" not in self.before:
            return None
        return (int(self.before["likelihood"]), int(self.before["impact"]))

    @property
    def new(self) -> bool:
        return self.before is None

    @property
    def closed(self) -> bool:
        return self.risk.closed_at is not None


@dataclass(frozen=True)
class Moved:
    """A risk whose band changed in the period."""

    risk: Risk
    program: Program
    before: Band
    after: Band


@dataclass
class RiskMovement:
    """How a set of programs' risks moved since `since`, what needs attention, and what exceeds appetite."""

    since: dt.datetime
    new: list[tuple[Risk, Program]] = field(default_factory=list)
    escalated: list[Moved] = field(default_factory=list)
    de_escalated: list[Moved] = field(default_factory=list)
    closed: list[tuple[Risk, Program]] = field(default_factory=list)
    no_owner: list[tuple[Risk, Program]] = field(default_factory=list)
    no_mitigation: list[tuple[Risk, Program]] = field(default_factory=list)
    review_overdue: list[tuple[Risk, Program]] = field(default_factory=list)
    above_appetite: list[tuple[Risk, Program]] = field(default_factory=list)

    @property
    def quiet(self) -> bool:
        """Nothing moved in the period."""
        return not (self.new or self.escalated or self.de_escalated or self.closed)


def risk_states(
    session: Session,
    team_id: str,
    program_list: Sequence[Program],
    since: dt.datetime,
    open_risks: Sequence[Risk] | None = None,
) -> list[RiskState]:
    """Open risks and those closed since `since`, each with where it stood then (three queries; two when the
    programs' `open_risks` were already read)."""
    by_id = {p.id: p for p in program_list if p.id is not None}
    ids = list(by_id)
    before = evidence.risk_snapshots(session, team_id, ids, since)
    if open_risks is None:
        open_risks = risks.query(session, team_id, ids)
    current = [*open_risks, *evidence.risks_closed_since(session, team_id, ids, since)]
    states = []
    for risk in current:
        label = ref(Kind.RISK, risk.number)
        then = before.get(label)
        if then is not None and then.get("status") == "closed":
            continue  # already closed when the period began
        states.append(RiskState(risk, by_id[risk.program_id], then))
    return sorted(states, key=lambda s: (-s.risk.score, s.risk.number))


def risk_movement(
    states: Sequence[RiskState], settings: WorkspaceSettings, *, since: dt.datetime, today: dt.date
) -> RiskMovement:
    """Of the risk `states` since `since`: the new, escalated, de-escalated and closed; open ones with no owner (or
    one who can no longer see a restricted program), no mitigation (unless accepted) or an overdue review; and those
    above the workspace's appetite."""
    moved = RiskMovement(since=since)
    for state in states:
        risk, owning = state.risk, state.program
        pair = (risk, owning)
        if state.closed:
            moved.closed.append(pair)
            continue
        now_band = band_for(risk.score, settings)
        if state.before is None:
            moved.new.append(pair)
        else:
            then_band = band_for(int(state.before["score"]), settings)
            rise = BAND_ORDER.index(now_band) - BAND_ORDER.index(then_band)
            if rise:
                (moved.escalated if rise > 0 else moved.de_escalated).append(Moved(risk, owning, then_band, now_band))
        if not _owned(risk, owning):
            moved.no_owner.append(pair)
        if not (risk.mitigation or "").strip() and risk.response != RiskResponse.ACCEPT:
            moved.no_mitigation.append(pair)
        if risk.review_date is not None and risk.review_date < today:
            moved.review_overdue.append(pair)
        if above_appetite(risk, settings):
            moved.above_appetite.append(pair)
    return moved


def _owned(risk: Risk, owning: Program) -> bool:
    """Whether someone owns the risk who may still see its program."""
    owner = risk.owner_id.strip()
    return bool(owner) and (not owning.restricted or owner == owning.owner_id or owner in owning.members)


def above_appetite(risk: Risk, settings: WorkspaceSettings) -> bool:
    """An open risk at or above the appetite band (without a mitigation, when the appetite asks for one)."""
    band = band_for(risk.score, settings)
    if BAND_ORDER.index(band) < BAND_ORDER.index(Band(settings.appetite_band)):
        return False
    return not (settings.appetite_needs_mitigation and (risk.mitigation or "").strip())


def heatmap_of(
    states: Sequence[RiskState], settings: WorkspaceSettings, *, scope: str, since: dt.datetime, today: dt.date
) -> Heatmap:
    """The heat map of the risk `states`, each with its move since `since` (new and closed marked)."""
    marks = tuple(
        HeatmapMark(
            ref=state.ref,
            cell=state.cell,
            previous=state.cell_before if state.cell_before != state.cell else None,
            new=state.new,
            closed=state.closed,
        )
        for state in states
    )
    thresholds = (settings.band_medium_min, settings.band_high_min, settings.band_critical_min)
    return Heatmap(scope=scope, today=today, since=since, thresholds=thresholds, marks=marks)


# Delivery health ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    """A milestone later than first planned: by `days`, done late or still expected on `expected`."""

    milestone: Milestone
    planned: dt.date  # the original date (kept when the milestone was re-planned)
    expected: dt.date  # when it was done, or when it can be done at the earliest
    done: bool

    @property
    def days(self) -> int:
        return (self.expected - self.planned).days


@dataclass
class DeliveryHealth:
    """One program's delivery over the last weeks: actions done on time and late, milestones slipped."""

    program: Program
    on_time: list[evidence.DoneAction] = field(default_factory=list)
    late: list[evidence.DoneAction] = field(default_factory=list)
    slipped: list[Slip] = field(default_factory=list)


def delivery_health(
    session: Session,
    team_id: str,
    program_list: Sequence[Program],
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    weeks: int = DELIVERY_WEEKS,
    open_milestones: Sequence[Milestone] | None = None,
) -> dict[int, DeliveryHealth]:
    """Per program: actions done in the last `weeks` on time (by their due day) or late, and the milestones
    open or done in that time that are later than first planned, by how many days (three queries; two when the
    programs' `open_milestones` were already read)."""
    today = now.astimezone(tz).date()
    start = now - dt.timedelta(weeks=weeks)
    by_id = {p.id: p for p in program_list if p.id is not None}
    health = {pid: DeliveryHealth(p) for pid, p in by_id.items()}
    for action in evidence.actions_done_since(session, team_id, list(by_id), start):
        done_on = action.done_at.astimezone(tz).date() if action.done_at else today
        (health[action.program_id].on_time if done_on <= action.due else health[action.program_id].late).append(action)
    if open_milestones is None:
        open_milestones = milestones.for_programs(session, list(by_id))
    recent = [*open_milestones, *milestones.done_since(session, list(by_id), start)]
    for milestone in sorted(recent, key=lambda m: (m.due, m.number)):
        slip = slip_of(milestone, today, tz)
        if slip is not None:
            health[milestone.program_id].slipped.append(slip)
    for item in health.values():
        item.slipped.sort(key=lambda s: (-s.days, s.planned))
    return health


def slip_of(milestone: Milestone, today: dt.date, tz: ZoneInfo) -> Slip | None:
    """How far a milestone is behind its original date; None when it is not."""
    planned = milestone.baseline_due or milestone.due
    if milestone.done_at is not None:
        expected, done = milestone.done_at.astimezone(tz).date(), True
    else:
        expected, done = max(milestone.due, today), False
    return Slip(milestone, planned, expected, done) if expected > planned else None


# Weekly RAG ---------------------------------------------------------------------------------------------


def timeline_of(
    session: Session,
    program_list: Sequence[Program],
    *,
    scope: str,
    today: dt.date,
    tz: ZoneInfo,
    weeks: int = TIMELINE_WEEKS,
) -> Timeline:
    """The status each program reported in each of the last `weeks` weeks (its last report that week)."""
    monday = today - dt.timedelta(days=today.weekday())
    starts = tuple(monday - dt.timedelta(weeks=n) for n in reversed(range(weeks)))
    first = dt.datetime.combine(starts[0], dt.time(), tzinfo=tz)
    by_week: dict[tuple[int, int], Rag] = {}
    for update in evidence.statuses_since(session, [p.id for p in program_list if p.id is not None], first):
        week = (update.created_at.astimezone(tz).date() - starts[0]).days // 7
        by_week[(update.program_id, week)] = update.rag  # oldest first: the week's last report wins
    rows = tuple(
        (p.key, tuple(by_week.get((p.id or 0, week)) for week in range(weeks)))
        for p in sorted(program_list, key=lambda p: p.key)
    )
    return Timeline(scope=scope, weeks=starts, rows=rows)


# Everything at once ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """The evidence of a set of programs since an instant: KPIs, risk movement, delivery and the pictures."""

    since: dt.datetime
    kpis: dict[int, list[KpiFacts]]
    movement: RiskMovement
    delivery: dict[int, DeliveryHealth]
    heatmap: Heatmap
    timeline: Timeline
    charts: list[KpiSeries]


def evidence_of(
    session: Session,
    team_id: str,
    program_list: Sequence[Program],
    *,
    scope: str,
    since: dt.datetime,
    now: dt.datetime,
    tz: ZoneInfo,
) -> Evidence:
    """Every piece of evidence about the given programs (a report's, or a digest's): one call, few queries."""
    today = now.astimezone(tz).date()
    charted = kpis.evidence(session, team_id, list(program_list), today=today, readings=kpis.CHART_READINGS)
    states = risk_states(session, team_id, program_list, since)
    settings = workspace_settings(session, team_id)
    return Evidence(
        since=since,
        kpis=charted,
        movement=risk_movement(states, settings, since=since, today=today),
        delivery=delivery_health(session, team_id, program_list, now=now, tz=tz),
        heatmap=heatmap_of(states, settings, scope=scope, since=since, today=today),
        timeline=timeline_of(session, program_list, scope=scope, today=today, tz=tz),
        charts=[kpis.series(f) for facts in charted.values() for f in facts if f.readings],
    )


# The pictures on demand ---------------------------------------------------------------------------------


class PictureRequest(Input):
    """A picture of one program, or of the portfolio when `key` is None."""

    key: str | None = None


def pictured(ctx: Context, key: str | None, audience: Audience) -> list[Program]:
    """The programs a picture of `key` (or the portfolio) may show where it goes; a restricted program asked for
    by name in a channel that may not see it is refused rather than left out."""
    if key is None or key.lower() == PORTFOLIO:
        return [p for p in visible_programs(ctx.session, ctx.actor) if audience.may_include(p)]
    found = find_program(ctx.session, ctx.actor, key)
    if not audience.may_include(found):
        raise Forbidden("picture_restricted", key=found.key, channel=audience.channel_id)
    return [found]


def since_last_digest(session: Session, team_id: str, scope: str, now: dt.datetime) -> dt.datetime:
    """When the last digest of `scope` (a KEY or the portfolio) went out, else a week ago."""
    return evidence.last_sent(session, team_id, DIGEST_KIND, scope) or now - LOOKBACK


@use_case(writes=False)
def heatmap(ctx: Context, data: PictureRequest) -> Reply:
    """The risk heat map of a program or the portfolio with movement since the last digest, shown where asked."""
    audience = shown_to(ctx.actor)
    shown = pictured(ctx, data.key, audience)
    scope = shown[0].key if data.key and data.key.lower() != PORTFOLIO else PORTFOLIO
    since = since_last_digest(ctx.session, ctx.team_id, scope, ctx.now)
    states = risk_states(ctx.session, ctx.team_id, shown, since)
    settings = workspace_settings(ctx.session, ctx.team_id)
    figure = heatmap_of(states, settings, scope=scope, since=since, today=ctx.today)
    movement = risk_movement(states, settings, since=since, today=ctx.today)
    answer = reply("heatmap_ready", figure=figure, movement=movement, programs=len(shown))
    answer.uploads = [Upload(figure, audience.channel_id)]
    return answer


@use_case(writes=False)
def trend(ctx: Context, data: PictureRequest) -> Reply:
    """Weekly RAG of a program or the portfolio over the last 12 weeks, shown where asked."""
    audience = shown_to(ctx.actor)
    shown = pictured(ctx, data.key, audience)
    scope = shown[0].key if data.key and data.key.lower() != PORTFOLIO else PORTFOLIO
    figure = timeline_of(ctx.session, shown, scope=scope, today=ctx.today, tz=ctx.tz)
    answer = reply("trend_ready", figure=figure)
    answer.uploads = [Upload(figure, audience.channel_id)]
    return answer
