"""Issues (I-n): risks that happened and problems that emerged, with a severity (1 worst to 4), their measured
impact and an owner. Raising one from a risk closes that risk as materialised. Open severe issues (severity 1
or 2) are what leadership sees first in the digest's "Needs you". A severity-1 issue is also an escalation
alert, like a critical risk: an incident is happening now, and it cannot wait for the next digest."""

from __future__ import annotations

from pydantic import Field

from domain import escalation, risks
from domain.access import require_cleared
from domain.context import Context
from domain.errors import Conflict, Invalid, NotFound
from domain.inputs import Input, NumberRef
from domain.lookup import item, item_to_change, program, visible_programs
from domain.messages import Message, Reply, post_to, reply, use_case
from domain.pages import page
from store import actions, issues
from store.ids import Kind, next_number, ref
from store.models import Issue, IssueStatus, Risk, RiskStatus

SEVERE_AT = 2  # severity 1 and 2 are severe
ESCALATE_AT = 1  # severity 1 raises an escalation alert (the top of the scale, like a critical risk)


def is_severe(issue: Issue) -> bool:
    return issue.severity <= SEVERE_AT


class IssueCreate(Input):
    key: str
    title: str
    severity: int = Field(ge=1, le=4)
    impact: str
    risk_number: int | None = None  # the risk that materialised (R-n of the same program)
    owner_id: str | None = None  # the one raising it when not given


class IssueResolve(Input):
    number: int
    resolution: str | None = None


class IssueQuery(Input):
    key: str | None = None  # every visible program when not given


@use_case(writes=True)
def raise_(ctx: Context, data: IssueCreate) -> Reply:
    """Raise an issue on a program (anyone who may see it); from a risk (its owner, the program owner or an
    admin), which is then closed as materialised (and its alert with it). Posted to the program's channel; a
    severity-1 issue as an escalation alert, to the escalation channel too."""
    owning = program(ctx.session, ctx.actor, data.key)
    if owning.archived_at is not None:
        raise Conflict("archived", key=owning.key, act="add_issue")
    title, impact = data.title.strip(), data.impact.strip()
    if not title:
        raise Invalid("issue_needs_title", field="title")
    if not impact:
        raise Invalid("issue_needs_impact", field="impact", key=owning.key)
    owner = data.owner_id or ctx.actor.user_id
    require_cleared(ctx.actor, owning, owner, "issue_owner")
    risk = _materialised(ctx, data.risk_number, owning.id or 0)
    issue = Issue(
        team_id=ctx.team_id,
        number=next_number(ctx.session, ctx.team_id, Kind.ISSUE),
        program_id=owning.id or 0,
        title=title,
        severity=data.severity,
        impact=impact,
        risk_id=risk.id if risk else None,
        owner_id=owner,
        created_by=ctx.actor.user_id,
    )
    label = ref(Kind.ISSUE, issue.number)
    ctx.created(issue, "issue", label, owning)
    if risk is not None:
        with ctx.changing(risk, "risk", ref(Kind.RISK, risk.number), "close", owning):
            risk.status = RiskStatus.CLOSED
            risk.close_reason = f"materialised as {label}"
            risk.closed_at = ctx.now
            risk.updated_at = ctx.now
    context = {"issue": issue, "program": owning, "risk": risk, "severe": is_severe(issue)}
    answer = reply("issue_raised", **context)
    if risk is not None:  # its alert and its channel post say it is closed
        answer.edits = escalation.resolve(
            ctx, kind=escalation.RISK_CRITICAL, program=owning, entity_ref=ref(Kind.RISK, risk.number)
        )
        answer.edits.append(risks.living(ctx, risk, owning))
    post = Message("issue_post", context)
    if issue.severity <= ESCALATE_AT:
        answer.posts = escalation.raise_alert(
            ctx, kind=escalation.ISSUE_SEVERE, program=owning, entity_ref=label, body=post
        )
        if answer.posts:
            return answer
    answer.posts = post_to(owning.channel_id, post, label)
    return answer


def _materialised(ctx: Context, number: int | None, program_id: int) -> Risk | None:
    """The open risk R-`number` of the same program that the issue comes from, when the actor may close it."""
    if number is None:
        return None
    risk, owning, label = item_to_change(
        ctx.session, ctx.actor, Risk, Kind.RISK, number, role="risk_owner", act="close"
    )
    if owning.id != program_id:
        raise NotFound(label)
    if risk.status == RiskStatus.CLOSED:
        raise Conflict("already_closed", ref=label)
    return risk


@use_case(writes=True)
def resolve(ctx: Context, data: IssueResolve) -> Reply:
    """Resolve an issue (its owner, the program owner or an admin); its escalation alert, if any, is closed."""
    issue, owning, label = item_to_change(
        ctx.session, ctx.actor, Issue, Kind.ISSUE, data.number, role="issue_owner", act="resolve"
    )
    if issue.status == IssueStatus.RESOLVED:
        raise Conflict("issue_resolved_already", ref=label)
    with ctx.changing(issue, "issue", label, "resolve", owning):
        issue.status = IssueStatus.RESOLVED
        issue.resolution = (data.resolution or "").strip() or None
        issue.resolved_at = ctx.now
        issue.resolved_by = ctx.actor.user_id
    answer = reply("issue_resolved", issue=issue, program=owning, age=(ctx.now - issue.created_at).days)
    answer.edits = escalation.resolve(ctx, kind=escalation.ISSUE_SEVERE, program=owning, entity_ref=label)
    return answer


@use_case(writes=False)
def list_(ctx: Context, data: IssueQuery) -> Reply:
    """Open issues, most severe first, of one program or every program the actor may see."""
    scope = [program(ctx.session, ctx.actor, data.key)] if data.key else visible_programs(ctx.session, ctx.actor)
    by_id = {p.id: p for p in scope}
    found = issues.open_for_programs(ctx.session, ctx.team_id, [p.id for p in scope if p.id is not None])
    rows = [(i, by_id[i.program_id], is_severe(i)) for i in found]
    return reply("issue_list", page=page(rows, 25), filtered=data.key is not None, now=ctx.now)


@use_case(writes=False)
def show(ctx: Context, data: NumberRef) -> Reply:
    """One issue, with the actions working on it."""
    issue, owning = item(ctx.session, ctx.actor, Issue, Kind.ISSUE, data.number)
    linked = actions.for_issue(ctx.session, issue.id or 0)
    return reply(
        "issue_show", issue=issue, program=owning, severe=is_severe(issue), now=ctx.now, actions=linked, today=ctx.today
    )
