"""Where Pulse's channel posts landed (channel and ts), by what they are about, for permalinks."""

from __future__ import annotations

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
