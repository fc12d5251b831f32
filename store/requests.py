"""Signed Slack requests already received: one row per fingerprint (unique), shared by every replica."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from store.models import SeenRequest
from store.types import utcnow


def claim(session: Session, fingerprint: str) -> SeenRequest | None:
    """Record `fingerprint` as received: None if it is new (the caller handles the request), else the row of
    the first time it came (its `status` and `body` are set once that first request was answered)."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new = insert(SeenRequest).values(fingerprint=fingerprint, received_at=utcnow())
    statement = new.on_conflict_do_nothing(index_elements=["fingerprint"]).returning(col(SeenRequest.fingerprint))
    if session.execute(statement).scalar_one_or_none() is not None:
        return None
    return session.get(SeenRequest, fingerprint)


def remember_answer(session: Session, fingerprint: str, *, status: int, content_type: str, body: str) -> None:
    """Keep the answer the first request got, to give it again to a replay."""
    session.execute(
        update(SeenRequest)
        .where(col(SeenRequest.fingerprint) == fingerprint)
        .values(status=status, content_type=content_type, body=body)
    )


def forget_before(session: Session, instant: dt.datetime) -> None:
    """Drop the fingerprints of requests received before `instant` (their signatures have expired)."""
    session.execute(delete(SeenRequest).where(col(SeenRequest.received_at) < instant))
