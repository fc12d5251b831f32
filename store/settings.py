"""Per-workspace settings rows (risk bands, escalation ladder, day order, Slack domain)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from store.models import WorkspaceSettings
from store.types import utcnow


def workspace_settings(session: Session, team_id: str) -> WorkspaceSettings:
    """The workspace's settings, defaults when none were saved (not written on read)."""
    return session.get(WorkspaceSettings, team_id) or WorkspaceSettings(team_id=team_id)


def remember_team_domain(session: Session, team_id: str, domain: str) -> None:
    """Record the workspace's Slack domain (`acme` of acme.slack.com); safe when two replicas do it at once."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(WorkspaceSettings).values(
        **WorkspaceSettings(team_id=team_id, team_domain=domain, updated_at=utcnow()).model_dump()
    )
    session.execute(statement.on_conflict_do_update(index_elements=["team_id"], set_={"team_domain": domain}))
