"""Programs: create, edit, report RAG status, archive; list and show."""

from __future__ import annotations

import datetime as dt
import re

from domain import asks, escalation, living
from domain.access import require_program_owner
from domain.asks import AskTo
from domain.bands import band_for
from domain.context import Context
from domain.errors import Conflict, Invalid
from domain.inputs import Input
from domain.lookup import program as find_program
from domain.lookup import program_to_change
from domain.messages import Message, Post, Reply, reply, use_case
from domain.pages import page
from domain.portfolio import facts_for, portfolio
from domain.status import DIMENSIONS, ProgramStatus, status_of, worst
from store import actions, decisions, programs, risks
from store.audit import snapshot
from store.ids import parse_ref
from store.models import Confidence, Program, Rag, StatusUpdate
from store.settings import workspace_settings

KEY_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")


class ProgramRef(Input):
    """One program, by key."""

    key: str


class ProgramCreate(Input):
    key: str
    name: str
    owner_id: str | None = None  # the actor when not given
    channel_id: str | None = None
    target_date: dt.date | None = None
    restricted: bool = False
    members: list[str] = []
    allowed_channels: list[str] = []


class ProgramEdit(Input):
    """Fields to change; None means unchanged; members and allowed channels replace the old lists."""

    key: str
    name: str | None = None
    owner_id: str | None = None
    channel_id: str | None = None
    target_date: dt.date | None = None
    restricted: bool | None = None
    members: list[str] | None = None
    allowed_channels: list[str] | None = None
    checkin: str | None = None  # `thu@14:00` or `off` (validated by the grammar)


class StatusReport(Input):
    """A RAG report; `asks` is what the program asks of someone (`ask_to`: a person's ID or a function such as
    Finance), answered by `ask_by`. Schedule, budget, scope and people may be rated apart; the overall `rag` is
    the one given, else the worst of those. `path_to_green` and `confidence` forecast the recovery."""

    key: str
    rag: Rag | None = None
    schedule: Rag | None = None
    budget: Rag | None = None
    scope: Rag | None = None
    people: Rag | None = None
    path_to_green: str | None = None
    confidence: Confidence | None = None
    summary: str = ""
    asks: str | None = None
    ask_to: AskTo | None = None
    ask_by: dt.date | None = None
    source_permalink: str | None = None  # the message it was recorded from


class ProgramQuery(Input):
    status: Rag | None = None
    owner_id: str | None = None
    include_archived: bool = False


def validate_key(key: str) -> str:
    """Program keys: letters, digits and dashes, stored upper-case."""
    key = key.upper()
    if not KEY_PATTERN.match(key) or parse_ref(key) is not None:
        raise Invalid("bad_key", field="key", key=key)
    return key


@use_case(writes=True)
def create(ctx: Context, data: ProgramCreate) -> Reply:
    """Create a program; keys are unique per workspace, archived ones included."""
    key = validate_key(data.key)
    if not data.name.strip():
        raise Invalid("program_needs_title", field="name")
    if programs.key_taken(ctx.session, ctx.team_id, key):
        raise Conflict("key_taken", field="key", key=key)
    program = Program(
        team_id=ctx.team_id,
        key=key,
        name=data.name.strip(),
        owner_id=data.owner_id or ctx.actor.user_id,
        channel_id=data.channel_id,
        target_date=data.target_date,
        restricted=data.restricted,
        members=sorted(set(data.members)),
        allowed_channels=sorted(set(data.allowed_channels)),
        created_by=ctx.actor.user_id,
    )
    ctx.created(program, "program", key, program)
    return reply("program_created", program=program)


@use_case(writes=True)
def edit(ctx: Context, data: ProgramEdit) -> Reply:
    """Change a program's details (owner or admin)."""
    program = program_to_change(ctx.session, ctx.actor, data.key, "edit")
    with ctx.changing(program, "program", program.key, "edit", program) as before:
        for name, value in data.model_dump(exclude={"key"}, exclude_none=True).items():
            setattr(program, name, sorted(set(value)) if isinstance(value, list) else value)
        if snapshot(program) == before:
            raise Invalid("nothing_to_change", example=f"/program edit {program.key} due:2027-03-31")
        program.updated_at = ctx.now
    return reply("program_edited", program=program)


@use_case(writes=True)
def reaffirm_status(ctx: Context, data: ProgramRef) -> Reply:
    """ "No change" to a check-in (owner or admin): the last RAG, summary and asks stand as a new, current report."""
    program = program_to_change(ctx.session, ctx.actor, data.key, "status")
    before = status_of(ctx.session, [program])[program.id or 0].current
    if before is None:
        raise Invalid("nothing_to_reaffirm", key=program.key)
    update = StatusUpdate(
        team_id=ctx.team_id,
        program_id=program.id or 0,
        rag=before.rag,
        summary=before.summary,
        asks=before.asks,
        author_id=ctx.actor.user_id,
    )
    ctx.session.add(update)
    program.updated_at = ctx.now
    ctx.session.add(program)
    ctx.record("program", program.key, "reaffirm", program, snapshot(before), update)
    answer = reply("status_reaffirmed", program=program, update=update, now=ctx.now)
    answer.edits = [living.checkin_answered(program, update, before, at=ctx.now.astimezone(ctx.tz), kept=True)]
    return answer


