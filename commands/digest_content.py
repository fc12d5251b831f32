"""Digest content: the team digest of one program and the leadership digest of the portfolio.

A digest is a short summary message for the channel and detail messages for its thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session

from commands.reply import Message
from store import changes, outbox
from store.access import Actor
from store.bands import Band, band_for, workspace_settings
from store.models import Program, Rag
from store.portfolio import ProgramFacts, facts_for, portfolio

DEFAULT_LOOKBACK = dt.timedelta(days=7)
UPCOMING_DAYS = 14
TOP_RISKS = 5
PROGRAMS_PER_DETAIL = 6


@dataclass
class Digest:
    """The channel message and the thread replies of one digest."""

    summary: Message
    details: list[Message] = field(default_factory=list)

    def messages(self) -> list[Message]:
        return [self.summary, *self.details]


def channel_viewer(team_id: str, channel_id: str) -> Actor:
    """What a channel may see: public programs plus restricted ones that list this channel."""
    return Actor(team_id=team_id, user_id="", channel_id=channel_id, is_admin=False)


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


def enqueue_digest(
    session: Session, *, team_id: str, channel_id: str, digest: Digest, dedupe_key: str, entity_ref: str
) -> list[int]:
    """Queue a digest: the summary, then each detail as a reply in its thread. [] if already queued."""
    summary = outbox.enqueue(
        session,
        team_id=team_id,
        dedupe_key=dedupe_key,
        kind="digest",
        markup=digest.summary.markup(),
        channel_id=channel_id,
        entity_ref=entity_ref,
    )
    if summary is None or summary.id is None:
        return []
    details = [
        outbox.Outgoing(
            dedupe_key=f"{dedupe_key}#{index}",
            kind="digest_detail",
            markup=detail.markup(),
            channel_id=channel_id,
            thread_parent_id=summary.id,
            entity_ref=entity_ref,
        )
        for index, detail in enumerate(digest.details, start=1)
    ]
    queued = outbox.enqueue_many(session, team_id=team_id, messages=details)  # one INSERT, not one per reply
    return [summary.id, *(queued[d.dedupe_key] for d in details if d.dedupe_key in queued)]
