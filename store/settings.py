"""Per-workspace settings rows (risk bands, escalation ladder)."""

from __future__ import annotations

from sqlmodel import Session

from store.models import WorkspaceSettings


def workspace_settings(session: Session, team_id: str) -> WorkspaceSettings:
    """The workspace's settings, defaults when none were saved (not written on read)."""
    return session.get(WorkspaceSettings, team_id) or WorkspaceSettings(team_id=team_id)
