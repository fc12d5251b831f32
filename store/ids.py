"""Human IDs (R-12, D-4, A-7, M-3, S-2, ASK-5, K-5, I-2): unique per workspace, never reused, safe under concurrency."""

from __future__ import annotations

import re
from enum import StrEnum

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from store.models import IdCounter


class Kind(StrEnum):
    RISK = "R"
    DECISION = "D"
    ACTION = "A"
    MILESTONE = "M"
    SCHEDULE = "S"
    ASK = "ASK"
    KPI = "K"
    ISSUE = "I"


REF_PATTERN = re.compile(r"^(ASK|[RDAMSKI])-(\d{1,9})$", re.IGNORECASE)


def ref(kind: Kind, number: int) -> str:
    """The printed form, e.g. `R-12`."""
    return f"{kind.value}-{number}"


def parse_ref(text: str) -> tuple[Kind, int] | None:
    """`r-12` -> (Kind.RISK, 12); None when `text` is not a human ID."""
    match = REF_PATTERN.match(text.strip())
    if not match:
        return None
    return Kind(match.group(1).upper()), int(match.group(2))


def next_number(session: Session, team_id: str, kind: Kind) -> int:
    """Take the next number for `kind` in one upsert; the row lock makes concurrent takers queue, not collide."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(IdCounter)
        .values(team_id=team_id, kind=kind.value, value=1)
        .on_conflict_do_update(index_elements=["team_id", "kind"], set_={"value": col(IdCounter.value) + 1})
        .returning(col(IdCounter.value))
    )
    return int(session.execute(statement).scalar_one())
