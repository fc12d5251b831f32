"""The outbox: messages are committed as pending with the change that causes them, then delivered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from store.models import OutboxMessage, OutboxStatus
from store.types import utcnow

MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=5)


def enqueue(
    session: Session,
    *,
    team_id: str,
    dedupe_key: str,
    kind: str,
    markup: str,
    channel_id: str | None = None,
    user_id: str | None = None,
    buttons: list[dict[str, Any]] | None = None,
    entity_ref: str | None = None,
    thread_parent_id: int | None = None,
    not_before: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Queue a message once per `dedupe_key`; None when that key was already queued."""
    if (channel_id is None) == (user_id is None):
        raise ValueError("a message goes to exactly one channel or one user")
    values = {
        "team_id": team_id,
        "dedupe_key": dedupe_key,
        "kind": kind,
        "markup": markup,
        "channel_id": channel_id,
        "user_id": user_id,
        "buttons": buttons or [],
        "entity_ref": entity_ref,
        "thread_parent_id": thread_parent_id,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": not_before or utcnow(),
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing().returning(col(OutboxMessage.id))
    new_id = session.execute(statement).scalar_one_or_none()
    return None if new_id is None else session.get(OutboxMessage, new_id)


def claim(session: Session, *, now: dt.datetime, ids: list[int] | None = None, limit: int = 100) -> list[OutboxMessage]:
    """Take due messages for sending (lease-protected, so two senders never take the same one)."""
    due = or_(
        col(OutboxMessage.status) == OutboxStatus.PENDING,
        (col(OutboxMessage.status) == OutboxStatus.SENDING) & (col(OutboxMessage.lease_until) < now),
    )
    statement = select(OutboxMessage.id).where(due, col(OutboxMessage.next_attempt_at) <= now)
    if ids is not None:
        statement = statement.where(col(OutboxMessage.id).in_(ids))
    statement = statement.order_by(col(OutboxMessage.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    chosen = list(session.exec(statement))
    if not chosen:
        return []
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(chosen))
        .values(status=OutboxStatus.SENDING, lease_until=now + LEASE, attempts=col(OutboxMessage.attempts) + 1)
    )
    rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(chosen)).order_by(col(OutboxMessage.id)))
    result = list(rows)
    for row in result:
        session.refresh(row)
    return result


def mark_sent(session: Session, message_id: int, *, channel: str, ts: str, now: dt.datetime) -> None:
    """Record a delivered message and where it landed (for threads and updates in place)."""
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(
            status=OutboxStatus.SENT, sent_channel=channel, sent_ts=ts, sent_at=now, lease_until=None, last_error=None
        )
    )


def mark_retry(
    session: Session, message_id: int, *, error: str, attempts: int, now: dt.datetime, retry_after: float | None = None
) -> OutboxStatus:
    """Schedule another attempt with backoff, or mark failed after MAX_ATTEMPTS."""
    if attempts >= MAX_ATTEMPTS:
        status, next_at = OutboxStatus.FAILED, now
    else:
        delay = retry_after if retry_after is not None else min(2**attempts * 15, 3600)
        status, next_at = OutboxStatus.PENDING, now + dt.timedelta(seconds=delay)
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(status=status, next_attempt_at=next_at, lease_until=None, last_error=error[:500])
    )
    return status


def mark_failed(session: Session, message_id: int, *, error: str) -> None:
    """Give up on a message that can never be delivered (e.g. channel_not_found); admins see it."""
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(status=OutboxStatus.FAILED, lease_until=None, last_error=error[:500])
    )


def last_sent_about(session: Session, team_id: str, entity_ref: str, channel_id: str) -> OutboxMessage | None:
    """The newest delivered message about `entity_ref` in a channel (to update it in place)."""
    return session.exec(
        select(OutboxMessage)
        .where(
            col(OutboxMessage.team_id) == team_id,
            col(OutboxMessage.entity_ref) == entity_ref,
            col(OutboxMessage.channel_id) == channel_id,
            col(OutboxMessage.status) == OutboxStatus.SENT,
        )
        .order_by(col(OutboxMessage.id).desc())
    ).first()


def problems(session: Session, team_id: str, limit: int = 20) -> list[OutboxMessage]:
    """Failed messages and ones still retrying, newest first (shown to admins)."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(
                col(OutboxMessage.team_id) == team_id,
                or_(col(OutboxMessage.status) == OutboxStatus.FAILED, col(OutboxMessage.attempts) > 1),
                col(OutboxMessage.status) != OutboxStatus.SENT,
            )
            .order_by(col(OutboxMessage.id).desc())
            .limit(limit)
        )
    )
