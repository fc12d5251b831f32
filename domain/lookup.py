"""Finding programs and numbered items for an actor, hiding what they may not see."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from domain.access import Actor, may_see, require_owner_of, require_program_owner
from domain.errors import Conflict, NotFound
from domain.spelling import did_you_mean
from store import items, programs
from store.ids import Kind, ref
from store.items import Numbered
from store.models import Action, Issue, Kpi, Program, Risk


def program(session: Session, actor: Actor, key: str, *, lock: bool = False) -> Program:
    """The program with `key`, or NotFound when it does not exist or the actor may not see it (with the closest
    key the actor may see, if one is close: restricted programs they may not see are never suggested).

    `lock` holds the program's row for the rest of the transaction (for a read-modify-write)."""
    key = key.upper()
    found = programs.by_key(session, actor.team_id, key, lock=lock)
    if found is None or not may_see(actor, found):
        visible = [p.key for p in visible_programs(session, actor, include_archived=True)]
        raise NotFound(key, did_you_mean(key, visible))
    return found


def item(
    session: Session,
    actor: Actor,
    model: type[Numbered],
    kind: Kind,
    number: int,
    *,
    lock: bool = False,
    field: str | None = None,
) -> tuple[Numbered, Program]:
    """The item `kind-number` and its program, or NotFound (also when its program is hidden).

    `lock` holds the item's row for the rest of the transaction (for a read-modify-write); `field` is the input
    that named it (a form shows the error there)."""
    found = items.by_number(session, model, actor.team_id, number, lock=lock)
    if found is None or found.program_id is None:
        raise NotFound(ref(kind, number), field=field)
    owner = session.get(Program, found.program_id)
    if owner is None or not may_see(actor, owner):
        raise NotFound(ref(kind, number), field=field)
    return found, owner


def visible_programs(session: Session, actor: Actor, *, include_archived: bool = False) -> list[Program]:
    """Programs the actor may see, by key."""
    return [
        p for p in programs.for_team(session, actor.team_id, include_archived=include_archived) if may_see(actor, p)
    ]


Owned = TypeVar("Owned", Risk, Action, Kpi, Issue)


def item_to_change(
    session: Session, actor: Actor, model: type[Owned], kind: Kind, number: int, *, role: str, act: str
) -> tuple[Owned, Program, str]:
    """The item (its row locked for the change), its program and its label, when the actor may `act` on it:
    as its owner (its `role`: risk_owner or action_owner), the program owner or an admin."""
    found, owning = item(session, actor, model, kind, number, lock=True)
    label = ref(kind, number)
    require_owner_of(actor, owning, found.owner_id, role, act, label)
    return found, owning, label


def program_to_change(session: Session, actor: Actor, key: str, act: str) -> Program:
    """The program with `key` (its row locked for the change) when the actor may `act` on it (its owner or an
    admin) and it is not archived."""
    found = program(session, actor, key, lock=True)
    require_program_owner(actor, found, act)
    if found.archived_at is not None:
        raise Conflict("archived", key=found.key, act=act)
    return found
