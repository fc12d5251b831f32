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


def display_names(session: Session, team_id: str) -> dict[str, str]:
    """User ID -> display name, for the users whose name is known."""
    rows = session.exec(select(UserProfile).where(col(UserProfile.team_id) == team_id))
    return {row.user_id: row.display_name for row in rows if row.display_name}


def save(session: Session, profile: UserProfile) -> UserProfile:
    """Cache `profile`, replacing what was cached; safe when two replicas fetch the same user at once."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = profile.model_dump()
    statement = insert(UserProfile).values(**values)
    changed = {name: statement.excluded[name] for name in ("tz", "display_name", "fetched_at")}
    session.execute(statement.on_conflict_do_update(index_elements=["team_id", "user_id"], set_=changed))
    return profile
