"""What every use case is given besides its input: the open transaction, who acts, and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel

from domain.access import Actor
from store import audit
from store.audit import snapshot
from store.models import Program


@dataclass(frozen=True)
class Context:
    """One use case's world: its transaction, its actor, the instant and the actor's time zone."""

    session: Session
    actor: Actor
    now: dt.datetime
    tz: ZoneInfo
    escalation_channel: str | None = None  # the environment's default; a workspace may set its own
    quiet: bool = False  # recording history (demo seed, imports): no alerts are raised, no posts are warranted

    @property
    def today(self) -> dt.date:
        """The actor's local date."""
        return self.now.astimezone(self.tz).date()

    @property
    def team_id(self) -> str:
        return self.actor.team_id

    def created(self, row: SQLModel, entity_type: str, entity_ref: str, program: Program | None) -> None:
        """Save a new row and record its creation by the actor, in this transaction."""
        self.session.add(row)
        self.record(entity_type, entity_ref, "create", program, None, row)

    @contextmanager
    def changing(
        self, row: SQLModel, entity_type: str, entity_ref: str, action: str, program: Program | None
    ) -> Iterator[dict[str, Any] | None]:
        """Change `row` inside the block (which is given its snapshot from before); it is then saved and the
        change recorded with its before and after."""
        before = snapshot(row)
        yield before
        self.session.add(row)
        self.record(entity_type, entity_ref, action, program, before, row)

    def record(
        self,
        entity_type: str,
        entity_ref: str,
        action: str,
        program: Program | None,
        before: dict[str, Any] | None,
        after: SQLModel | dict[str, Any],
    ) -> None:
        """Record a change the actor made (`after`: the row, or what an act without a row of its own did), in this
        transaction."""
        audit.record(
            self.session,
            team_id=self.actor.team_id,
            actor_id=self.actor.user_id,
            entity_type=entity_type,
            entity_ref=entity_ref,
            action=action,
            program=program,
            before=before,
            after=after,
            at=self.now,
        )
