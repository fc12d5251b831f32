"""Cached facts about Slack users (time zone, display name)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from store.models import UserProfile


def cached(session: Session, team_id: str, user_ids: list[str]) -> dict[str, UserProfile]:
    """The cached profiles of `user_ids` (missing ones are absent), in one query."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(UserProfile).where(col(UserProfile.team_id) == team_id, col(UserProfile.user_id).in_(user_ids))
    )
    return {row.user_id: row for row in rows}


def save(session: Session, profile: UserProfile) -> UserProfile:
    """Insert or refresh a cached profile in one statement (two replicas may fetch the same user at once)."""
    values = {
        "team_id": profile.team_id,
        "user_id": profile.user_id,
        "tz": profile.tz,
        "display_name": profile.display_name,
        "fetched_at": profile.fetched_at,
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(UserProfile).values(**values)
    fresh = {k: v for k, v in values.items() if k not in ("team_id", "user_id")}
    session.execute(statement.on_conflict_do_update(index_elements=["team_id", "user_id"], set_=fresh))
    return profile


def display_names(session: Session, team_id: str) -> dict[str, str]:
    """User ID -> display name, for the users whose name is known."""
    rows = session.exec(select(UserProfile).where(col(UserProfile.team_id) == team_id))
    return {row.user_id: row.display_name for row in rows if row.display_name}


def zones(session: Session, team_id: str) -> set[str | None]:
    """Every time zone the workspace's cached profiles name (None: Slack named none)."""
    return set(session.exec(select(UserProfile.tz).distinct().where(col(UserProfile.team_id) == team_id)))
