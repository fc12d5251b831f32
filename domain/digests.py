"""Digests: the team digest of one program and the leadership digest of the portfolio.

A digest is a summary message for the channel and detail messages for its thread. The leadership summary answers,
in this order: the counts; what needs leadership (red and amber programs, their asks, evidence, critical risks and
overdue actions); what looks green but is not, and why; what improved, what has not reported, what was achieved;
risk movement and delivery health; totals. Program detail goes in the thread, with the heat map of the risks.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain import changes, checkins, evidence, links
from domain.access import Actor, channel_viewer, may_post_in
from domain.asks import is_overdue as ask_overdue
from domain.bands import Band, band_for
from domain.context import Context
from domain.dependencies import DependencySlip, named_in_own_channel, slips_for
from domain.errors import Conflict, Forbidden, Invalid
from domain.figures import Figure
from domain.inputs import Input
from domain.lookup import program as find_program
from domain.lookup import visible_programs
from domain.messages import Edit, Message, Post, Reply, reply, use_case
from domain.portfolio import ProgramFacts, facts_for, portfolio
from domain.stakeholders import maps_for
from store import audit, phases
from store.models import Program, Rag, StakeholderFunction
from store.settings import workspace_settings

DEFAULT_LOOKBACK = dt.timedelta(days=7)
UPCOMING_DAYS = 14
TOP_RISKS = 5
NEXT_ITEMS = 5
PROGRAMS_PER_DETAIL = 6
# The leadership summary keeps one shape whatever the portfolio's size, so it always fits one Slack message
# (bot/blocks.py cuts at about 11k characters): the worst programs in full, then lists that name a few and count
# the rest. Every program is in the thread.
SUMMARY_PROGRAMS = 4  # programs "Needs you" shows in full, red first
SUMMARY_WATERMELONS = 3  # programs "Looks green, isn't" shows in full
SUMMARY_NAMES = 8  # items a summary list names before it counts the rest
SEND_COOLDOWN = dt.timedelta(hours=1)  # between two sends of the same digest to the same channel
SENDS_LOOKED_AT = 50  # recent sends of one digest searched for the last one to a channel
PORTFOLIO = "portfolio"
UTC = ZoneInfo("UTC")
SUMMARY_KIND, DETAIL_KIND, FILE_KIND = "digest", "digest_detail", "digest_file"


@dataclass
class Digest:
    """The channel message and the thread replies of one digest."""

    summary: Message
    details: list[Message] = field(default_factory=list)
    files: list[Figure] = field(default_factory=list)  # pictures uploaded into the thread, after the details
    edits: list[Edit] = field(default_factory=list)  # once it is sent: the check-in DMs it names as unanswered

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
            files=self.files,
        )


def _refs(facts: list[ProgramFacts], moved: changes.Changes) -> list[str]:
    """Every item a digest may name that can have a channel post to link to."""
    refs = [f"{f.program.key}/status" for f in facts]
    refs += [f"R-{r.number}" for f in facts for r in f.risks]
    refs += [f"ASK-{a.number}" for a, _ in moved.answered_asks]
    refs += [f"D-{news.decision.number}" for news in moved.decisions]
    refs += [f"R-{r.number}" for r, _ in moved.closed_risks]
    return refs


def _nearest(facts: list[ProgramFacts], health: dict[int, evidence.DeliveryHealth]) -> dict[str, list[str]]:
    """Actions, milestones and asks rarely have a post of their own (an overdue action's ladder post, an answered
    ask's): each links to that, else to the post nearest to it (the risk an action treats, its program's status)."""
    nearest: dict[str, list[str]] = {}
    for f in facts:
        status = f"{f.program.key}/status"
        risk_refs = {r.id: f"R-{r.number}" for r in f.risks}
        for action in f.open_actions:
            treats = risk_refs.get(action.risk_id)
            nearest[f"A-{action.number}"] = [treats, status] if treats else [status]
        for milestone in f.open_milestones:
            nearest[f"M-{milestone.number}"] = [status]
        for ask in f.open_asks:
            nearest[f"ASK-{ask.number}"] = [status]
        for slip in health.get(f.program.id or 0, evidence.DeliveryHealth(f.program)).slipped:
            nearest[f"M-{slip.milestone.number}"] = [status]
    return nearest


@dataclass(frozen=True)
class _Proof:
    """What the "Risk & delivery" lines state: risk movement since the digest's start, delivery health."""

    movement: evidence.RiskMovement
    health: dict[int, evidence.DeliveryHealth]
    delivery: list[evidence.DeliveryHealth]  # in the digest's program order
    slips: list[tuple[evidence.Slip, Program]]  # the largest slip first
    states: list[evidence.RiskState]  # every risk then and now, for the heat map

    def context(self) -> dict[str, object]:
        return {"movement": self.movement, "delivery": self.delivery, "slips": self.slips}


