"""Programs and their status history."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, true
from sqlmodel import Session, col, select

from store import audit
from store.access import Actor, require_program_owner
from store.errors import Conflict, Invalid
from store.models import Program, Rag, StatusUpdate
from store.types import utcnow

KEY_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
RAG_RANK = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


class Trend(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    UNCHANGED = "unchanged"
    INSUFFICIENT = "insufficient data"


@dataclass(frozen=True)
class ProgramStatus:
    """The current report of a program and how it moved since the one before."""

    current: StatusUpdate | None
    previous: StatusUpdate | None

    @property
    def rag(self) -> Rag | None:
        return self.current.rag if self.current else None

    @property
    def trend(self) -> Trend:
        if self.current is None or self.previous is None:
            return Trend.INSUFFICIENT
        delta = RAG_RANK[self.current.rag] - RAG_RANK[self.previous.rag]
        return Trend.WORSENING if delta > 0 else Trend.IMPROVING if delta < 0 else Trend.UNCHANGED


def validate_key(key: str) -> str:
    """Program keys: letters, digits and dashes, stored upper-case."""
    key = key.upper()
    if not KEY_PATTERN.match(key) or re.fullmatch(r"[RDAMS]-\d+", key):
        raise Invalid(
            f"`{key}` is not a usable program key: use letters, digits and dashes (up to 40), e.g. TNS-APPEALS."
        )
    return key


def create(
    session: Session,
    actor: Actor,
    *,
    key: str,
    name: str,
    owner_id: str,
    channel_id: str | None = None,
    target_date: dt.date | None = None,
    restricted: bool = False,
    members: list[str] | None = None,
    allowed_channels: list[str] | None = None,
) -> Program:
    """Create a program; keys are unique per workspace, archived ones included."""
    key = validate_key(key)
    if not name.strip():
        raise Invalid("A program needs a title, e.g. `/program new TNS-APPEALS Appeals SLA reduction`.")
    taken = session.exec(
        select(Program.id).where(col(Program.team_id) == actor.team_id, col(Program.key) == key)
    ).first()
    if taken is not None:
        raise Conflict(f"A program with key {key} already exists (keys are never reused); pick another key.")
    program = Program(
        team_id=actor.team_id,
        key=key,
        name=name.strip(),
        owner_id=owner_id,
        channel_id=channel_id,
        target_date=target_date,
        restricted=restricted,
        members=sorted(set(members or [])),
        allowed_channels=sorted(set(allowed_channels or [])),
        created_by=actor.user_id,
    )
    session.add(program)
    audit.record(
        session,
        actor,
        entity_type="program",
        entity_ref=key,
        action="create",
        program=program,
        before=None,
        after=program,
    )
    return program


def report_status(
    session: Session, actor: Actor, program: Program, *, rag: Rag, summary: str, asks: str | None = None
) -> tuple[StatusUpdate, ProgramStatus]:
    """Record a RAG report (owner or admin); amber and red need a summary saying why."""
    require_program_owner(actor, program, "report status on")
    if program.archived_at is not None:
        raise Conflict(f"{program.key} is archived; status can no longer be reported.")
    if rag != Rag.GREEN and not summary.strip():
        raise Invalid(
            f"{'An' if rag == Rag.AMBER else 'A'} {rag.value} status needs a summary that says why, e.g. "
            f"`/program status {program.key} {rag.value} Vendor onboarding slipped a week`."
        )
    before = status_of(session, [program])[program.id or 0]
    update = StatusUpdate(
        team_id=actor.team_id,
        program_id=program.id or 0,
        rag=rag,
        summary=summary.strip(),
        asks=(asks or None),
        author_id=actor.user_id,
    )
    session.add(update)
    program.updated_at = utcnow()
    session.add(program)
    audit.record(
        session,
        actor,
        entity_type="program",
        entity_ref=program.key,
        action="status",
        program=program,
        before=audit.snapshot(before.current),
        after=update,
    )
    return update, ProgramStatus(current=update, previous=before.current)


@dataclass
class ProgramChanges:
    """Fields `/program edit` may change; None means unchanged."""

    name: str | None = None
    owner_id: str | None = None
    channel_id: str | None = None
    target_date: dt.date | None = None
    restricted: bool | None = None
    members: list[str] | None = None
    allowed_channels: list[str] | None = None


def edit(session: Session, actor: Actor, program: Program, changes: ProgramChanges) -> Program:
    """Change a program's details (owner or admin); members and allow-list replace the old lists."""
    require_program_owner(actor, program, "edit")
    if program.archived_at is not None:
        raise Conflict(f"{program.key} is archived; it can no longer be edited.")
    before = audit.snapshot(program)
    for name, value in vars(changes).items():
        if value is not None:
            setattr(program, name, sorted(set(value)) if isinstance(value, list) else value)
    if audit.snapshot(program) == before:
        raise Invalid(f"Nothing to change: give at least one field, e.g. `/program edit {program.key} due:2027-03-31`.")
    program.updated_at = utcnow()
    session.add(program)
    audit.record(
        session,
        actor,
        entity_type="program",
        entity_ref=program.key,
        action="edit",
        program=program,
        before=before,
        after=program,
    )
    return program


def archive(session: Session, actor: Actor, program: Program) -> Program:
    """Archive a program (owner or admin). It stays readable; nothing is deleted."""
    require_program_owner(actor, program, "archive")
    if program.archived_at is not None:
        raise Conflict(f"{program.key} is already archived.")
    before = audit.snapshot(program)
    program.archived_at = utcnow()
    program.updated_at = program.archived_at
    session.add(program)
    audit.record(
        session,
        actor,
        entity_type="program",
        entity_ref=program.key,
        action="archive",
        program=program,
        before=before,
        after=program,
    )
    return program


def status_of(
    session: Session, programs: list[Program], *, before: dt.datetime | None = None
) -> dict[int, ProgramStatus]:
    """Current and previous status for each program (as of `before` when given), in one query."""
    ids = [p.id for p in programs if p.id is not None]
    result: dict[int, ProgramStatus] = {pid: ProgramStatus(None, None) for pid in ids}
    if not ids:
        return result
    ranked = (
        select(
            col(StatusUpdate.id).label("id"),
            func.row_number()
            .over(
                partition_by=col(StatusUpdate.program_id),
                order_by=(col(StatusUpdate.created_at).desc(), col(StatusUpdate.id).desc()),
            )
            .label("rank"),
        )
        .where(col(StatusUpdate.program_id).in_(ids))
        .where(col(StatusUpdate.created_at) < before if before is not None else true())
        .subquery()
    )
    rows = session.exec(
        select(StatusUpdate, ranked.c.rank).join(ranked, ranked.c.id == col(StatusUpdate.id)).where(ranked.c.rank <= 2)
    ).all()
    latest: dict[int, dict[int, StatusUpdate]] = {}
    for update, rank in rows:
        latest.setdefault(update.program_id, {})[rank] = update
    for pid, by_rank in latest.items():
        result[pid] = ProgramStatus(by_rank.get(1), by_rank.get(2))
    return result


def status_history(session: Session, program: Program, limit: int = 5) -> list[StatusUpdate]:
    """The newest status reports of a program, newest first."""
    return list(
        session.exec(
            select(StatusUpdate)
            .where(col(StatusUpdate.program_id) == program.id)
            .order_by(col(StatusUpdate.created_at).desc(), col(StatusUpdate.id).desc())
            .limit(limit)
        )
    )
