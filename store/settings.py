"""Per-workspace settings rows (risk bands, escalation channel and ladder, day order, appetite, Slack domain)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from store.models import WorkspaceSettings
from store.types import utcnow

DEFAULTS = "pulse.default_settings"  # session.info key: team -> the defaults of a workspace that saved none


def workspace_settings(session: Session, team_id: str) -> WorkspaceSettings:
    """The workspace's settings, defaults when none were saved (not written on read); read once per session
    (a saved row stays in the session's identity map, the defaults in its info)."""
    defaults: dict[str, WorkspaceSettings] = session.info.setdefault(DEFAULTS, {})
    if team_id in defaults:
        return defaults[team_id]
    row = session.get(WorkspaceSettings, team_id)
    if row is None:
        row = defaults[team_id] = WorkspaceSettings(team_id=team_id)
    return row


def remember_team_domain(session: Session, team_id: str, domain: str) -> None:
    """Record the workspace's Slack domain (`acme` of acme.slack.com); safe when two replicas do it at once."""
    session.info.get(DEFAULTS, {}).pop(team_id, None)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(WorkspaceSettings).values(
        **WorkspaceSettings(team_id=team_id, team_domain=domain, updated_at=utcnow()).model_dump()
    )
    session.execute(statement.on_conflict_do_update(index_elements=["team_id"], set_={"team_domain": domain}))


def settings_to_change(session: Session, team_id: str) -> WorkspaceSettings:
    """The workspace's settings row, created with the defaults if it is missing, and locked until the transaction
    ends (PostgreSQL; SQLite writers already hold the database), so two admins' changes both stay."""
    session.info.get(DEFAULTS, {}).pop(team_id, None)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    defaults = WorkspaceSettings(team_id=team_id, updated_at=utcnow()).model_dump()
    session.execute(insert(WorkspaceSettings).values(**defaults).on_conflict_do_nothing(index_elements=["team_id"]))
    statement = select(WorkspaceSettings).where(WorkspaceSettings.team_id == team_id).with_for_update()
    return session.exec(statement.execution_options(populate_existing=True)).one()