@use_case(writes=True)
def report_status(ctx: Context, data: StatusReport) -> Reply:
    """Record a RAG report (owner or admin); amber and red need a summary saying why. Red raises an alert."""
    program = program_to_change(ctx.session, ctx.actor, data.key, "status")
    rated = {name: getattr(data, name) for name in DIMENSIONS if getattr(data, name) is not None}
    rag = data.rag or worst(list(rated.values()))
    if rag is None:
        raise Invalid("status_needs_rating", field="rag", key=program.key)
    if rag != Rag.GREEN and not data.summary.strip():
        raise Invalid("status_needs_summary", field="summary", rag=rag.value, key=program.key)
    asked = (data.asks or "").strip()
    if not asked and (data.ask_to is not None or data.ask_by is not None):
        raise Invalid("ask_needs_text", field="asks", key=program.key)
    before = status_of(ctx.session, [program])[program.id or 0]
    update = StatusUpdate(
        team_id=ctx.team_id,
        program_id=program.id or 0,
        rag=rag,
        summary=data.summary.strip(),
        asks=asked or None,
        path_to_green=(data.path_to_green or "").strip() or None,
        confidence=data.confidence,
        **rated,
        author_id=ctx.actor.user_id,
        source_permalink=data.source_permalink,
    )
    ctx.session.add(update)
    program.updated_at = ctx.now
    ctx.session.add(program)
    ctx.record("program", program.key, "status", program, snapshot(before.current), update)
    ask = asks.raise_with_report(ctx, program, asked, data.ask_to, data.ask_by) if asked else None
    moved = ProgramStatus(current=update, previous=before.current)
    was_red = moved.previous is not None and moved.previous.rag == Rag.RED
    context = {
        "program": program,
        "update": update,
        "status": moved,
        "ask": ask[0] if ask else None,
        "ask_is_new": bool(ask and ask[1]),
        "today": ctx.today,
        "alerts_nobody": rag == Rag.RED
        and not was_red
        and not escalation.alert_channels(
            program, escalation.channel_for(ctx.session, ctx.team_id, ctx.escalation_channel)
        ),
    }
    post = Message("status_post", context)
    answer = Reply(Message("status_reported", context))
    answer.edits = [
        *living.superseded(program, before, update, ctx.today),
        living.checkin_answered(program, update, before.current, at=ctx.now.astimezone(ctx.tz), kept=False),
    ]
    if rag == Rag.RED and not was_red:
        answer.posts = escalation.raise_alert(
            ctx, kind=escalation.PROGRAM_RED, program=program, entity_ref=program.key, body=post
        )
        if answer.posts:
            return answer
    elif rag != Rag.RED:
        answer.edits += escalation.resolve(ctx, kind=escalation.PROGRAM_RED, program=program, entity_ref=program.key)
    else:  # still red: its open alert shows the newest report
        answer.edits += escalation.refreshed(ctx, kind=escalation.PROGRAM_RED, program=program, entity_ref=program.key)
    if program.channel_id:
        ctx.session.flush()  # the report's id names its post, to update it once superseded
        key = living.status_post_key(update)
        answer.posts = [Post(program.channel_id, post, f"{program.key}/status", dedupe_key=key)]
    return answer


@use_case(writes=True)
def archive(ctx: Context, data: ProgramRef) -> Reply:
    """Archive a program (owner or admin). It stays readable; nothing is deleted."""
    program = find_program(ctx.session, ctx.actor, data.key, lock=True)
    require_program_owner(ctx.actor, program, "archive")
    if program.archived_at is not None:
        raise Conflict("already_archived", key=program.key)
    open_risks = risks.query(ctx.session, ctx.team_id, [program.id or 0])
    open_actions = actions.query(ctx.session, ctx.team_id, [program.id or 0])
    with ctx.changing(program, "program", program.key, "archive", program):
        program.archived_at = ctx.now
        program.updated_at = ctx.now
    return reply("program_archived", program=program, open_risks=len(open_risks), open_actions=len(open_actions))


@use_case(writes=False)
def list_(ctx: Context, data: ProgramQuery) -> Reply:
    """Programs the actor may see, red first."""
    facts = portfolio(ctx.session, ctx.actor, today=ctx.today, now=ctx.now, include_archived=data.include_archived)
    if data.status is not None:
        facts = [f for f in facts if f.rag == data.status]
    if data.owner_id is not None:
        facts = [f for f in facts if f.program.owner_id == data.owner_id]
    filtered = data.status is not None or data.owner_id is not None
    return reply("program_list", page=page(facts), filtered=filtered)


@use_case(writes=False)
def show(ctx: Context, data: ProgramRef) -> Reply:
    """Everything about one program."""
    program = find_program(ctx.session, ctx.actor, data.key)
    facts = facts_for(ctx.session, ctx.team_id, [program], today=ctx.today, now=ctx.now)[0]
    settings = workspace_settings(ctx.session, ctx.team_id)
    top_risks = [(r, band_for(r.score, settings)) for r in facts.risks]
    recent = decisions.query(ctx.session, ctx.team_id, [program.id or 0])
    return reply(
        "program_show",
        f=facts,
        program=program,
        history=programs.status_history(ctx.session, program, limit=4),
        risks=page(top_risks, 5),
        actions=page(facts.open_actions, 5),
        milestones=page(facts.open_milestones, 5),
        decisions=page(recent, 3),
        now=ctx.now,
        today=ctx.today,
    )
