"""Numbered items (R-n, D-n, A-n, M-n, S-n, K-n) by their human number."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, col, select

from store.ids import Kind
from store.models import Action, Decision, DigestSchedule, Kpi, Milestone, Risk

Numbered = TypeVar("Numbered", Risk, Decision, Action, Milestone, DigestSchedule, Kpi)

MODEL_FOR_KIND: dict[
    Kind, type[Risk] | type[Decision] | type[Action] | type[Milestone] | type[DigestSchedule] | type[Kpi]
] = {
    Kind.RISK: Risk,
    Kind.DECISION: Decision,
    Kind.ACTION: Action,
    Kind.MILESTONE: Milestone,
    Kind.SCHEDULE: DigestSchedule,
    Kind.KPI: Kpi,
}


def by_number(
    session: Session, model: type[Numbered], team_id: str, number: int, *, lock: bool = False
) -> Numbered | None:
    """The item of `model` numbered `number` in a workspace; `lock` holds its row until the transaction ends
    (PostgreSQL; SQLite writers already hold the database), so a read-modify-write sees the latest values."""
    statement = select(model).where(col(model.team_id) == team_id, col(model.number) == number)
    if lock:
        statement = statement.with_for_update()
    return session.exec(statement).first()
