"""Digests: the team digest of one program and the leadership digest of the portfolio; when they are due.

A digest is a summary message for the channel and detail messages for its thread.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlmodel import Session

from domain import changes
from domain.access import Actor, channel_viewer, may_post_in
from domain.bands import Band, band_for
from domain.context import Context
from domain.errors import Forbidden, Invalid
from domain.inputs import Input
from domain.lookup import program as find_program
from domain.messages import Message, Post, Reply, reply, use_case
from domain.portfolio import ProgramFacts, facts_for, portfolio
from store.models import Program, Rag
from store.settings import workspace_settings

DEFAULT_LOOKBACK = dt.timedelta(days=7)
UPCOMING_DAYS = 14
TOP_RISKS = 5
PROGRAMS_PER_DETAIL = 6
PORTFOLIO = "portfolio"
SUMMARY_KIND, DETAIL_KIND = "digest", "digest_detail"


@dataclass
class Digest:
    """The channel message and the thread replies of one digest."""

    summary: Message
    details: list[Message] = field(default_factory=list)

    def messages(self) -> list[Message]:
        return [self.summary, *self.details]

    def post(self, channel_id: str, *, dedupe_key: str, entity_ref: str) -> Post:
        """The summary as a channel post with the details in its thread."""
        return Post(
            channel_id,
            self.summary,
            entity_ref=entity_ref,
            kind=SUMMARY_KIND,
            dedupe_key=dedupe_key,
            thread=self.details,
        )


def program_digest(
    session: Session, program: Program, *, since: dt.datetime | None, now: dt.datetime, today: dt.date
) -> Digest:
    """The team digest of one program."""
    start = since or now - DEFAULT_LOOKBACK
    facts = facts_for(session, program.team_id, [program], today=today, now=now)[0]
    settings = workspace_settings(session, program.team_id)
    soon = today + dt.timedelta(days=UPCOMING_DAYS)
    context = {
        "f": facts,
        "program": program,
        "now": now,
        "today": today,
        "since": start,
        "upcoming": [m for m in facts.open_milestones if today <= m.due <= soon],
        "risks": [(r, band_for(r.score, settings)) for r in facts.risks[:TOP_RISKS]],
        "more_risks": max(0, len(facts.risks) - TOP_RISKS),
    }
    moved = changes.since(session, program.team_id, [program], start)
    current = facts.status.current
    context["decisions"] = [decision for decision, _ in moved.decisions]
    context["new_critical"] = moved.new_critical
    context["nothing_changed"] = moved.nothing and (current is None or current.created_at < start)
    return Digest(
        summary=Message("digest_program_summary", context), details=[Message("digest_program_detail", context)]
    )


def portfolio_digest(
    session: Session, viewer: Actor, *, since: dt.datetime | None, now: dt.datetime, today: dt.date
) -> Digest:
    """The leadership digest of every program `viewer` may see."""
    start = since or now - DEFAULT_LOOKBACK
    facts = portfolio(session, viewer, today=today, now=now)
    moved = changes.since(session, viewer.team_id, [f.program for f in facts], start)
    counts = {rag.value: sum(1 for f in facts if f.rag == rag) for rag in Rag}
    counts["none"] = sum(1 for f in facts if f.rag is None)
    context = {
        "facts": facts,
        "counts": counts,
        "changes": moved,
        "now": now,
        "today": today,
        "since": start,
        "red": [f for f in facts if f.rag == Rag.RED],
        "watermelons": [f for f in facts if f.watermelon],
        "stale": [f for f in facts if f.stale],
        "bands": Band,
    }
    details = [
        Message("digest_portfolio_detail", {**context, "chunk": chunk}) for chunk in _chunks(facts, PROGRAMS_PER_DETAIL)
    ]
    return Digest(summary=Message("digest_portfolio_summary", context), details=details)


def _chunks(items: list[ProgramFacts], size: int) -> list[list[ProgramFacts]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class DigestTarget(Input):
    """A program's digest, or the portfolio's when `key` is None; `channel_id` is where it goes."""

    key: str | None = None
    channel_id: str | None = None


def _target(ctx: Context, key: str | None) -> Program | None:
    return None if key is None or key.lower() == PORTFOLIO else find_program(ctx.session, ctx.actor, key)


def _build(ctx: Context, program: Program | None, channel_id: str | None) -> Digest:
    if program is not None:
        return program_digest(ctx.session, program, since=None, now=ctx.now, today=ctx.today)
    viewer = channel_viewer(ctx.team_id, channel_id) if channel_id else ctx.actor
    return portfolio_digest(ctx.session, viewer, since=None, now=ctx.now, today=ctx.today)


@use_case(writes=False)
def preview(ctx: Context, data: DigestTarget) -> Reply:
    """A program's digest, or the portfolio digest, as only the caller sees it."""
    digest = _build(ctx, _target(ctx, data.key), None)
    return reply("digest_preview", parts=digest.messages())


@use_case(writes=True)
def send(ctx: Context, data: DigestTarget) -> Reply:
    """Post a digest now: to `channel_id`, else the program's channel, else the caller's channel."""
    program = _target(ctx, data.key)
    channel = data.channel_id or (program.channel_id if program else None) or ctx.actor.channel_id
    if channel is None:
        raise Invalid("digest_needs_channel", field="channel_id")
    if program is not None and not may_post_in(program, channel):
        raise Forbidden("restricted_channel", key=program.key, channel=channel)
    digest = _build(ctx, program, channel)
    post = digest.post(
        channel, dedupe_key=f"digest-now:{uuid.uuid4().hex}", entity_ref=program.key if program else PORTFOLIO
    )
    answer = reply("digest_sent", program=program, channel=channel, parts=len(digest.messages()))
    answer.posts = [post]
    return answer
