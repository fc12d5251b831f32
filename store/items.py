"""Numbered items (R-n, D-n, A-n, M-n, S-n, K-n) by their human number."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from sqlmodel import Session, col, select

from store.ids import Kind
from store.models import Action, Ask, Decision, DigestSchedule, Issue, Kpi, Milestone, Risk

Numbered = TypeVar("Numbered", Risk, Decision, Action, Milestone, DigestSchedule, Ask, Kpi, Issue)

MODEL_FOR_KIND: dict[
    Kind,
    type[Risk]
    | type[Decision]
    | type[Action]
    | type[Milestone]
    | type[DigestSchedule]
    | type[Ask]
    | type[Kpi]
    | type[Issue],
] = {
    Kind.RISK: Risk,
    Kind.DECISION: Decision,
    Kind.ACTION: Action,
    Kind.MILESTONE: Milestone,
    Kind.SCHEDULE: DigestSchedule,
    Kind.ASK: Ask,
    Kind.KPI: Kpi,
    Kind.ISSUE: Issue,
}


def by_number(
    session: Session, model: type[Numbered], team_id: str, number: int, *, lock: bool = False
) -> Numbered | None:
    """The item of `model` numbered `number` in a workspace; `lock` holds its row until the transaction ends
    (PostgreSQL; SQLite writers already hold the database), so a read-modify-write sees the latest values."""
    statement = select(model).where(col(model.team_id) == team_id, col(model.number) == number)
    if lock:
        # populate_existing: a copy this session read before the lock is refreshed from the locked row.
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return session.exec(statement).first()


def numbers_of(session: Session, model: type[Risk] | type[Decision], row_ids: list[int]) -> dict[int, int]:
    """Row id -> human number of the given rows of `model`, in one query."""
    if not row_ids:
        return {}
    statement = select(model.id, model.number).where(col(model.id).in_(row_ids))
    return {int(row_id): int(number) for row_id, number in session.exec(statement) if row_id is not None}


Dated = TypeVar("Dated", Action, Milestone, Risk, Ask)
ENDED_AT = {Action: "done_at", Milestone: "done_at", Risk: "closed_at", Ask: "closed_at"}


def ended_since(
    session: Session, model: type[Dated], team_id: str, program_ids: list[int], moment: dt.datetime
) -> list[Dated]:
    """Items of the given programs done, closed or answered (`done_at` or `closed_at`) at or after `moment`, in
    the order that happened."""
    if not program_ids:
        return []
    ended = col(getattr(model, ENDED_AT[model]))
    statement = select(model).where(
        col(model.team_id) == team_id, col(model.program_id).in_(program_ids), ended >= moment
    )
    return list(session.exec(statement.order_by(ended, col(model.number))))
