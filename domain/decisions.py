"""The decision log (D-n, DACI): decisions are superseded, never edited away."""

from __future__ import annotations

import datetime as dt

from domain.access import require_cleared, require_owner_of
from domain.context import Context
from domain.errors import Conflict, Invalid
from domain.inputs import Input, NumberRef
from domain.lookup import item, program, visible_programs
from domain.messages import CHANNEL_POST, Edit, Message, Reply, post_to, reply, use_case
from domain.pages import page
from domain.stakeholders import maps_for
from store import decisions
from store.audit import snapshot
from store.ids import Kind, next_number, ref
from store.models import Decision, DecisionStatus, Program, Raci


class DecisionCreate(Input):
    key: str
    title: str
    decider_id: str | None = None  # the actor when not given
    rationale: str | None = None
    options: str | None = None
    context: str | None = None
    consulted: list[str] | None = None  # the program's Consulted stakeholders when not given
    informed: list[str] | None = None  # the program's Informed stakeholders when not given
    status: DecisionStatus = DecisionStatus.DECIDED
    source_permalink: str | None = None
    outcome: str | None = None  # what was decided, when it says more than the title
    driver_id: str | None = None  # the actor when not given (a register brought in names who drove it)
    decided_on: dt.date | None = None  # today when not given (a register brought in says when)


class DecisionSupersede(Input):
    old: int
    new: int


class DecisionEdit(Input):
    """Fields to change (None: unchanged). Once decided, an edit is a correction and says why (`correction`)."""

    number: int
    title: str | None = None
    rationale: str | None = None
    options: str | None = None
    correction: str | None = None


class DecisionQuery(Input):
    key: str | None = None  # every visible program when not given
    words: str | None = None
    since: dt.datetime | None = None


@use_case(writes=True)
def log(ctx: Context, data: DecisionCreate) -> Reply:
    """Log a decision; the actor is its driver (anyone who may see the program). Posted to the channel. Consulted
    and Informed not given are the program's stakeholders with those roles (who may see it)."""
    owning = program(ctx.session, ctx.actor, data.key)
    stakeholders = maps_for(ctx.session, [owning])[owning.id or 0]
    consulted = stakeholders.with_role(Raci.CONSULTED) if data.consulted is None else data.consulted
    informed = stakeholders.with_role(Raci.INFORMED) if data.informed is None else data.informed
    if not data.title.strip():
        raise Invalid("decision_needs_title", field="title")
    if data.status == DecisionStatus.SUPERSEDED:
        raise Invalid("new_decision_superseded", field="status")
    decider, driver = data.decider_id or ctx.actor.user_id, data.driver_id or ctx.actor.user_id
    named = {decider, *consulted, *informed} | ({driver} if data.driver_id else set())
    for person in named:
        require_cleared(ctx.actor, owning, person, "decision_person")
    decision = Decision(
        team_id=ctx.team_id,
        number=next_number(ctx.session, ctx.team_id, Kind.DECISION),
        program_id=owning.id or 0,
        title=data.title.strip(),
        decision=(data.outcome or "").strip() or data.title.strip(),
        rationale=data.rationale,
        options=data.options,
        context=data.context,
        driver_id=driver,
        decider_id=decider,
        consulted=sorted(set(consulted)),
        informed=sorted(set(informed)),
        status=data.status,
        source_permalink=data.source_permalink,
        decided_at=_decided_at(ctx, data) if data.status == DecisionStatus.DECIDED else None,
    )
    label = ref(Kind.DECISION, decision.number)
    ctx.created(decision, "decision", label, owning)
    context = {"program": owning, "decision": decision, "successor": None}
    return Reply(
        Message("decision_logged", {**context, "from_map": data.informed is None}),
        posts=post_to(owning.channel_id, Message("decision_post", context), label),
    )


def _decided_at(ctx: Context, data: DecisionCreate) -> dt.datetime:
    """Now, or the start of the day the decision was taken (not later than now)."""
    if data.decided_on is None:
        return ctx.now
    return min(ctx.now, dt.datetime.combine(data.decided_on, dt.time(), tzinfo=ctx.tz).astimezone(dt.UTC))