def _proof(
    session: Session, team_id: str, facts: list[ProgramFacts], *, since: dt.datetime, now: dt.datetime, tz: ZoneInfo
) -> _Proof:
    shown = [f.program for f in facts]
    settings = workspace_settings(session, team_id)
    health = evidence.delivery_health(
        session, team_id, shown, now=now, tz=tz, open_milestones=[m for f in facts for m in f.open_milestones]
    )
    ordered = [health[f.program.id] for f in facts if f.program.id in health]
    slips = sorted(
        ((slip, d.program) for d in ordered for slip in d.slipped), key=lambda pair: (-pair[0].days, pair[0].planned)
    )
    states = evidence.risk_states(session, team_id, shown, since, [r for f in facts for r in f.risks])
    movement = evidence.risk_movement(states, settings, since=since, today=now.astimezone(tz).date())
    return _Proof(movement, health, ordered, slips, states)


def _owed(facts: ProgramFacts, today: dt.date) -> list[tuple[str, str, list[tuple[str, bool]]]]:
    """Who owes what in one program: (kind `user`|`function`, who, [(item ID, late)]), most items first."""
    owed: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    for action in facts.open_actions:
        owed.setdefault(("user", action.owner_id), []).append((f"A-{action.number}", action in facts.overdue_actions))
    for milestone in facts.open_milestones:
        owed.setdefault(("user", milestone.owner_id), []).append(
            (f"M-{milestone.number}", milestone in facts.slipped_milestones)
        )
    for ask in facts.open_asks:
        who = ("user", ask.to_user) if ask.to_user else ("function", ask.to_function or "")
        if who[1]:
            owed.setdefault(who, []).append((f"ASK-{ask.number}", ask_overdue(ask, today)))
    ranked = sorted(owed.items(), key=lambda entry: (-len(entry[1]), entry[0]))
    return [(kind, who, sorted(items, key=lambda item: not item[1])) for (kind, who), items in ranked]


def program_digest(
    session: Session,
    program: Program,
    *,
    since: dt.datetime | None,
    now: dt.datetime,
    today: dt.date,
    tz: ZoneInfo = UTC,
) -> Digest:
    """The team digest of one program: what changed, what is next, what is late, who owes what, its numbers,
    how its risks moved and how it delivered."""
    start = since or now - DEFAULT_LOOKBACK
    facts = facts_for(session, program.team_id, [program], today=today, now=now)[0]
    missed = checkins.unanswered(session, program.team_id, [program], now=now)
    proof = _proof(session, program.team_id, [facts], since=start, now=now, tz=tz)
    settings = workspace_settings(session, program.team_id)
    soon = today + dt.timedelta(days=UPCOMING_DAYS)
    moved = changes.since(session, program.team_id, [program], start)
    upcoming = sorted(
        [("M", m.number, m.title, m.due, m.owner_id) for m in facts.open_milestones if today <= m.due <= soon]
        + [("A", a.number, a.title, a.due, a.owner_id) for a in facts.open_actions if today <= a.due <= soon],
        key=lambda item: (item[3], item[0], item[1]),
    )
    context = {
        "f": facts,
        "program": program,
        "now": now,
        "today": today,
        "since": start,
        "changes": moved,
        "late": [
            *(("M", m.number, m.title, m.due, m.owner_id) for m in facts.slipped_milestones),
            *(("A", a.number, a.title, a.due, a.owner_id) for a in facts.overdue_actions),
            *(("ASK", a.number, a.text, a.due, a.to_user) for a in facts.open_asks if ask_overdue(a, today)),
        ],
        "next": upcoming[:NEXT_ITEMS],
        "more_next": max(0, len(upcoming) - NEXT_ITEMS),
        "owed": _owed(facts, today),
        "upcoming": [m for m in facts.open_milestones if today <= m.due <= soon],
        "risks": [(r, band_for(r.score, settings)) for r in facts.risks[:TOP_RISKS]],
        "more_risks": max(0, len(facts.risks) - TOP_RISKS),
        **proof.context(),
        "links": links.permalinks(session, program.team_id, _refs([facts], moved), _nearest([facts], proof.health)),
        "depends": slips_for(session, program.team_id, [program], today=today, named=named_in_own_channel)[
            program.id or 0
        ],
        "replanned": phases.slipped(session, program.id or 0),
        "missed": missed,
    }
    return Digest(
        summary=Message("digest_program_summary", context),
        details=[Message("digest_program_detail", context)],
        edits=checkins.missed_edits(missed),
    )


