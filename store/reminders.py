"""The reminder ledger: what went to whom, so every reminder and escalation step happens at most once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from store.models import ReminderSent
from store.types import utcnow


def claim_many(session: Session, *, team_id: str, pairs: list[tuple[str, str]], today: dt.date) -> set[tuple[str, str]]:
    """Record many (key, recipient) pairs; returns the pairs that were new."""
    if not pairs:
        return set()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stamp = utcnow()
    statement = (
        insert(ReminderSent).on_conflict_do_nothing().returning(col(ReminderSent.key), col(ReminderSent.recipient))
    )
    rows = [{"team_id": team_id, "key": k, "recipient": r, "sent_on": today, "created_at": stamp} for k, r in pairs]
    # executemany: one cached statement, sent in batches ("insertmanyvalues"), instead of compiling a VALUES list
    return {(str(k), str(r)) for k, r in session.execute(statement, rows)}
