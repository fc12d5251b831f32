"""Finding programs and numbered items for an actor, hiding what they may not see."""

from __future__ import annotations

from sqlmodel import Session

from domain.access import Actor, may_see
from domain.errors import NotFound
from store import items, programs
from store.ids import Kind, ref
from store.items import Numbered
from store.models import Program


def program(session: Session, actor: Actor, key: str) -> Program:
    """The program with `key`, or NotFound when it does not exist or the actor may not see it."""
    key = key.upper()
    found = programs.by_key(session, actor.team_id, key)
    if found is None or not may_see(actor, found):
        raise NotFound(key)
    return found


def item(
    session: Session, actor: Actor, model: type[Numbered], kind: Kind, number: int, *, lock: bool = False
) -> tuple[Numbered, Program]:
    """The item `kind-number` and its program, or NotFound (also when its program is hidden).

    `lock` holds the item's row for the rest of the transaction (for a read-modify-write)."""
    found = items.by_number(session, model, actor.team_id, number, lock=lock)
    if found is None or found.program_id is None:
        raise NotFound(ref(kind, number))
    owner = session.get(Program, found.program_id)
    if owner is None or not may_see(actor, owner):
        raise NotFound(ref(kind, number))
    return found, owner


def visible_programs(session: Session, actor: Actor, *, include_archived: bool = False) -> list[Program]:
    """Programs the actor may see, by key."""
    return [
        p for p in programs.for_team(session, actor.team_id, include_archived=include_archived) if may_see(actor, p)
    ]
