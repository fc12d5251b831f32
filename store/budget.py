"""Queries of programs' budgets: quarterly plans and what was spent."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.models import BudgetPlan, BudgetSpend, SpendCategory


def plan_for(session: Session, program_id: int, quarter: str) -> BudgetPlan | None:
    """The program's plan for `quarter` (`2027Q1`), if one was set."""
    statement = select(BudgetPlan).where(col(BudgetPlan.program_id) == program_id, col(BudgetPlan.quarter) == quarter)
    return session.exec(statement).first()


def plans_for(session: Session, program_ids: list[int]) -> list[BudgetPlan]:
    """Every quarter's plan of the given programs, by program and quarter."""
    if not program_ids:
        return []
    statement = select(BudgetPlan).where(col(BudgetPlan.program_id).in_(program_ids))
    return list(session.exec(statement.order_by(col(BudgetPlan.program_id), col(BudgetPlan.quarter))))


def spent(session: Session, program_ids: list[int]) -> dict[tuple[int, str], dict[str | None, int]]:
    """What each program spent per quarter and category (None: no category), in minor units, in one query."""
    if not program_ids:
        return {}
    statement = (
        select(BudgetSpend.program_id, BudgetSpend.quarter, BudgetSpend.category, func.sum(BudgetSpend.amount))
        .where(col(BudgetSpend.program_id).in_(program_ids))
        .group_by(col(BudgetSpend.program_id), col(BudgetSpend.quarter), col(BudgetSpend.category))
    )
    totals: dict[tuple[int, str], dict[str | None, int]] = {}
    for program_id, quarter, category, amount in session.exec(statement):
        name = SpendCategory(category).value if category is not None else None
        totals.setdefault((program_id, quarter), {})[name] = int(amount)
    return totals


def any_recorded(session: Session, team_id: str) -> bool:
    """Whether the workspace has a budget plan or a spending recorded (amounts kept in its currency)."""
    for table in (BudgetPlan, BudgetSpend):
        if session.exec(select(table.id).where(col(table.team_id) == team_id).limit(1)).first() is not None:
            return True
    return False