@use_case(writes=True)
def supersede(ctx: Context, data: DecisionSupersede) -> Reply:
    """Mark an older decision superseded by a later one (its decider, the program owner or an admin)."""
    # Both rows are locked (lowest number first, so two supersedes never wait on each other in a circle).
    for number in sorted({data.old, data.new}):
        item(ctx.session, ctx.actor, Decision, Kind.DECISION, number, lock=True)
    old, old_program = item(ctx.session, ctx.actor, Decision, Kind.DECISION, data.old)
    new, new_program = item(ctx.session, ctx.actor, Decision, Kind.DECISION, data.new)
    old_ref, new_ref = ref(Kind.DECISION, old.number), ref(Kind.DECISION, new.number)
    require_owner_of(ctx.actor, old_program, old.decider_id, "decider", "supersede", old_ref)
    if old.id == new.id:
        raise Invalid("supersede_itself")
    if old.status == DecisionStatus.SUPERSEDED:
        raise Conflict("already_superseded", ref=old_ref)
    if new.status == DecisionStatus.SUPERSEDED:
        raise Conflict("successor_superseded", ref=new_ref)
    if old_program.id != new_program.id:
        raise Invalid("decisions_in_other_programs", old=old_ref, new=new_ref)
    if new.number < old.number:
        raise Invalid("successor_older", old=old_ref, new=new_ref)
    with ctx.changing(old, "decision", old_ref, "supersede", old_program):
        old.status = DecisionStatus.SUPERSEDED
        old.superseded_by_id = new.id
    answer = reply("decision_superseded", old=old, new=new, program=old_program)
    answer.edits = [living(old, old_program, successor=new)]
    return answer


def living(decision: Decision, owning: Program, successor: Decision | None) -> Edit:
    """The decision's channel post as it stands now (corrected, or superseded and by what)."""
    context = {"program": owning, "decision": decision, "successor": successor}
    return Edit(ref(Kind.DECISION, decision.number), Message("decision_post", context), kind=CHANNEL_POST)


@use_case(writes=True)
def edit(ctx: Context, data: DecisionEdit) -> Reply:
    """Change a decision's title, rationale or options (its decider, the program owner or an admin): freely while
    it is proposed; after that only as an audited correction with a note saying why."""
    decision, owning = item(ctx.session, ctx.actor, Decision, Kind.DECISION, data.number, lock=True)
    label = ref(Kind.DECISION, decision.number)
    require_owner_of(ctx.actor, owning, decision.decider_id, "decider", "edit", label)
    note = (data.correction or "").strip()
    if decision.status != DecisionStatus.PROPOSED and not note:
        raise Invalid("decision_needs_correction", field="correction", ref=label, status=decision.status.value)
    if data.title is not None and not data.title.strip():
        raise Invalid("decision_needs_title", field="title")
    before = snapshot(decision)
    changes = data.model_dump(exclude={"number", "correction"}, exclude_none=True)
    for name, value in changes.items():
        setattr(decision, name, value.strip())
    if "title" in changes:
        decision.decision = decision.title
    if snapshot(decision) == before:
        raise Invalid("nothing_to_change", example=f"/decision edit {label} why:...")
    ctx.session.add(decision)
    after = {**(snapshot(decision) or {}), **({"correction": note} if note else {})}
    ctx.record("decision", label, "correct" if note else "edit", owning, before, after)
    answer = reply("decision_edited", decision=decision, program=owning, correction=note or None)
    answer.edits = [living(decision, owning, decisions.by_id(ctx.session, decision.superseded_by_id))]
    return answer


@use_case(writes=False)
def list_(ctx: Context, data: DecisionQuery) -> Reply:
    """Decisions, newest first, optionally matching words and logged since an instant."""
    scope = [program(ctx.session, ctx.actor, data.key)] if data.key else visible_programs(ctx.session, ctx.actor)
    found = decisions.query(ctx.session, ctx.team_id, [p.id or 0 for p in scope], words=data.words, since=data.since)
    keys = {p.id: p.key for p in scope}
    filtered = bool(data.key or data.words or data.since)
    return reply("decision_list", page=page([(d, keys[d.program_id]) for d in found]), filtered=filtered)


@use_case(writes=False)
def show(ctx: Context, data: NumberRef) -> Reply:
    """One decision in full, with what superseded it."""
    decision, owning = item(ctx.session, ctx.actor, Decision, Kind.DECISION, data.number)
    successor = decisions.by_id(ctx.session, decision.superseded_by_id)
    return reply("decision_show", decision=decision, program=owning, successor=successor)