def portfolio_digest(
    session: Session,
    viewer: Actor,
    *,
    since: dt.datetime | None,
    now: dt.datetime,
    today: dt.date,
    tz: ZoneInfo = UTC,
) -> Digest:
    """The leadership digest of every program `viewer` may see (a channel, or one person for a preview), with the
    heat map of their risks for its thread."""
    start = since or now - DEFAULT_LOOKBACK
    facts = portfolio(session, viewer, today=today, now=now)
    missed = checkins.unanswered(session, viewer.team_id, [f.program for f in facts], now=now)
    proof = _proof(session, viewer.team_id, facts, since=start, now=now, tz=tz)
    moved = changes.since(session, viewer.team_id, [f.program for f in facts], start)
    counts = {rag.value: sum(1 for f in facts if f.rag == rag) for rag in Rag}
    counts["none"] = sum(1 for f in facts if f.rag is None)
    needs_you = [f for f in facts if f.rag in (Rag.RED, Rag.AMBER) or f.severe_issues]  # red first, as facts are
    context = {
        "facts": facts,
        "counts": counts,
        "changes": moved,
        "now": now,
        "today": today,
        "since": start,
        "needs_you": needs_you,
        "shown": SUMMARY_PROGRAMS,
        "watermelons_shown": SUMMARY_WATERMELONS,
        "named": SUMMARY_NAMES,
        "watermelons": [f for f in facts if f.watermelon],
        "quiet": [f for f in facts if f.never_reported]
        + [f for f in facts if (f.stale or f.program.id in missed) and not f.never_reported],
        "missed": missed,
        "overdue_total": sum(len(f.overdue_actions) for f in facts),
        # A person's preview may hold restricted programs a channel would not get: it says so, and marks them.
        "restricted_shown": bool(viewer.user_id) and any(f.program.restricted for f in facts),
        **proof.context(),
        "links": links.permalinks(session, viewer.team_id, _refs(facts, moved), _nearest(facts, proof.health)),
        "bands": Band,
        "depends": _dependency_slips(session, viewer.team_id, facts, today),
    }
    details = [
        Message("digest_portfolio_detail", {**context, "chunk": chunk}) for chunk in _chunks(facts, PROGRAMS_PER_DETAIL)
    ]
    settings = workspace_settings(session, viewer.team_id)
    heatmap = evidence.heatmap_of(proof.states, settings, scope=evidence.PORTFOLIO, since=start, today=today)
    return Digest(
        summary=Message("digest_portfolio_summary", context),
        details=details,
        files=[heatmap],
        edits=checkins.missed_edits(missed),
    )


def _dependency_slips(
    session: Session, team_id: str, facts: list[ProgramFacts], today: dt.date
) -> list[DependencySlip]:
    """Slipped milestones other programs depend on, among the programs the digest shows (each once)."""
    shown = {f.program.id for f in facts}
    flags = slips_for(
        session, team_id, [f.program for f in facts], today=today, named=lambda _about, other: other.id in shown
    )
    unique: list[DependencySlip] = []
    for flag in (flag for found in flags.values() for flag in found):
        if flag not in unique:
            unique.append(flag)
    return sorted(unique, key=lambda f: (-f.slip.days, f.upstream.key, f.dependent.key))


