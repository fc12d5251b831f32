"""The risk register (R-n): 5x5 scoring, owners, reviews; closed with a reason, never deleted."""

from __future__ import annotations

import datetime as dt

from domain import escalation
from domain.access import require_cleared
from domain.bands import ALERT_BANDS, Band, band_for, band_range, rose, score
from domain.context import Context
from domain.errors import Conflict, Invalid
from domain.inputs import Input, NumberRef
from domain.lookup import item, item_to_change, program, visible_programs
from domain.messages import CHANNEL_POST, Edit, Message, Post, Reply, post_to, reply, tell, use_case
from domain.pages import page
from store import risks
from store.audit import snapshot
from store.ids import Kind, next_number, ref
from store.models import Program, Risk, RiskResponse, RiskStatus
from store.settings import workspace_settings

REVIEW_EVERY_DAYS = 14


class RiskCreate(Input):
    key: str
    title: str
    likelihood: int
    impact: int
    owner_id: str | None = None  # the actor when not given
    review_date: dt.date | None = None
    mitigation: str | None = None
    response: RiskResponse = RiskResponse.MITIGATE
    category: str | None = None
    trigger: str | None = None
    source_permalink: str | None = None  # the message it was added from


class RiskUpdate(Input):
    """Fields to change; None means unchanged."""

    number: int
    likelihood: int | None = None
    impact: int | None = None
    owner_id: str | None = None
    review_date: dt.date | None = None
    mitigation: str | None = None
    response: RiskResponse | None = None
    status: RiskStatus | None = None
    category: str | None = None
    trigger: str | None = None
    title: str | None = None


class RiskClose(Input):
    number: int
    reason: str


class RiskReview(Input):
    number: int
    next_review: dt.date | None = None  # two weeks on when not given


class RiskQuery(Input):
    key: str | None = None  # every visible program when not given
    band: Band | None = None
    owner_id: str | None = None
    include_closed: bool = False


@use_case(writes=True)
def add(ctx: Context, data: RiskCreate) -> Reply:
    """Add a risk to a program (anyone who may see it). High and critical risks are posted; critical alerts."""
    owning = program(ctx.session, ctx.actor, data.key)
    if owning.archived_at is not None:
        raise Conflict("archived", key=owning.key, act="add_risk")
    if not data.title.strip():
        raise Invalid("risk_needs_title", field="title")
    _check_scales(data.likelihood, data.impact)
    owner = data.owner_id or ctx.actor.user_id
    require_cleared(ctx.actor, owning, owner, "risk_owner")
    risk = Risk(
        team_id=ctx.team_id,
        number=next_number(ctx.session, ctx.team_id, Kind.RISK),
        program_id=owning.id or 0,
        title=data.title.strip(),
        likelihood=data.likelihood,
        impact=data.impact,
        score=score(data.likelihood, data.impact),
        owner_id=owner,
        review_date=data.review_date,
        mitigation=data.mitigation,
        response=data.response,
        category=data.category,
        trigger=data.trigger,
        created_by=ctx.actor.user_id,
        source_permalink=data.source_permalink,
    )
    ctx.created(risk, "risk", ref(Kind.RISK, risk.number), owning)
    band = band_for(risk.score, workspace_settings(ctx.session, ctx.team_id))
    context = {"program": owning, "risk": risk, "band": band, "today": ctx.today}
    answer = _announce(
        ctx, Reply(Message("risk_added", context)), owning, risk, context, before=None, band=band, new=True
    )
    answer.posts += _tell_owner(ctx, risk, owning, band)
    return answer


def _tell_owner(ctx: Context, risk: Risk, owning: Program, band: Band) -> list[Post]:
    """A DM to the risk's owner when someone else made them its owner."""
    label = ref(Kind.RISK, risk.number)
    context = {"ref": label, "title": risk.title, "program": owning, "by": ctx.actor.user_id, "what": "risk"}
    return tell(ctx, risk.owner_id, Message("assigned_dm", {**context, "band": band, "due": risk.review_date}), label)


@use_case(writes=True)
def update(ctx: Context, data: RiskUpdate) -> Reply:
    """Change a risk (its owner, the program owner or an admin); the score follows the scales."""
    risk, owning, label = item_to_change(
        ctx.session, ctx.actor, Risk, Kind.RISK, data.number, role="risk_owner", act="update"
    )
    if risk.status == RiskStatus.CLOSED:
        raise Conflict("risk_closed", ref=label)
    if data.status == RiskStatus.CLOSED:
        raise Invalid("close_with_reason", field="status", ref=label)
    _check_scales(data.likelihood, data.impact)  # before any field changes: a refused update changes nothing
    if data.owner_id is not None:
        require_cleared(ctx.actor, owning, data.owner_id, "risk_owner")
    settings = workspace_settings(ctx.session, ctx.team_id)
    before_score, before_band, owner_before = risk.score, band_for(risk.score, settings), risk.owner_id
    with ctx.changing(risk, "risk", label, "update", owning) as before:
        for name, value in data.model_dump(exclude={"number"}, exclude_none=True).items():
            setattr(risk, name, value)
        risk.score = score(risk.likelihood, risk.impact)
        if snapshot(risk) == before:
            raise Invalid("nothing_to_change", example=f"/risk update {label} impact:3")
        risk.updated_at = ctx.now
    band = band_for(risk.score, settings)
    context = {
        "program": owning,
        "risk": risk,
        "band": band,
        "before_score": before_score,
        "before_band": before_band,
        "today": ctx.today,
    }
    answer = _announce(
        ctx, Reply(Message("risk_updated", context)), owning, risk, context, before=before_band, band=band
    )
    if risk.owner_id != owner_before:
        answer.posts += _tell_owner(ctx, risk, owning, band)
    return answer


