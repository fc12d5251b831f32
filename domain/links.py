"""Permalinks to the channel posts items were announced in, so an ID in a message opens what it names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlmodel import Session

from store import posts
from store.settings import workspace_settings


def permalink(domain: str, channel: str, ts: str) -> str:
    """The permalink of message `ts` in `channel` of the workspace at `domain`.slack.com."""
    return f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"


def team_domain(session: Session, team_id: str) -> str | None:
    """The workspace's Slack domain, once Pulse has learnt it (from the first command it answers there)."""
    return workspace_settings(session, team_id).team_domain


def permalinks(
    session: Session, team_id: str, refs: Iterable[str], nearest: Mapping[str, Sequence[str]] | None = None
) -> dict[str, str]:
    """ref -> the permalink of its newest channel post (`R-3`, `D-2`, `TNS-APPEALS/status`, `ASK-4`, `A-7`); an item
    never posted itself links to the first of its `nearest` refs that was (an action to the risk it treats, an ask
    or a milestone to its program's status post). Refs with neither, or a workspace whose domain Pulse has not
    learnt yet, have none."""
    domain = team_domain(session, team_id)
    if not domain:
        return {}
    wanted = list(refs)
    nearest = nearest or {}
    landed = posts.landed(session, team_id, [*wanted, *(alt for alts in nearest.values() for alt in alts)])
    found: dict[str, str] = {}
    for ref in [*wanted, *nearest]:
        where = next((landed[r] for r in (ref, *nearest.get(ref, ())) if r in landed), None)
        if where is not None:
            found[ref] = permalink(domain, *where)
    return found