def _chunks(items: list[ProgramFacts], size: int) -> list[list[ProgramFacts]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class DigestTarget(Input):
    """A program's digest, or the portfolio's when `key` is None; `channel_id` is where it goes, or `function`:
    by DM to that function's people (of the program, or of every program the sender may see)."""

    key: str | None = None
    channel_id: str | None = None
    function: StakeholderFunction | None = None


def _target(ctx: Context, key: str | None) -> Program | None:
    return None if key is None or key.lower() == PORTFOLIO else find_program(ctx.session, ctx.actor, key)


def _build(ctx: Context, program: Program | None, channel_id: str | None) -> Digest:
    if program is not None:
        return program_digest(ctx.session, program, since=None, now=ctx.now, today=ctx.today, tz=ctx.tz)
    viewer = channel_viewer(ctx.team_id, channel_id) if channel_id else ctx.actor
    return portfolio_digest(ctx.session, viewer, since=None, now=ctx.now, today=ctx.today, tz=ctx.tz)


@use_case(writes=False)
def preview(ctx: Context, data: DigestTarget) -> Reply:
    """A program's digest, or the portfolio digest, as only the caller sees it."""
    digest = _build(ctx, _target(ctx, data.key), None)
    return reply("digest_preview", parts=digest.messages())


@use_case(writes=True)
def send(ctx: Context, data: DigestTarget) -> Reply:
    """Post a digest now: to `channel_id`, else the program's channel, else the caller's channel.

    Anyone may post a digest to the channel they are in; another channel is for admins and (for a program's
    digest) its owner. The same digest goes to the same channel at most once per SEND_COOLDOWN."""
    program = _target(ctx, data.key)
    if data.function is not None:
        return _send_to_function(ctx, program, data.function)
    channel = data.channel_id or (program.channel_id if program else None) or ctx.actor.channel_id
    if channel is None:
        raise Invalid("digest_needs_channel", field="channel_id")
    if channel != ctx.actor.channel_id and not (
        ctx.actor.is_admin or (program and program.owner_id == ctx.actor.user_id)
    ):
        raise Forbidden("digest_elsewhere", channel=channel, key=program.key if program else None)
    if program is not None and not may_post_in(program, channel):
        raise Forbidden("restricted_channel", key=program.key, channel=channel)
    which = program.key if program else PORTFOLIO
    _cool_down(ctx, which, "channel_id", channel)
    digest = _build(ctx, program, channel)
    post = digest.post(channel, dedupe_key=f"digest-now:{uuid.uuid4().hex}", entity_ref=which)
    ctx.record("digest", which, "send", program, None, {"channel_id": channel})
    answer = reply(
        "digest_sent", program=program, channel=channel, parts=len(digest.messages()), pictures=len(digest.files)
    )
    answer.posts = [post]
    answer.edits = digest.edits
    return answer


def _cool_down(ctx: Context, which: str, field_name: str, value: str) -> None:
    """A Conflict when the digest `which` went to the same place (`field_name` of its send's audit) within
    SEND_COOLDOWN."""
    sends = audit.history(ctx.session, ctx.team_id, "digest", which, limit=SENDS_LOOKED_AT)
    last = next((e for e in sends if (e.after or {}).get(field_name) == value), None)
    if last is not None and ctx.now - last.created_at < SEND_COOLDOWN:
        raise Conflict(
            "digest_just_sent",
            channel=value if field_name == "channel_id" else None,
            function=value if field_name == "function" else None,
            at=last.created_at,
            by=last.actor_id,
            again=last.created_at + SEND_COOLDOWN,
        )


def _send_to_function(ctx: Context, program: Program | None, function: StakeholderFunction) -> Reply:
    """A digest by DM to each of a function's people (admins; a program's owner for its digest): the program's
    people of that function, or those of every program the sender may see for the portfolio digest, each getting
    the digest as they may see it (their own view of the portfolio, without the channel's picture)."""
    if not (ctx.actor.is_admin or (program and program.owner_id == ctx.actor.user_id)):
        raise Forbidden("digest_to_function", function=function.value, key=program.key if program else None)
    scope = [program] if program else visible_programs(ctx.session, ctx.actor)
    people = sorted({p for m in maps_for(ctx.session, scope).values() for p in m.of_function(function)})
    if not people:
        raise Invalid(
            "digest_function_empty", field="function", function=function.value, key=program.key if program else None
        )
    which = program.key if program else PORTFOLIO
    _cool_down(ctx, which, "function", function.value)
    posts = []
    for person in people:
        if program is not None:
            digest = program_digest(ctx.session, program, since=None, now=ctx.now, today=ctx.today, tz=ctx.tz)
        else:
            viewer = Actor(team_id=ctx.team_id, user_id=person)
            digest = portfolio_digest(ctx.session, viewer, since=None, now=ctx.now, today=ctx.today, tz=ctx.tz)
        posts.append(
            Post(
                None,
                digest.summary,
                entity_ref=which,
                kind=SUMMARY_KIND,
                dedupe_key=f"digest-now:{uuid.uuid4().hex}",
                thread=digest.details,
                user_id=person,
            )
        )
    ctx.record("digest", which, "send", program, None, {"function": function.value, "people": people})
    answer = reply("digest_sent", program=program, function=function, people=people, parts=len(posts[0].thread) + 1)
    answer.posts = posts
    return answer
