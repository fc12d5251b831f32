"""The outbox: messages are committed as pending with the change that causes them, then delivered."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from store.models import OutboxMessage, OutboxStatus
from store.types import utcnow

MAX_ATTEMPTS = 8
# How long a claim holds without renewal: a live sender renews it every HEARTBEAT while it sends (however
# slow Slack is), so a crashed sender's claims are taken over this soon after its last renewal.
LEASE = dt.timedelta(seconds=30)
HEARTBEAT = LEASE / 3
# Slack takes up to 5 posts to a response_url within 30 minutes; after that a reply goes by DM.
RESPONSE_URL_LIFETIME = dt.timedelta(minutes=30)
RESPONSE_URL_USES = 5
COMMAND_REPLY = "command_reply"  # replaces the "working on it" ack it follows
CLICK_REPLY = "click_reply"  # a new ephemeral under the message that was clicked
EDIT = "edit"  # an update in place (`chat.update`) of the message it points at (its `thread_parent_id`)


@dataclass(frozen=True)
class Outgoing:
    """One message for `enqueue_many`: to exactly one channel or one user, queued once per `dedupe_key`."""

    dedupe_key: str
    kind: str
    markup: str
    channel_id: str | None = None
    user_id: str | None = None
    buttons: list[dict[str, Any]] = field(default_factory=list)
    entity_ref: str | None = None
    thread_parent_id: int | None = None
    response_url: str | None = None


# `last_error` starts with this when the last attempt may or may not have reached Slack (its sender died
# while posting, a server error, a dropped connection): whoever sends it next checks Slack first.
OUTCOME_UNKNOWN = "outcome unknown"
IN_FLIGHT = f"{OUTCOME_UNKNOWN}: its sender stopped while posting it"


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
    response_url: str | None = None,
) -> OutboxMessage | None:
    """Queue a message once per `dedupe_key`; None when that key was already queued."""
    message = Outgoing(
        dedupe_key, kind, markup, channel_id, user_id, buttons or [], entity_ref, thread_parent_id, response_url
    )
    values = _values(team_id, message, not_before)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing().returning(OutboxMessage)
    return session.scalars(statement).one_or_none()


def enqueue_many(session: Session, *, team_id: str, messages: Sequence[Outgoing]) -> dict[str, int]:
    """Queue many messages (one cached statement, sent in batches), each once per `dedupe_key`.

    Returns dedupe_key -> outbox id for the messages queued now; keys that were already queued are left out.
    """
    if not messages:
        return {}
    rows = [_values(team_id, message, None) for message in messages]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(OutboxMessage).on_conflict_do_nothing().returning(col(OutboxMessage.dedupe_key), col(OutboxMessage.id))
    )
    return {str(key): int(new_id) for key, new_id in session.execute(statement, rows)}


def _values(team_id: str, message: Outgoing, not_before: dt.datetime | None) -> dict[str, Any]:
    if (message.channel_id is None) == (message.user_id is None):
        raise ValueError("a message goes to exactly one channel or one user")
    return {
        "team_id": team_id,
        "dedupe_key": message.dedupe_key,
        "kind": message.kind,
        "markup": message.markup,
        "channel_id": message.channel_id,
        "user_id": message.user_id,
        "buttons": list(message.buttons),
        "entity_ref": message.entity_ref,
        "thread_parent_id": message.thread_parent_id,
        "response_url": message.response_url,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": not_before or utcnow(),
        "created_at": utcnow(),
    }


def claim(
    session: Session,
    *,
    now: dt.datetime,
    ids: list[int] | None = None,
    limit: int = 100,
    except_kinds: Sequence[str] = (),
) -> list[OutboxMessage]:
    """Take due messages for sending (lease-protected, so two senders never take the same one), all of them or
    just `ids`, leaving out those of `except_kinds`."""
    due = or_(
        col(OutboxMessage.status) == OutboxStatus.PENDING,
        (col(OutboxMessage.status) == OutboxStatus.SENDING) & (col(OutboxMessage.lease_until) < now),
    )
    statement = select(OutboxMessage.id).where(due, col(OutboxMessage.next_attempt_at) <= now)
    if ids is not None:
        statement = statement.where(col(OutboxMessage.id).in_(ids))
    if except_kinds:
        statement = statement.where(col(OutboxMessage.kind).not_in(except_kinds))
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


def renew(session: Session, ids: list[int], *, until: dt.datetime) -> None:
    """Extend the lease of the messages among `ids` still being sent (their sender is alive)."""
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids), col(OutboxMessage.status) == OutboxStatus.SENDING)
        .values(lease_until=until)
    )


def response_url_usable(message: OutboxMessage, now: dt.datetime) -> bool:
    """Whether a reply may still go to its response_url (else it goes to its user by DM). A reply is
    queued after its first post failed, so its attempts here are the response_url's second use on."""
    return (
        message.response_url is not None
        and now < message.created_at + RESPONSE_URL_LIFETIME
        and message.attempts < RESPONSE_URL_USES
    )


