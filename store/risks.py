"""Queries of the risk register."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from store.models import Risk, RiskStatus

OPEN_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.ACCEPTED)


def query(
    session: Session,
    team_id: str,
    program_ids: list[int],
    *,
    scores: tuple[int, int] | None = None,
    owner_id: str | None = None,
    include_closed: bool = False,
    review_before: dt.date | None = None,
) -> list[Risk]:
    """Risks of the given programs, highest score first; `scores` is an inclusive score range; `review_before`
    keeps those with a review date before it."""
    if not program_ids:
        return []
    statement = select(Risk).where(col(Risk.team_id) == team_id, col(Risk.program_id).in_(program_ids))
    if not include_closed:
        statement = statement.where(col(Risk.status).in_(OPEN_STATUSES))
    if scores is not None:
        statement = statement.where(col(Risk.score) >= scores[0], col(Risk.score) <= scores[1])
    if owner_id is not None:
        statement = statement.where(col(Risk.owner_id) == owner_id)
    if review_before is not None:
        statement = statement.where(col(Risk.review_date) < review_before)
    return list(session.exec(statement.order_by(col(Risk.score).desc(), col(Risk.number))))
