"""Queries of escalation alerts."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from store.models import Alert, OutboxMessage, OutboxStatus


def unresolved(session: Session, team_id: str, kind: str, entity_ref: str, *, unacknowledged: bool) -> list[Alert]:
    """Alerts of `kind` about `entity_ref` not resolved yet (with `unacknowledged`, not acknowledged either)."""
    statement = select(Alert).where(
        col(Alert.team_id) == team_id,
        col(Alert.kind) == kind,
        col(Alert.entity_ref) == entity_ref,
        col(Alert.resolved_at).is_(None),
    )
    if unacknowledged:
        statement = statement.where(col(Alert.acknowledged_at).is_(None))
    return list(session.exec(statement))


def needing_repeat(session: Session, today: dt.date, max_repeats: int) -> list[Alert]:
    """Open, unacknowledged alerts repeated fewer than `max_repeats` times and not repeated today.

    Alerts not repeated yet are all included: whether they were raised "today" depends on the
    workspace's time zone, which the caller knows (`created_at` is the instant they were posted).
    """
    return list(
        session.exec(
            select(Alert)
            .where(
                col(Alert.acknowledged_at).is_(None),
                col(Alert.resolved_at).is_(None),
                col(Alert.repeats) < max_repeats,
                (col(Alert.repeats) == 0) | (col(Alert.last_posted_on).is_(None)) | (col(Alert.last_posted_on) < today),
            )
            .order_by(col(Alert.id))
        )
    )


def sent_messages(session: Session, alert: Alert) -> list[OutboxMessage]:
    """Every delivered message of an alert, oldest first."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(
                col(OutboxMessage.team_id) == alert.team_id,
                col(OutboxMessage.entity_ref) == f"alert:{alert.id}",
                col(OutboxMessage.status) == OutboxStatus.SENT,
            )
            .order_by(col(OutboxMessage.id))
        )
    )
