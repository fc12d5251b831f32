"""The reminder ledger: what went to whom, so every reminder and escalation step happens at most once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from store.models import ReminderSent
from store.types import utcnow


def claim_many(session: Session, *, team_id: str, pairs: list[tuple[str, str]], today: dt.date) -> set[tuple[str, str]]:
    """Record many (key, recipient) pairs in one statement; returns the pairs that were new."""
    if not pairs:
        return set()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stamp = utcnow()
    fresh: set[tuple[str, str]] = set()
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        statement = (
            insert(ReminderSent)
            .values(
                [
                    {"team_id": team_id, "key": k, "recipient": r, "sent_on": today, "created_at": stamp}
                    for k, r in chunk
                ]
            )
            .on_conflict_do_nothing()
            .returning(col(ReminderSent.key), col(ReminderSent.recipient))
        )
        fresh |= {(str(k), str(r)) for k, r in session.execute(statement)}
    return fresh
