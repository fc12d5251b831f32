"""Queries of programs and their status history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, true
from sqlmodel import Session, col, select

from store.models import Program, StatusUpdate, UserProfile


def by_key(session: Session, team_id: str, key: str, *, lock: bool = False) -> Program | None:
    """The program with `key` in a workspace (archived ones included); `lock` holds its row until the transaction
    ends (PostgreSQL; SQLite writers already hold the database), so a read-modify-write sees the latest values."""
    statement = select(Program).where(col(Program.team_id) == team_id, col(Program.key) == key)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return session.exec(statement).first()


def owner_checkins(session: Session, team_id: str) -> set[tuple[str | None, str | None]]:
    """Each distinct (check-in setting, owner's cached time zone) of the workspace's active programs, in one small
    query; the zone is None when the owner has no cached profile or Slack named no zone. The distinct (setting,
    owner) pairs come from an index alone, so the cost hardly grows with the number of programs."""
    owners = (
        select(col(Program.checkin), col(Program.owner_id))
        .where(col(Program.team_id) == team_id, col(Program.archived_at).is_(None), col(Program.owner_id) != "")
        .distinct()
        .subquery()
    )
    statement = select(owners.c.checkin, col(UserProfile.tz)).outerjoin(
        UserProfile, (col(UserProfile.team_id) == team_id) & (col(UserProfile.user_id) == owners.c.owner_id)
    )
    return {(checkin, tz) for checkin, tz in session.exec(statement.distinct())}


def key_taken(session: Session, team_id: str, key: str) -> bool:
    """Whether a workspace ever used `key` (keys are never reused)."""
    statement = select(Program.id).where(col(Program.team_id) == team_id, col(Program.key) == key)
    return session.exec(statement).first() is not None


def for_team(session: Session, team_id: str, *, include_archived: bool = False) -> list[Program]:
    """A workspace's programs by key (not archived unless asked)."""
    statement = select(Program).where(col(Program.team_id) == team_id)
    if not include_archived:
        statement = statement.where(col(Program.archived_at).is_(None))
    return list(session.exec(statement.order_by(col(Program.key))))


def by_ids(session: Session, ids: list[int]) -> dict[int, Program]:
    """Programs by primary key, in one query."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {p.id or 0: p for p in session.exec(select(Program).where(col(Program.id).in_(wanted)))}


def workspaces(session: Session, *, active_only: bool = False) -> list[str]:
    """The team IDs that have programs (with `active_only`, programs not archived)."""
    statement = select(Program.team_id).distinct().order_by(col(Program.team_id))
    if active_only:
        statement = statement.where(col(Program.archived_at).is_(None))
    return list(session.exec(statement))


def latest_statuses(
    session: Session, programs: list[Program], *, before: dt.datetime | None = None
) -> dict[int, tuple[StatusUpdate | None, StatusUpdate | None]]:
    """The newest and the one-before-newest report of each program (as of `before`), in one query."""
    ids = [p.id for p in programs if p.id is not None]
    result: dict[int, tuple[StatusUpdate | None, StatusUpdate | None]] = dict.fromkeys(ids, (None, None))
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
        result[pid] = (by_rank.get(1), by_rank.get(2))
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


def hold(session: Session, program_id: int) -> None:
    """Hold the program's row until the transaction ends, so writes that first read what the program has (a
    quarter's plan, a dependency) queue on PostgreSQL (SQLite writers already hold the database)."""
    session.exec(select(Program.id).where(col(Program.id) == program_id).with_for_update()).first()
