"""Escalation alerts: raised when a program turns red or a risk becomes critical, until acknowledged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from store import audit, outbox
from store.access import Actor, may_post_in, may_see
from store.errors import Conflict, PulseError
from store.models import Alert, OutboxMessage, OutboxStatus, Program
from store.types import utcnow

ACK_ACTION = "alert_ack"
MAX_REPEATS = 3


def visible(session: Session, actor: Actor, alert_id: int) -> tuple[Alert, Program]:
    """An alert and its program, when the actor may see that program (else "no longer exists")."""
    alert = session.get(Alert, alert_id)
    program = session.get(Program, alert.program_id) if alert and alert.team_id == actor.team_id else None
    if alert is None or program is None or not may_see(actor, program):
        raise PulseError("That alert no longer exists.")
    return alert, program


def ack_button(alert_id: int) -> dict[str, Any]:
    """The Acknowledge button of an alert message."""
    return {"text": "Acknowledge", "action_id": ACK_ACTION, "value": str(alert_id), "style": "primary"}


def alert_channels(program: Program, escalation_channel: str | None) -> list[str]:
    """Where an alert about `program` goes: the escalation channel (if cleared for it) and its own channel."""
    channels = []
    if escalation_channel and may_post_in(program, escalation_channel):
        channels.append(escalation_channel)
    if program.channel_id and program.channel_id not in channels:
        channels.append(program.channel_id)
    return channels


def raise_alert(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    program: Program,
    entity_ref: str,
    markup: str,
    escalation_channel: str | None,
    body: str | None = None,
) -> tuple[Alert | None, list[int]]:
    """Open an alert and queue its posts; (None, []) when the same alert is already open.

    `markup` is the message posted; `body` what it is about (kept on the alert, default `markup`), from
    which repeats and the acknowledged version are rendered.
    """
    existing = session.exec(
        select(Alert).where(
            col(Alert.team_id) == actor.team_id,
            col(Alert.kind) == kind,
            col(Alert.entity_ref) == entity_ref,
            col(Alert.acknowledged_at).is_(None),
            col(Alert.resolved_at).is_(None),
        )
    ).first()
    if existing is not None:
        return None, []
    alert = Alert(
        team_id=actor.team_id,
        kind=kind,
        entity_ref=entity_ref,
        program_id=program.id or 0,
        markup=markup if body is None else body,
        last_posted_on=utcnow().date(),
    )
    session.add(alert)
    session.flush()
    assert alert.id is not None
    ids = _post(session, alert, program, markup, escalation_channel, round_=0)
    audit.record(
        session,
        actor,
        entity_type="alert",
        entity_ref=f"{kind}:{entity_ref}",
        action="raise",
        program=program,
        before=None,
        after=alert,
    )
    return alert, ids


def _post(
    session: Session, alert: Alert, program: Program, markup: str, escalation_channel: str | None, round_: int
) -> list[int]:
    ids = []
    for channel in alert_channels(program, escalation_channel):
        queued = outbox.enqueue(
            session,
            team_id=alert.team_id,
            dedupe_key=f"alert:{alert.id}:{round_}:{channel}",
            kind="alert",
            markup=markup,
            channel_id=channel,
            entity_ref=f"alert:{alert.id}",
            buttons=[ack_button(alert.id or 0)],
        )
        if queued is not None and queued.id is not None:
            ids.append(queued.id)
    return ids


def repeat(
    session: Session, alert: Alert, program: Program, markup: str, escalation_channel: str | None, today: dt.date
) -> list[int]:
    """Post an unacknowledged alert again (once a working day, at most MAX_REPEATS times)."""
    round_ = alert.repeats + 1
    ids = _post(session, alert, program, markup, escalation_channel, round_=round_)
    alert.repeats = round_
    alert.last_posted_on = today
    session.add(alert)
    return ids


def acknowledge(session: Session, actor: Actor, alert: Alert, program: Program) -> list[OutboxMessage]:
    """Acknowledge an alert (anyone who may see its program); returns its sent messages to update in place."""
    if alert.acknowledged_at is not None:
        raise Conflict(f"Already acknowledged by <@{alert.acknowledged_by}>.")
    before = audit.snapshot(alert)
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by = actor.user_id
    session.add(alert)
    audit.record(
        session,
        actor,
        entity_type="alert",
        entity_ref=f"{alert.kind}:{alert.entity_ref}",
        action="acknowledge",
        program=program,
        before=before,
        after=alert,
    )
    return sent_messages(session, alert)


def sent_messages(session: Session, alert: Alert) -> list[OutboxMessage]:
    """Every delivered message of an alert."""
    return list(
        session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.team_id) == alert.team_id,
                col(OutboxMessage.entity_ref) == f"alert:{alert.id}",
                col(OutboxMessage.status) == OutboxStatus.SENT,
            )
        )
    )


def resolve(session: Session, actor: Actor, *, kind: str, entity_ref: str, program: Program) -> list[Alert]:
    """Close open alerts whose condition no longer holds (program no longer red, risk no longer critical)."""
    open_alerts = list(
        session.exec(
            select(Alert).where(
                col(Alert.team_id) == actor.team_id,
                col(Alert.kind) == kind,
                col(Alert.entity_ref) == entity_ref,
                col(Alert.resolved_at).is_(None),
            )
        )
    )
    for alert in open_alerts:
        before = audit.snapshot(alert)
        alert.resolved_at = utcnow()
        session.add(alert)
        audit.record(
            session,
            actor,
            entity_type="alert",
            entity_ref=f"{kind}:{entity_ref}",
            action="resolve",
            program=program,
            before=before,
            after=alert,
        )
    return open_alerts


def needing_repeat(session: Session, today: dt.date) -> list[Alert]:
    """Open, unacknowledged alerts repeated fewer than MAX_REPEATS times and not repeated today.

    Alerts not repeated yet are all included: whether they were raised "today" depends on the
    workspace's time zone, which the caller knows (`created_at` is the instant they were posted).
    """
    return list(
        session.exec(
            select(Alert)
            .where(
                col(Alert.acknowledged_at).is_(None),
                col(Alert.resolved_at).is_(None),
                col(Alert.repeats) < MAX_REPEATS,
                (col(Alert.repeats) == 0) | (col(Alert.last_posted_on).is_(None)) | (col(Alert.last_posted_on) < today),
            )
            .order_by(col(Alert.id))
        )
    )
