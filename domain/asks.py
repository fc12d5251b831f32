"""Asks (ASK-n): what a program needs from a person or a function (Finance, Legal) by a date. An ask is raised
with a status report and stays open until it is answered or withdrawn."""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator

from domain import living
from domain.access import require_cleared, require_owner_of
from domain.context import Context
from domain.errors import Conflict, Invalid
from domain.inputs import Input, NumberRef
from domain.lookup import item, program, visible_programs
from domain.messages import Edit, Message, Reply, post_to, reply, use_case
from domain.pages import page
from domain.stakeholders import addressees
from domain.status import status_of
from store import asks
from store.ids import Kind, next_number, ref
from store.models import Ask, AskState, Program


class AskTo(Input):
    """Whom an ask is for: exactly one of a person and a function."""

    user_id: str | None = None
    function: str | None = None

    @model_validator(mode="after")
    def _one(self) -> AskTo:
        if (self.user_id is None) == (self.function is None):
            raise ValueError("an ask is for one person or one function")
        return self


class AskAnswer(Input):
    number: int
    answer: str


class AskQuery(Input):
    key: str | None = None  # every visible program when not given


def is_overdue(ask: Ask, today: dt.date) -> bool:
    """Open and past the date it was needed by."""
    return ask.state == AskState.OPEN and ask.due is not None and ask.due < today


def raise_with_report(
    ctx: Context, owning: Program, text: str, to: AskTo | None, by: dt.date | None
) -> tuple[Ask, bool]:
    """The ask a status report makes, and whether it is new. The same words asked again while open are the same
    ask: its addressee and date change when given, and it keeps its number."""
    if to is not None and to.user_id is not None:
        require_cleared(ctx.actor, owning, to.user_id, "ask_addressee")
    existing = asks.open_with_text(ctx.session, ctx.team_id, owning.id or 0, text)
    if existing is not None:
        label = ref(Kind.ASK, existing.number)
        with ctx.changing(existing, "ask", label, "update", owning):
            _address(existing, to, by)
        return existing, False
    ask = Ask(
        team_id=ctx.team_id,
        number=next_number(ctx.session, ctx.team_id, Kind.ASK),
        program_id=owning.id or 0,
        text=text,
        created_by=ctx.actor.user_id,
    )
    _address(ask, to, by)
    ctx.created(ask, "ask", ref(Kind.ASK, ask.number), owning)
    return ask, True


def _address(ask: Ask, to: AskTo | None, by: dt.date | None) -> None:
    if to is not None:
        ask.to_user, ask.to_function = to.user_id, to.function
    if by is not None:
        ask.due = by


def _open_ask(ctx: Context, number: int, act: str) -> tuple[Ask, Program, str]:
    found, owning = item(ctx.session, ctx.actor, Ask, Kind.ASK, number, lock=True)
    label = ref(Kind.ASK, number)
    if found.state != AskState.OPEN:
        raise Conflict("ask_closed", ref=label, state=found.state.value, act=act)
    return found, owning, label


@use_case(writes=True)
def answer(ctx: Context, data: AskAnswer) -> Reply:
    """Answer an ask (the person asked or, for an ask to a function, its people on the program; the program owner
    or an admin); the answer is posted to the channel."""
    ask, owning, label = _open_ask(ctx, data.number, "answer")
    asked = [ask.to_user] if ask.to_user else addressees(ctx.session, [ask], {owning.id: owning}).get(ask.id or 0, [])
    if ctx.actor.user_id not in asked:
        require_owner_of(ctx.actor, owning, ask.to_user or owning.owner_id, "ask_addressee", "answer", label)
    if not data.answer.strip():
        raise Invalid("answer_needs_text", field="answer", ref=label)
    with ctx.changing(ask, "ask", label, "answer", owning):
        ask.state = AskState.ANSWERED
        ask.answer = data.answer.strip()
        ask.closed_at, ask.closed_by = ctx.now, ctx.actor.user_id
    context = {"ask": ask, "program": owning}
    return Reply(
        Message("ask_answered", context),
        posts=post_to(owning.channel_id, Message("ask_post", context), label),
        edits=_carried(ctx, owning, ask),
    )


def _carried(ctx: Context, owning: Program, ask: Ask) -> list[Edit]:
    """The status post that carries a closed ask, saying how it closed."""
    return living.ask_closed(owning, status_of(ctx.session, [owning])[owning.id or 0], ask, ctx.today)


@use_case(writes=True)
def withdraw(ctx: Context, data: NumberRef) -> Reply:
    """Withdraw an ask that is no longer needed (who asked it, the program owner or an admin)."""
    ask, owning, label = _open_ask(ctx, data.number, "withdraw")
    require_owner_of(ctx.actor, owning, ask.created_by, "ask_author", "withdraw", label)
    with ctx.changing(ask, "ask", label, "withdraw", owning):
        ask.state = AskState.WITHDRAWN
        ask.closed_at, ask.closed_by = ctx.now, ctx.actor.user_id
    answer = reply("ask_withdrawn", ask=ask, program=owning)
    answer.edits = _carried(ctx, owning, ask)
    return answer


@use_case(writes=False)
def list_(ctx: Context, data: AskQuery) -> Reply:
    """Open asks, overdue and soonest due first."""
    scope = [program(ctx.session, ctx.actor, data.key)] if data.key else visible_programs(ctx.session, ctx.actor)
    found = asks.for_programs(ctx.session, ctx.team_id, [p.id or 0 for p in scope])
    keys = {p.id: p.key for p in scope}
    rows = [(a, keys[a.program_id], is_overdue(a, ctx.today)) for a in found]
    return reply("ask_list", page=page(rows), filtered=data.key is not None, today=ctx.today)
