"""Where Pulse's posts landed (channel and ts), by what they are about: for permalinks and for updates in place."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from store.models import OutboxMessage, OutboxStatus


def landed(session: Session, team_id: str, entity_refs: list[str]) -> dict[str, tuple[str, str]]:
    """entity_ref -> (channel, ts) of the newest channel post about it that Slack accepted (threads and DMs left
    out), in one query."""
    if not entity_refs:
        return {}
    statement = (
        select(OutboxMessage.entity_ref, OutboxMessage.sent_channel, OutboxMessage.sent_ts)
        .where(
            col(OutboxMessage.team_id) == team_id,
            col(OutboxMessage.entity_ref).in_(sorted(set(entity_refs))),
            col(OutboxMessage.status) == OutboxStatus.SENT,
            col(OutboxMessage.channel_id).is_not(None),
            col(OutboxMessage.thread_parent_id).is_(None),
        )
        .order_by(col(OutboxMessage.id))
    )
    return {str(ref): (str(channel), str(ts)) for ref, channel, ts in session.exec(statement) if channel and ts}


def about(
    session: Session,
    team_id: str,
    entity_ref: str,
    *,
    kind: str | None = None,
    dedupe_prefix: str | None = None,
    since: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Pulse's messages about `entity_ref` that are out or on their way (failed ones, thread replies and edits left
    out), oldest first; of one `kind`, whose dedupe key starts with `dedupe_prefix`, queued after `since`."""
    statement = select(OutboxMessage).where(
        col(OutboxMessage.team_id) == team_id,
        col(OutboxMessage.entity_ref) == entity_ref,
        col(OutboxMessage.status) != OutboxStatus.FAILED,
        col(OutboxMessage.thread_parent_id).is_(None),
    )
    if kind is not None:
        statement = statement.where(col(OutboxMessage.kind) == kind)
    if dedupe_prefix is not None:
        statement = statement.where(col(OutboxMessage.dedupe_key).startswith(dedupe_prefix, autoescape=True))
    if since is not None:
        statement = statement.where(col(OutboxMessage.created_at) > since)
    return list(session.exec(statement.order_by(col(OutboxMessage.id))))


def landed_at(session: Session, team_id: str, channel: str, ts: str) -> OutboxMessage | None:
    """The message of Pulse's that landed at `ts` in `channel` (a clicked message), if any."""
    statement = select(OutboxMessage).where(
        col(OutboxMessage.team_id) == team_id,
        col(OutboxMessage.sent_channel) == channel,
        col(OutboxMessage.sent_ts) == ts,
        col(OutboxMessage.thread_parent_id).is_(None),
    )
    return session.exec(statement.order_by(col(OutboxMessage.id)).limit(1)).first()


def latest_of_kind(
    session: Session, team_id: str, entity_refs: list[str], *, kind: str, dedupe_prefix: str, since: dt.datetime
) -> dict[str, OutboxMessage]:
    """entity_ref -> the newest message of `kind` about it (dedupe key starting with `dedupe_prefix`) queued after
    `since`, in one query."""
    if not entity_refs:
        return {}
    statement = (
        select(OutboxMessage)
        .where(
            col(OutboxMessage.team_id) == team_id,
            col(OutboxMessage.entity_ref).in_(sorted(set(entity_refs))),
            col(OutboxMessage.kind) == kind,
            col(OutboxMessage.dedupe_key).startswith(dedupe_prefix, autoescape=True),
            col(OutboxMessage.created_at) > since,
        )
        .order_by(col(OutboxMessage.id))
    )
    return {str(m.entity_ref): m for m in session.exec(statement)}