@use_case(writes=True)
def close(ctx: Context, data: RiskClose) -> Reply:
    """Close a risk with a reason (its owner, the program owner or an admin)."""
    risk, owning, label = item_to_change(
        ctx.session, ctx.actor, Risk, Kind.RISK, data.number, role="risk_owner", act="close"
    )
    if risk.status == RiskStatus.CLOSED:
        raise Conflict("already_closed", ref=label)
    if not data.reason.strip():
        raise Invalid("close_needs_reason", field="reason", ref=label)
    with ctx.changing(risk, "risk", label, "close", owning):
        risk.status = RiskStatus.CLOSED
        risk.close_reason = data.reason.strip()
        risk.closed_at = ctx.now
        risk.updated_at = ctx.now
    answer = reply("risk_closed", risk=risk, program=owning)
    answer.edits = escalation.resolve(ctx, kind=escalation.RISK_CRITICAL, program=owning, entity_ref=label)
    answer.edits.append(living(ctx, risk, owning))
    return answer


@use_case(writes=True)
def review(ctx: Context, data: RiskReview) -> Reply:
    """Record a review that keeps the scores and sets the next review date."""
    risk, owning, label = item_to_change(
        ctx.session, ctx.actor, Risk, Kind.RISK, data.number, role="risk_owner", act="review"
    )
    if risk.status == RiskStatus.CLOSED:
        raise Conflict("closed_not_reviewed", ref=label)
    with ctx.changing(risk, "risk", label, "review", owning):
        risk.reviewed_at = ctx.now
        risk.review_date = data.next_review or ctx.today + dt.timedelta(days=REVIEW_EVERY_DAYS)
    return reply("risk_reviewed", risk=risk, program=owning, today=ctx.today)


@use_case(writes=True)
def reopen(ctx: Context, data: NumberRef) -> Reply:
    """Undo a close: the risk is open again with its scores (its owner, the program owner or an admin); a
    critical one alerts again."""
    risk, owning, label = item_to_change(
        ctx.session, ctx.actor, Risk, Kind.RISK, data.number, role="risk_owner", act="reopen"
    )
    if risk.status != RiskStatus.CLOSED:
        raise Conflict("not_closed", ref=label)
    with ctx.changing(risk, "risk", label, "reopen", owning):
        risk.status = RiskStatus.OPEN
        risk.closed_at = None
        risk.close_reason = None  # the reason it was closed stays in its audit trail
        risk.updated_at = ctx.now
    band = band_for(risk.score, workspace_settings(ctx.session, ctx.team_id))
    context = {"program": owning, "risk": risk, "band": band, "today": ctx.today}
    return _announce(ctx, Reply(Message("risk_reopened", context)), owning, risk, context, before=None, band=band)


@use_case(writes=False)
def list_(ctx: Context, data: RiskQuery) -> Reply:
    """Open risks by score, highest first."""
    scope = [program(ctx.session, ctx.actor, data.key)] if data.key else visible_programs(ctx.session, ctx.actor)
    settings = workspace_settings(ctx.session, ctx.team_id)
    found = risks.query(
        ctx.session,
        ctx.team_id,
        [p.id or 0 for p in scope],
        scores=band_range(data.band, settings) if data.band else None,
        owner_id=data.owner_id,
        include_closed=data.include_closed,
    )
    keys = {p.id: p.key for p in scope}
    rows = [(r, band_for(r.score, settings), keys[r.program_id]) for r in found]
    filtered = bool(data.key or data.band or data.owner_id)
    return reply("risk_list", page=page(rows), filtered=filtered, today=ctx.today)


@use_case(writes=False)
def show(ctx: Context, data: NumberRef) -> Reply:
    """One risk in full."""
    risk, owning = item(ctx.session, ctx.actor, Risk, Kind.RISK, data.number)
    band = band_for(risk.score, workspace_settings(ctx.session, ctx.team_id))
    return reply("risk_show", risk=risk, program=owning, band=band, today=ctx.today)


def living(ctx: Context, risk: Risk, owning: Program) -> Edit:
    """The risk's channel posts as it stands now (score, band, status, or closed and why)."""
    band = band_for(risk.score, workspace_settings(ctx.session, ctx.team_id))
    context = {"program": owning, "risk": risk, "band": band, "today": ctx.today}
    return Edit(ref(Kind.RISK, risk.number), Message("risk_post", context), kind=CHANNEL_POST)


def _check_scales(likelihood: int | None, impact: int | None) -> None:
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if value is not None and not 1 <= value <= 5:
            raise Invalid("out_of_scale", field=name, name=name, got=value)


def _announce(
    ctx: Context,
    answer: Reply,
    owning: Program,
    risk: Risk,
    context: dict[str, object],
    *,
    before: Band | None,
    band: Band,
    new: bool = False,
) -> Reply:
    """Post a risk that rose to high to the channel; alert on one that became critical; resolve on a fall. A `new`
    risk has no posts to keep current and no alert to resolve yet."""
    label = ref(Kind.RISK, risk.number)
    risen = rose(before, band)
    post = Message("risk_post", context)
    if not new:
        answer.edits.append(living(ctx, risk, owning))
    if band == Band.CRITICAL and risen:
        answer.posts = escalation.raise_alert(
            ctx, kind=escalation.RISK_CRITICAL, program=owning, entity_ref=label, body=post
        )
        if answer.posts:
            return answer
    if band != Band.CRITICAL and not new:
        answer.edits += escalation.resolve(ctx, kind=escalation.RISK_CRITICAL, program=owning, entity_ref=label)
    if band in ALERT_BANDS and risen:
        answer.posts = post_to(owning.channel_id, post, label)
    return answer
