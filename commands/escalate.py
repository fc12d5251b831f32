"""Alerts raised by commands: a program turning red, a risk becoming critical."""

from __future__ import annotations

from sqlmodel import Session

from commands.reply import CommandRequest, Message, Reply
from store import alerts
from store.models import Program

PROGRAM_RED = "program_red"
RISK_CRITICAL = "risk_critical"


def raise_alert(
    request: CommandRequest,
    session: Session,
    answer: Reply,
    *,
    kind: str,
    program: Program,
    entity_ref: str,
    body: Message,
) -> bool:
    """Raise an alert whose message is `body` plus an Acknowledge button; True when one was raised."""
    content = body.markup()
    markup = Message("alert", {"body": content, "acknowledged_by": None, "acknowledged_at": None}).markup()
    alert, ids = alerts.raise_alert(
        session,
        request.actor,
        kind=kind,
        program=program,
        entity_ref=entity_ref,
        markup=markup,
        body=content,  # the acknowledged message and the repeats wrap this, not the posted message
        escalation_channel=request.escalation_channel,
    )
    answer.outbox_ids.extend(ids)
    return alert is not None


def resolve(request: CommandRequest, session: Session, *, kind: str, program: Program, entity_ref: str) -> None:
    """Stop the repeats of alerts whose condition no longer holds."""
    alerts.resolve(session, request.actor, kind=kind, entity_ref=entity_ref, program=program)
