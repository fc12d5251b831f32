"""A person's Home tab: what is theirs to do, and their programs, among what they may see."""

from __future__ import annotations

from domain.actions import is_overdue
from domain.context import Context
from domain.inputs import Nothing
from domain.issues import is_severe
from domain.messages import Reply, reply, use_case
from domain.portfolio import portfolio
from domain.stakeholders import maps_for

ROWS = 6  # rows of each list shown (with "and N more"), so the tab stays within Slack's block limit


@use_case(writes=False)
def home(ctx: Context, _data: Nothing) -> Reply:
    """Their open actions (overdue first), their risks by review date, the programs they own or are members of
    (each with its stakeholders, compact, its budget and its staffing), and the open issues they own (most severe
    first)."""
    me = ctx.actor.user_id
    facts = portfolio(ctx.session, ctx.actor, today=ctx.today, now=ctx.now)
    actions = [(a, f.program) for f in facts for a in f.open_actions if a.owner_id == me]
    actions.sort(key=lambda pair: (not is_overdue(pair[0], ctx.today), pair[0].due, pair[0].number))
    risks = [(r, f.program) for f in facts for r in f.risks if r.owner_id == me]
    risks.sort(key=lambda pair: (pair[0].review_date is None, pair[0].review_date, -pair[0].score))
    mine = [f for f in facts if f.program.owner_id == me or me in f.program.members]
    overdue = sum(1 for a, _p in actions if is_overdue(a, ctx.today))
    reviews = sum(1 for r, _p in risks if r.review_date is not None and r.review_date <= ctx.today)
    stale = sum(1 for f in mine if f.stale or f.never_reported)
    issues = [(i, f.program) for f in facts for i in f.open_issues if i.owner_id == me]
    issues.sort(key=lambda pair: (pair[0].severity, pair[0].number))
    return reply(
        "home",
        actions=actions,
        risks=risks,
        programs=mine,
        attention={
            "overdue": overdue,
            "reviews": reviews,
            "stale": stale,
            "severe": sum(is_severe(i) for i, _ in issues),
        },
        today=ctx.today,
        now=ctx.now,
        shown=ROWS,
        people=maps_for(ctx.session, [f.program for f in mine[:ROWS]]),
        issues=issues,
    )