def outcome_unknown(message: OutboxMessage) -> bool:
    """Whether the previous attempt may have posted the message (so sending again could duplicate it)."""
    return (message.last_error or "").startswith(OUTCOME_UNKNOWN)


def mark_posting(session: Session, message_id: int) -> None:
    """Note that the message is being posted now: should its sender die before `mark_sent`, whoever takes
    it once the lease expires will see the outcome is unknown (messages claimed but never tried are not)."""
    session.execute(update(OutboxMessage).where(col(OutboxMessage.id) == message_id).values(last_error=IN_FLIGHT))


def mark_sent(session: Session, message_id: int, *, channel: str | None, ts: str | None, now: dt.datetime) -> None:
    """Record a delivered message and where it landed (for threads and updates in place; None for a
    reply through a response_url, which has no place in a channel)."""
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


def mark_waiting(session: Session, message_id: int, *, until: dt.datetime) -> None:
    """Put back a thread reply whose first message is not out yet; the attempt does not count."""
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(
            status=OutboxStatus.PENDING,
            next_attempt_at=until,
            lease_until=None,
            attempts=col(OutboxMessage.attempts) - 1,
        )
    )


def mark_failed(session: Session, message_id: int, *, error: str) -> None:
    """Give up on a message that can never be delivered (e.g. channel_not_found); admins see it."""
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(status=OutboxStatus.FAILED, lease_until=None, last_error=error[:500])
    )


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


def queued_keys(session: Session, team_id: str, keys: list[str]) -> set[str]:
    """Which of `keys` a workspace has already queued (sent or not)."""
    if not keys:
        return set()
    return set(
        session.exec(
            select(OutboxMessage.dedupe_key).where(
                col(OutboxMessage.team_id) == team_id, col(OutboxMessage.dedupe_key).in_(keys)
            )
        )
    )


def parent_of(session: Session, message: OutboxMessage) -> OutboxMessage | None:
    """The message a thread reply answers."""
    return session.get(OutboxMessage, message.thread_parent_id) if message.thread_parent_id else None


def enqueue_edit(
    session: Session,
    *,
    target: OutboxMessage,
    markup: str,
    buttons: list[dict[str, Any]] | None = None,
    cause: str | None = None,
) -> int | None:
    """Queue an update in place of `target` to read `markup` (with `buttons`); the outbox id, or None when
    `cause` was queued already. Without a cause, an edit of `target` that no sender has taken yet is rewritten
    instead of queueing another (coalesced: Slack is told the latest state once)."""
    assert target.id is not None
    if cause is None:
        rewritten = list(
            session.execute(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.kind) == EDIT,
                    col(OutboxMessage.thread_parent_id) == target.id,
                    col(OutboxMessage.status) == OutboxStatus.PENDING,
                )
                .values(markup=markup, buttons=list(buttons or []))
                .returning(col(OutboxMessage.id))
            ).scalars()
        )
        if rewritten:
            return int(max(rewritten))
    queued = enqueue(
        session,
        team_id=target.team_id,
        dedupe_key=f"edit:{target.id}:{cause or uuid.uuid4().hex}",
        kind=EDIT,
        markup=markup,
        channel_id=target.channel_id,
        user_id=target.user_id,
        buttons=buttons,
        thread_parent_id=target.id,
    )
    return None if queued is None else queued.id


def latest_version(session: Session, target: OutboxMessage) -> tuple[str, list[dict[str, Any]]]:
    """What `target` reads now (or will once its queued edits are out): the markup and buttons of its newest
    edit, else its own."""
    newest = session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.kind) == EDIT, col(OutboxMessage.thread_parent_id) == target.id)
        .order_by(col(OutboxMessage.id).desc())
        .limit(1)
    ).first()
    shown = newest or target
    return shown.markup, list(shown.buttons)


def newer_edit(session: Session, edit: OutboxMessage) -> bool:
    """Whether a later edit of the same message is queued (sending this older one would only be undone)."""
    return (
        session.exec(
            select(OutboxMessage.id)
            .where(
                col(OutboxMessage.kind) == EDIT,
                col(OutboxMessage.thread_parent_id) == edit.thread_parent_id,
                col(OutboxMessage.id) > (edit.id or 0),
                col(OutboxMessage.status) != OutboxStatus.FAILED,
            )
            .limit(1)
        ).first()
        is not None
    )
