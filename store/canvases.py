"""Bookkeeping of program canvases: the canvas Pulse keeps in each channel, and workspaces that refuse canvases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from store.models import CanvasRefusal, ChannelCanvas, OutboxMessage, OutboxStatus, Program
from store.types import utcnow


def in_channel(session: Session, team_id: str, channel_id: str, *, lock: bool = False) -> ChannelCanvas | None:
    """What Pulse knows of the canvas in `channel_id` (None: nothing yet), locked for this transaction if `lock`."""
    statement = select(ChannelCanvas).where(
        col(ChannelCanvas.team_id) == team_id, col(ChannelCanvas.channel_id) == channel_id
    )
    return session.exec(statement.with_for_update() if lock else statement).first()


def remember(
    session: Session, team_id: str, channel_id: str, *, canvas_id: str | None, refused: str | None = None
) -> None:
    """Store the channel's canvas id (None: Pulse has none there), or why Pulse leaves its canvas alone."""
    row = in_channel(session, team_id, channel_id, lock=True) or ChannelCanvas(team_id=team_id, channel_id=channel_id)
    row.canvas_id, row.refused, row.updated_at = canvas_id, refused, utcnow()
    session.add(row)


def refusal(session: Session, team_id: str) -> CanvasRefusal | None:
    """Why Slack refuses canvases in the workspace, and since when (None: it does not)."""
    return session.get(CanvasRefusal, team_id)


def refuse(session: Session, team_id: str, error: str, now: dt.datetime) -> bool:
    """Record that Slack refused canvases in the workspace at `now`; True the first time ever (to report it)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(CanvasRefusal)
        .values(team_id=team_id, error=error, since=now)
        .on_conflict_do_nothing()
        .returning(col(CanvasRefusal.team_id))
    )
    if session.execute(statement).scalar_one_or_none() is not None:
        return True
    session.execute(update(CanvasRefusal).where(col(CanvasRefusal.team_id) == team_id).values(error=error, since=now))
    return False


def programs_in(session: Session, team_id: str, channel_id: str) -> list[Program]:
    """The live programs whose home channel is `channel_id`, by key."""
    statement = (
        select(Program)
        .where(
            col(Program.team_id) == team_id,
            col(Program.channel_id) == channel_id,
            col(Program.archived_at).is_(None),
        )
        .order_by(col(Program.key))
    )
    return list(session.exec(statement))


def waiting(session: Session, team_id: str, channel_id: str, kind: str, *, due_by: dt.datetime) -> bool:
    """Whether a sync of the channel's canvas is queued, not claimed yet and due by `due_by`: it renders the
    canvas when it is sent, so it will show this change too."""
    statement = select(OutboxMessage.id).where(
        col(OutboxMessage.status) == OutboxStatus.PENDING,
        col(OutboxMessage.next_attempt_at) <= due_by,
        col(OutboxMessage.team_id) == team_id,
        col(OutboxMessage.channel_id) == channel_id,
        col(OutboxMessage.kind) == kind,
    )
    return session.exec(statement.limit(1)).first() is not None
