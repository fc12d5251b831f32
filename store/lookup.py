"""Fetching numbered items (R-n, D-n, A-n, M-n) and programs, hiding what the caller may not see."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, col, select

from store.access import Actor, may_see
from store.errors import NotFound
from store.ids import Kind, ref
from store.models import Action, Decision, Milestone, Program, Risk

Numbered = TypeVar("Numbered", Risk, Decision, Action, Milestone)

MODEL_FOR_KIND: dict[Kind, type[Risk] | type[Decision] | type[Action] | type[Milestone]] = {
    Kind.RISK: Risk,
    Kind.DECISION: Decision,
    Kind.ACTION: Action,
    Kind.MILESTONE: Milestone,
}


def program_by_key(session: Session, actor: Actor, key: str) -> Program:
    """The program with `key`, or NotFound when it does not exist or the caller may not see it."""
    key = key.upper()
    program = session.exec(
        select(Program).where(col(Program.team_id) == actor.team_id, col(Program.key) == key)
    ).first()
    if program is None or not may_see(actor, program):
        raise NotFound(key)
    return program


def numbered(
    session: Session, actor: Actor, model: type[Numbered], kind: Kind, number: int
) -> tuple[Numbered, Program]:
    """The item `kind-number` and its program, or NotFound (also when its program is hidden)."""
    item = session.exec(select(model).where(col(model.team_id) == actor.team_id, col(model.number) == number)).first()
    if item is None:
        raise NotFound(ref(kind, number))
    program = session.get(Program, item.program_id)
    if program is None or not may_see(actor, program):
        raise NotFound(ref(kind, number))
    return item, program


def visible_programs(session: Session, actor: Actor, *, include_archived: bool = False) -> list[Program]:
    """Programs the caller may see, by key."""
    statement = select(Program).where(col(Program.team_id) == actor.team_id)
    if not include_archived:
        statement = statement.where(col(Program.archived_at).is_(None))
    return [p for p in session.exec(statement.order_by(col(Program.key))) if may_see(actor, p)]


def programs_by_id(session: Session, ids: list[int]) -> dict[int, Program]:
    """Programs by primary key, in one query (no visibility check: for time-driven work)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {p.id or 0: p for p in session.exec(select(Program).where(col(Program.id).in_(wanted)))}


def active_programs(session: Session, team_id: str) -> list[Program]:
    """A workspace's programs that are not archived."""
    return list(
        session.exec(select(Program).where(col(Program.team_id) == team_id, col(Program.archived_at).is_(None)))
    )


def workspaces(session: Session, *, active_only: bool = False) -> list[str]:
    """The team IDs that have programs (with `active_only`, programs not archived)."""
    statement = select(Program.team_id).distinct().order_by(col(Program.team_id))
    if active_only:
        statement = statement.where(col(Program.archived_at).is_(None))
    return list(session.exec(statement))
